//! `amxc man`: one complete manual page — every command with its arguments, options and
//! examples, then EXIT STATUS, ENVIRONMENT and FILES — so that no page it names is missing.

use super::Cli;
use clap::CommandFactory;

/// Text for roff: backslashes and leading dots or quotes made literal.
fn roff(text: &str) -> String {
    let t = text.replace('\\', "\\e").replace('-', "\\-");
    t.lines()
        .map(|l| {
            if l.starts_with(['.', '\'']) {
                format!("\\&{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// How an argument is written in a synopsis or an option list.
fn usage(arg: &clap::Arg) -> String {
    let value = arg
        .get_value_names()
        .and_then(|v| v.first())
        .map(|v| v.to_string())
        .unwrap_or_else(|| arg.get_id().as_str().to_ascii_uppercase());
    match (arg.get_long(), arg.get_short()) {
        (Some(l), _) if arg.get_action().takes_values() => {
            format!("\\fB\\-\\-{}\\fR \\fI{value}\\fR", l.replace('-', "\\-"))
        }
        (Some(l), _) => format!("\\fB\\-\\-{}\\fR", l.replace('-', "\\-")),
        (None, Some(s)) => format!("\\fB\\-{s}\\fR"),
        (None, None) => format!("\\fI{value}\\fR"),
    }
}

/// The whole manual page, in roff.
pub fn page() -> Result<String, std::io::Error> {
    let cmd = Cli::command();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    let mut s = String::from_utf8_lossy(&out).into_owned();
    s.push_str(".SH COMMANDS\n");
    for sub in cmd.get_subcommands() {
        let name = sub.get_name();
        let args: Vec<&clap::Arg> = sub
            .get_arguments()
            .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
            .collect();
        let synopsis: Vec<String> = args.iter().map(|a| usage(a)).collect();
        s.push_str(&format!(
            ".SS \"amxc {name}\"\n\\fBamxc {name}\\fR {}\n.br\n{}\n",
            synopsis.join(" "),
            roff(&sub.get_about().map(|a| a.to_string()).unwrap_or_default())
        ));
        for a in &args {
            s.push_str(&format!(
                ".TP\n{}\n{}\n",
                usage(a),
                roff(&a.get_help().map(|h| h.to_string()).unwrap_or_default())
            ));
        }
        if let Some(after) = sub.get_after_help() {
            s.push_str(&format!(".PP\n.nf\n{}\n.fi\n", roff(&after.to_string())));
        }
    }
    s.push_str(&format!(
        ".SH \"EXIT STATUS\"\n.TP\n0\n{}\n.TP\n1\n{}\n.TP\n2\n{}\n",
        roff("Clean: notes, and warnings unless --deny-warnings, are allowed."),
        roff("Errors found, a server failed to compile, or --check found stale outputs."),
        roff("A usage error, or a file that cannot be read or written (AMX0500, AMX0501)."),
    ));
    s.push_str(&format!(
        ".SH ENVIRONMENT\n.TP\nNO_COLOR\n{}\n.TP\nCLICOLOR_FORCE\n{}\n.TP\nCLICOLOR, TERM\n{}\n",
        roff("When set and not empty, human diagnostics are never coloured (--color always overrides it)."),
        roff("When set and not 0, human diagnostics are coloured even when stdout is not a terminal (unless NO_COLOR is set)."),
        roff("CLICOLOR=0 or TERM=dumb: no colour.")
    ));
    s.push_str(&format!(
        ".SH FILES\n.TP\nNAME.versions.yaml\n{}\n",
        roff("The version matrix beside a policy NAME.amx, read unless --matrix names another.")
    ));
    s.push_str(&format!(
        ".SH EXAMPLES\n.nf\n{}\n.fi\n",
        roff("amxc check policies/\namxc compile policies/app.amx --targets servers/ --out compiled/\namxc compile policies/app.amx --targets servers/ --out compiled/ --check\namxc explain AMX0302")
    ));
    let mut tail = Vec::new();
    man.render_version_section(&mut tail)?;
    s.push_str(&String::from_utf8_lossy(&tail));
    Ok(s)
}
