//! `amxc doc`: the KB "Feature List" article, generated from the policy in the seed article's
//! shape, so that the article can never drift from what the module does.

use crate::ast::*;
use crate::matrix::Matrix;
use std::fmt::Write as _;

pub fn failure_action_name(a: &FailureAction) -> String {
    match a {
        FailureAction::RecoverService => "Recover Service".into(),
        FailureAction::RestartApplications => "Restart Applications".into(),
        FailureAction::LogWarning => "Log Warning".into(),
        FailureAction::Switchover => "Switchover".into(),
        FailureAction::Task(n) => format!("task \"{}\"", n.text),
    }
}

/// A comparison in words.
fn verb(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "is",
        CmpOp::Ne => "is not",
        CmpOp::Lt => "is below",
        CmpOp::Le => "is at most",
        CmpOp::Gt => "is above",
        CmpOp::Ge => "is at least",
    }
}

/// A condition in words, for readers of the article.
pub fn words(c: &Condition, m: Option<&Matrix>) -> String {
    let comp = |n: &str| {
        m.and_then(|m| m.components.iter().find(|c| c.name == n))
            .map_or(format!("`{n}`"), |c| c.description.clone())
    };
    match &c.kind {
        CondKind::ManagementIp => {
            "there is a management IP address available on the passive".into()
        }
        CondKind::Has(n, _) => format!("the {} is present", comp(&n.text)),
        CondKind::Not(x) => match &x.kind {
            CondKind::ManagementIp => "there is no management IP address on the passive".into(),
            CondKind::Has(n, _) => format!("the {} is absent", comp(&n.text)),
            _ => format!("not ({})", words(x, m)),
        },
        CondKind::And(xs) => xs
            .iter()
            .map(|x| words(x, m))
            .collect::<Vec<_>>()
            .join(" and "),
        CondKind::Or(xs) => xs
            .iter()
            .map(|x| words(x, m))
            .collect::<Vec<_>>()
            .join(" or "),
        CondKind::Release { op, value, .. } => {
            format!("the AM(X) version {} {}", verb(*op), value.text)
        }
        CondKind::Compare {
            dimension,
            op,
            value,
            ..
        } => {
            let verb = verb(*op);
            // a version-kind dimension reads `app version`; a named one (`arch`) reads as itself
            let named = m
                .and_then(|m| m.dimensions.iter().find(|d| d.name == dimension.text))
                .is_some_and(|d| d.kind == crate::matrix::DimKind::Enum);
            let dim = if named {
                dimension.text.clone()
            } else {
                format!("{} version", dimension.text)
            };
            format!("{dim} {verb} {}", value.text)
        }
    }
}

fn when(c: &Option<Box<Condition>>, m: Option<&Matrix>) -> String {
    c.as_deref()
        .map_or(String::new(), |c| format!(" (only where {})", words(c, m)))
}

fn kind_words(k: TaskKind) -> String {
    match k {
        TaskKind::Network => "as a Network Configuration task".into(),
        TaskKind::PreStart => "as a PreStart task, before the protected services start".into(),
        TaskKind::PostStart => "as a PostStart task, after the protected services start".into(),
        TaskKind::PreStop => "as a PreStop task, before the protected services stop".into(),
        TaskKind::PostStop => "as a PostStop task, after the protected services stop".into(),
        TaskKind::PreShadow => "before each Data Rollback Module snapshot".into(),
        TaskKind::PostShadow => "after each Data Rollback Module snapshot".into(),
        TaskKind::Periodic(d) => format!("periodically, every {d}"),
        TaskKind::RuleAction => "as a rule action, when a failure action calls it".into(),
    }
}

fn side_words(t: &Task) -> &'static str {
    match t.on.as_ref().map(|o| o.value) {
        Some(TaskSide::Passive) => "on the passive server",
        Some(TaskSide::Both) => "on both servers",
        Some(TaskSide::Primary) => "on the primary server",
        Some(TaskSide::Secondary) => "on the secondary server",
        Some(TaskSide::Active) | None => "on the active server",
    }
}

fn class_words(classes: &[DataClass]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for c in classes {
        let w = match c {
            DataClass::Config => "configuration",
            DataClass::Data => "data",
            DataClass::Log => "log",
            DataClass::Definitions => "definition",
            DataClass::Other => "other",
        };
        if !names.contains(&w) {
            names.push(w);
        }
    }
    match names.len() {
        0 => String::new(),
        1 => names[0].to_string(),
        n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

/// A data class as a label in a list of filters.
fn class_label(c: DataClass) -> &'static str {
    match c {
        DataClass::Config => "configuration",
        DataClass::Data => "data",
        DataClass::Log => "logs",
        DataClass::Definitions => "definitions",
        DataClass::Other => "other",
    }
}

/// How the article names the data a pattern leads to: the `about` of the path variable it
/// starts with (`the virus definitions`), else the pattern itself.
fn data_name(policy: &Policy, pattern: &str) -> Option<String> {
    let (_, name) = var_uses(pattern).next()?;
    if !pattern.starts_with(&format!("%{name}%")) {
        return None;
    }
    policy
        .path_definitions()
        .find(|p| p.name.text.eq_ignore_ascii_case(name))
        .and_then(|p| p.about.as_ref())
        .map(|a| a.value.clone())
}

/// `text` with its first letter upper-cased and a full stop at its end.
fn sentence(text: &str) -> String {
    let mut cs = text.trim().chars();
    let mut out: String = cs
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(cs.as_str());
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// `text` as written, with a full stop at its end.
fn clause(text: &str) -> String {
    let t = text.trim();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// What the article says of unprotected data: named as the policy names it, with why.
/// Whether a data name reads as plural ("the virus definitions DAT files …", "the logs"),
/// for its verb: the last word of its head, before any "obtained", "that" or "of" clause.
fn plural(name: &str) -> bool {
    let head = name
        .split([',', '('])
        .next()
        .unwrap_or(name)
        .split(" obtained ")
        .next()
        .unwrap_or(name)
        .split(" that ")
        .next()
        .unwrap_or(name)
        .split(" of ")
        .next()
        .unwrap_or(name);
    head.split_whitespace().last().is_some_and(|w| {
        let w = w.to_ascii_lowercase();
        w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is")
    })
}

fn unprotected_lines(
    s: &mut String,
    policy: &Policy,
    data: &[Item<DataRule>],
    m: Option<&Matrix>,
    details: bool,
) {
    for d in data {
        let DataRule::Unprotected {
            pattern, because, ..
        } = &d.value
        else {
            continue;
        };
        // the condition always: a sentence holds where it says (`details` adds the pattern)
        let w = when(&d.when, m);
        let _ = details;
        let first = match data_name(policy, &pattern.value) {
            Some(name) => {
                let verb = if plural(&name) { "are" } else { "is" };
                sentence(&format!("{name} {verb} not protected{w}"))
            }
            None => format!("`{}` is not protected{w}.", pattern.value),
        };
        let _ = writeln!(
            s,
            "- {first} {}",
            sentence(&format!("this is because {}", because.value))
        );
    }
}

fn data_lines(s: &mut String, data: &[Item<DataRule>], m: Option<&Matrix>) {
    for d in data {
        let w = when(&d.when, m);
        match &d.value {
            DataRule::Filter {
                kind,
                mode,
                pattern,
                class,
                because,
            } => {
                let what = match (kind, mode) {
                    (FilterKind::Files, FilterMode::Include) => "Files protected",
                    (FilterKind::Files, FilterMode::Exclude) => "Files excluded from protection",
                    (FilterKind::Registry, FilterMode::Include) => "Registry keys protected",
                    (FilterKind::Registry, FilterMode::Exclude) => {
                        "Registry keys excluded from protection"
                    }
                    (FilterKind::Snapshot, FilterMode::Include) => {
                        "Included in the Data Rollback Module snapshot"
                    }
                    (FilterKind::Snapshot, FilterMode::Exclude) => {
                        "Left out of the Data Rollback Module snapshot"
                    }
                };
                let class = match (kind, class) {
                    (FilterKind::Snapshot, _) => String::new(),
                    (_, Some(c)) => format!(" ({})", class_label(*c)),
                    _ => String::new(),
                };
                let why = because
                    .as_ref()
                    .map_or(String::new(), |b| format!(", because {}", b.value));
                let _ = writeln!(s, "- {what}: `{}`{class}{why}{w}.", pattern.value);
            }
            DataRule::Unprotected {
                pattern, because, ..
            } => {
                let _ = writeln!(
                    s,
                    "- `{}` is not protected. This is because {}{w}.",
                    pattern.value, because.value
                );
            }
        }
    }
}

/// The feature list article for `policy`; `matrix` supplies component names. The article
/// says what the policy says in the article's words; with `details`, it also names every
/// condition and lists every filter and location.
pub fn feature_list(policy: &Policy, m: Option<&Matrix>, details: bool) -> String {
    let mut s = String::new();
    let short = header(&mut s, policy, m);
    services(&mut s, policy, m);
    data(&mut s, policy, m, details, &short);
    discovery(&mut s, policy);
    other_features(&mut s, policy, m, details);
    unsupported(&mut s, policy, m);
    applies_to(&mut s, policy);
    s
}

/// Every sentence amxc words carries the condition it holds under, in the short article too:
/// without it a sentence would claim more configurations than it holds in. An advisory is the
/// author's own sentence, which says its condition as the author wants (the detailed article
/// adds it).
fn stated(details: bool, c: &Option<Box<Condition>>, m: Option<&Matrix>) -> String {
    if details {
        when(c, m)
    } else {
        String::new()
    }
}

/// The title, the generated-file comment, the summary and More Information (the application, its releases and components).
fn header(s: &mut String, policy: &Policy, m: Option<&Matrix>) -> String {
    let title = policy
        .title
        .as_ref()
        .map_or(policy.id.text.clone(), |t| t.value.value.clone());
    let _ = writeln!(
        s,
        "<!-- {} -->",
        super::quote::html_comment(&format!(
            "Generated by amxc {} from the policy `{}`. Do not edit: change the policy.",
            env!("CARGO_PKG_VERSION"),
            policy.id.text
        ))
    );
    let _ = writeln!(s, "# {title} - Feature List\n");
    let short = title
        .split(" - ")
        .next()
        .unwrap_or(&title)
        .trim()
        .to_string();
    let sister = match &policy.kb {
        Some(kb) => format!(
            "A sister article, Knowledgebase article #{}{}, lists all the versions of the AM(X) that we have produced to date and the versions of related supported software. In addition, there are links from that sister article to articles that explain the unique features of each version.",
            kb.value.number,
            kb.value.title.as_ref().map_or(String::new(), |t| format!(" - '{}'", t.value))
        ),
        None => "A sister \"Versions\" article lists all the versions of the AM(X) and the versions of related supported software.".into(),
    };
    let _ = writeln!(
        s,
        "This Knowledgebase article explains the protection offered by {short} AM(X). {sister}\n"
    );
    let _ = writeln!(s, "## More Information\n");
    if let Some(app) = &policy.application {
        let formerly: Vec<String> = app
            .value
            .formerly
            .iter()
            .map(|f| f.value.value.clone())
            .collect();
        let mut line = app.value.name.value.clone();
        if !formerly.is_empty() {
            let _ = write!(line, " (formerly {})", formerly.join(", "));
        }
        if let Some(about) = &policy.about {
            let a = &about.value.value;
            let mut cs = a.chars();
            let lowered = cs.next().map_or(String::new(), |c| {
                c.to_lowercase().collect::<String>() + cs.as_str()
            });
            let _ = write!(line, " {lowered}");
        }
        let _ = writeln!(s, "{line}\n");
        for b in &app.value.bits {
            let wow = if b.value == 32 {
                ": on 64-bit servers it is protected under `Program Files (x86)` and the `Wow6432Node` registry branch"
            } else {
                ""
            };
            // always with its condition: two unconditioned sentences would contradict
            let _ = writeln!(
                s,
                "It is a {}-bit application{}{wow}.\n",
                b.value,
                self::when(&b.when, m)
            );
        }
    } else if let Some(about) = &policy.about {
        let _ = writeln!(s, "{}\n", about.value.value);
    }
    short.to_string()
}

/// Protected Services: each service, then what the policy sets beyond the defaults.
fn services(s: &mut String, policy: &Policy, m: Option<&Matrix>) {
    let _ = writeln!(s, "## Protected Services\n");
    let _ = writeln!(s, "This is a list of all services protected by this AM(X). Please note that where an AM(X) supports multiple vendor versions, some services may not be present in a particular version.\n");
    for sv in &policy.base.services {
        let v = &sv.value;
        let display = v
            .display
            .as_ref()
            .map_or(v.name.text.clone(), |d| d.value.clone());
        let _ = writeln!(s, "- {display} ({}){}", v.name.text, when(&sv.when, m));
    }
    let _ = writeln!(s, "\nWhen the AM(X) is installed, all protected services will be set to manual unless otherwise stated.");
    let mut extra = Vec::new();
    for sv in &policy.base.services {
        let v = &sv.value;
        if let Some(st) = v.startup.last().filter(|st| st.value != Startup::Manual) {
            extra.push(
                format!(
                    "{} is set to {}.",
                    v.name.text,
                    match st.value {
                        Startup::DelayedAutomatic => "automatic (delayed start)",
                        Startup::Automatic => "automatic",
                        Startup::Disabled => "disabled",
                        Startup::Manual => "manual",
                    }
                )
                .to_lowercase()
                .replacen(&v.name.text.to_lowercase(), &v.name.text, 1),
            );
        }
        let after: Vec<String> = v
            .after
            .iter()
            .flat_map(|a| a.value.iter().map(|n| n.text.clone()))
            .collect();
        if !after.is_empty() {
            extra.push(format!(
                "{} starts after {} and stops before it.",
                v.name.text,
                after.join(" and ")
            ));
        }
        // each setting with the condition it is given under: a sentence holds where it says
        let unmanaged = v.manage.last().filter(|m| !m.value);
        let on_passive = v
            .passive
            .last()
            .filter(|p| p.value == ServiceState::Running);
        let off_active = v.active.last().filter(|a| a.value == ServiceState::Stopped);
        if let Some(u) = unmanaged {
            extra.push(format!(
                "{} is not managed by the AM(X){}: its startup type is left as it is, and it is never started or stopped by a switchover.",
                v.name.text,
                when(&u.when, m)
            ));
        } else if let (Some(p), Some(a)) = (on_passive, off_active) {
            let w = if p.when == a.when {
                when(&p.when, m)
            } else {
                format!("{}{}", when(&p.when, m), when(&a.when, m))
            };
            extra.push(format!(
                "{} runs on the passive server only{w}: it is stopped on the server that becomes active and started on the server that becomes passive.",
                v.name.text
            ));
        } else if let Some(p) = on_passive {
            extra.push(format!(
                "{} also runs on the passive server{}.",
                v.name.text,
                when(&p.when, m)
            ));
        } else if let Some(a) = off_active {
            extra.push(format!(
                "{} is stopped on the active server{}.",
                v.name.text,
                when(&a.when, m)
            ));
        }
        if let Some(x) = v.monitor.last().filter(|x| !x.value) {
            extra.push(format!(
                "{} is not monitored{}.",
                v.name.text,
                when(&x.when, m)
            ));
        }
        if let Some(f) = v.on_failure.last() {
            let names: Vec<String> = f.value.iter().map(failure_action_name).collect();
            extra.push(format!(
                "On failure of {}: {}.",
                v.name.text,
                names.join(", then ")
            ));
        }
    }
    if !extra.is_empty() {
        let _ = writeln!(s);
        for e in extra {
            let _ = writeln!(s, "- {e}");
        }
    }
}

/// Protected Data: what the filters protect, by class; in the detailed article each rule and the path variables.
fn data(s: &mut String, policy: &Policy, m: Option<&Matrix>, details: bool, short: &str) {
    let _ = writeln!(s, "\n## Protected Data\n");
    let _ = writeln!(s, "This is a description of the protected data set that was determined when the AM(X) was installed. Please note that exact filters will be based on the configuration of the application when the AM(X) was installed.\n");
    let protected: Vec<Item<DataRule>> = policy
        .base
        .data
        .iter()
        .filter(|d| !matches!(d.value, DataRule::Unprotected { .. }))
        .cloned()
        .collect();
    let file_classes: Vec<DataClass> = protected
        .iter()
        .filter_map(|d| match &d.value {
            DataRule::Filter {
                kind: FilterKind::Files,
                mode: FilterMode::Include,
                class,
                ..
            } => Some(class.unwrap_or(DataClass::Data)),
            _ => None,
        })
        .collect();
    let registry: Vec<(FilterMode, DataClass)> = protected
        .iter()
        .filter_map(|d| match &d.value {
            DataRule::Filter {
                kind: FilterKind::Registry,
                mode,
                class,
                ..
            } => Some((*mode, class.unwrap_or(DataClass::Config))),
            _ => None,
        })
        .collect();
    if registry.iter().any(|(m, _)| *m == FilterMode::Include) {
        let whole = registry
            .iter()
            .all(|(m, c)| *m == FilterMode::Include && *c == DataClass::Config);
        if whole {
            let _ = writeln!(
                s,
                "- All registry configurations are protected by this AM(X);"
            );
        } else {
            let classes: Vec<DataClass> = registry
                .iter()
                .filter(|(m, _)| *m == FilterMode::Include)
                .map(|(_, c)| *c)
                .collect();
            let _ = writeln!(
                s,
                "- Registry filters protect the {short} {} keys;",
                class_words(&classes)
            );
        }
    }
    if !file_classes.is_empty() {
        let _ = writeln!(
            s,
            "- File filters protect the {short} {} files.",
            class_words(&file_classes)
        );
    }
    if details {
        let _ = writeln!(s);
        data_lines(s, &protected, m);
    }
    if details && !policy.base.paths.is_empty() {
        let _ = writeln!(s, "\nLocations, as the filters name them:\n");
        for p in &policy.base.paths {
            let _ = writeln!(
                s,
                "- `%{}%` = `{}`{}",
                p.value.name.text,
                p.value.pattern.value,
                when(&p.when, m)
            );
        }
    }
}

/// Automatic Filter Discovery.
fn discovery(s: &mut String, policy: &Policy) {
    let _ = writeln!(s, "\n## Automatic Filter Discovery\n");
    match &policy.base.discovery {
        Some(d) if d.value.automatic => {
            let _ = writeln!(s, "The AM(X) provides a filter discovery component: it finds the application's locations itself{}.", d.value.reason.as_ref().map_or(String::new(), |r| format!("; {}", r.value)));
        }
        Some(d) => {
            let _ = writeln!(
                s,
                "The AM(X) does not provide a filter discovery component{}.",
                d.value
                    .reason
                    .as_ref()
                    .map_or(String::new(), |r| format!(": {}", r.value))
            );
        }
        None => {
            let _ = writeln!(
                s,
                "The AM(X) does not provide a filter discovery component."
            );
        }
    }
}

/// Other Features: unprotected data, what the application writes on the passive, tasks, advisories, acknowledged findings, notes and each release's exceptions.
fn other_features(s: &mut String, policy: &Policy, m: Option<&Matrix>, details: bool) {
    let _ = writeln!(s, "\n## Other Features\n");
    let unprotected: Vec<Item<DataRule>> = policy
        .base
        .data
        .iter()
        .filter(|d| matches!(d.value, DataRule::Unprotected { .. }))
        .cloned()
        .collect();
    unprotected_lines(s, policy, &unprotected, m, details);
    // what the application writes on the passive itself
    for w in policy.application.iter().flat_map(|a| &a.value.writes) {
        let what = w
            .value
            .patterns
            .iter()
            .map(|p| data_name(policy, &p.value).unwrap_or_else(|| format!("`{}`", p.value)))
            .collect::<Vec<_>>()
            .join(" and ");
        let said = match &w.value.because {
            Some(b) => b.value.clone(),
            None => format!("the application writes {what} on the passive server"),
        };
        let line = match w.when.as_deref() {
            Some(c) => format!("if {} then {said}", words(c, m)),
            None => said,
        };
        let _ = writeln!(s, "- {}", sentence(&line));
    }
    for t in &policy.base.tasks {
        let v = &t.value;
        let args: Vec<String> = v.run.value.args.iter().map(|a| a.value.clone()).collect();
        let cmdline = format!(
            "`{}{}{}`",
            v.run.value.program.value,
            if args.is_empty() { "" } else { " " },
            args.join(" ")
        );
        let cond = t
            .when
            .as_ref()
            .map_or(String::new(), |c| format!(", where {}", words(c, m)));
        let _ = writeln!(
            s,
            "- {} runs {} {}{cond}: {cmdline}.",
            v.name.text,
            kind_words(v.at.value),
            side_words(v)
        );
        // where the application does not write its data on the passive itself, the task that
        // writes it on the active is what keeps it current: said for those configurations
        let writes: Vec<&str> = v
            .writes
            .iter()
            .flat_map(|w| w.value.iter().map(|p| p.value.as_str()))
            .collect();
        for w in policy.application.iter().flat_map(|a| &a.value.writes) {
            let Some(c) = w.when.as_deref() else {
                continue;
            };
            let same: Vec<&str> = w
                .value
                .patterns
                .iter()
                .map(|p| p.value.as_str())
                .filter(|p| writes.iter().any(|x| x.eq_ignore_ascii_case(p)))
                .collect();
            if same.is_empty() || side_words(v) == "on the passive server" {
                continue;
            }
            let not = Condition {
                kind: crate::ast::CondKind::Not(Box::new(c.clone())),
                span: c.span,
            };
            let what = same
                .iter()
                .map(|p| data_name(policy, p).unwrap_or_else(|| format!("`{p}`")))
                .collect::<Vec<_>>()
                .join(" and ");
            let verb = if plural(&what) { "are" } else { "is" };
            let _ = writeln!(
                s,
                "- {}",
                sentence(&format!(
                    "in cases where {}, {what} {verb} obtained when the server becomes active, because {} runs {}",
                    words(&not, m),
                    v.name.text,
                    kind_words(v.at.value)
                ))
            );
        }
    }
    for a in &policy.base.advise {
        let _ = writeln!(
            s,
            "- {}",
            sentence(&format!("{}{}", a.value.value, stated(details, &a.when, m)))
        );
    }
    for a in &policy.base.allows {
        let _ = writeln!(s, "- Known issue: {}", clause(&a.value.because.value));
    }
    for n in &policy.base.notes {
        let _ = writeln!(s, "- {}", n.value.value);
    }

    for e in &policy.exceptions {
        let _ = writeln!(s, "\n## Exception: Version {}\n", e.release);
        for n in &e.body.notes {
            let _ = writeln!(s, "- {}", n.value.value);
        }
        // the known issues the exception acknowledges, as documented
        for a in &e.body.allows {
            let _ = writeln!(s, "- Known issue: {}", clause(&a.value.because.value));
        }
        if details {
            data_lines(s, &e.body.data, m);
        }
        for sv in &e.body.services {
            let _ = writeln!(
                s,
                "- Protects the service {} ({}){}.",
                sv.value
                    .display
                    .as_ref()
                    .map_or(sv.value.name.text.as_str(), |d| d.value.as_str()),
                sv.value.name.text,
                when(&sv.when, m)
            );
        }
        for t in &e.body.tasks {
            let _ = writeln!(
                s,
                "- {} runs {} {}{}.",
                t.value.name.text,
                kind_words(t.value.at.value),
                side_words(&t.value),
                t.when
                    .as_ref()
                    .map_or(String::new(), |c| format!(", where {}", words(c, m)))
            );
        }
        for a in &e.body.advise {
            let _ = writeln!(
                s,
                "- {}",
                sentence(&format!("{}{}", a.value.value, stated(details, &a.when, m)))
            );
        }
        for u in &e.body.unsupported {
            let _ = writeln!(s, "- Not supported: {}.", u.value.value);
        }
    }
}

/// Unsupported Components or Features.
fn unsupported(s: &mut String, policy: &Policy, m: Option<&Matrix>) {
    let _ = writeln!(s, "\n## Unsupported Components or Features\n");
    if policy.base.unsupported.is_empty() {
        let _ = writeln!(s, "None.");
    }
    for u in &policy.base.unsupported {
        let _ = writeln!(s, "- {}{}", u.value.value, when(&u.when, m));
    }
}

/// Applies To: the releases and what they support.
fn applies_to(s: &mut String, policy: &Policy) {
    let _ = writeln!(s, "\n## Applies To\n");
    match policy.applies_to.as_ref().map(|a| &a.value) {
        Some(AppliesTo::Releases(ds)) => {
            for d in ds {
                let _ = writeln!(s, "- Version {d}");
            }
        }
        _ => {
            let _ = writeln!(s, "All Versions");
        }
    }
}
