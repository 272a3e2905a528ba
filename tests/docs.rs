//! What the README and the docs tell users to type works: every YAML block parses, workflows
//! and the composite action validate against GitHub's schemas (vendored unmodified, see
//! `tests/fixtures/vendor/README.md`), and every `amxc …` command line names a real
//! subcommand with real flags.

use clap::Parser;

/// The fenced blocks of a Markdown file: (language, text).
fn blocks(path: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(rest) = line.trim_start().strip_prefix("```") {
            match current.take() {
                Some(block) => out.push(block),
                None => current = Some((rest.trim().to_string(), String::new())),
            }
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    assert!(current.is_none(), "{path}: a code block is not closed");
    out
}

fn documents() -> Vec<String> {
    let mut docs = vec!["README.md".to_string(), "SECURITY.md".to_string()];
    docs.extend(
        crate::support::files("docs", "md")
            .into_iter()
            .map(|p| p.to_string_lossy().into_owned()),
    );
    docs
}

fn validator(schema: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(format!("tests/fixtures/vendor/{schema}")).expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema json");
    jsonschema::validator_for(&schema).expect("compile schema")
}

fn yaml_to_json(text: &str) -> serde_json::Value {
    let v: serde_yaml::Value = serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    serde_json::to_value(v).expect("as JSON")
}

fn errors(v: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

/// The words of a shell command line (quotes group, no expansion).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether an `amxc …` command line parses as the command line of amxc.
fn parses(line: &str) -> Result<(), String> {
    let line = line.split(" > ").next().unwrap_or(line);
    let line = line.split(" | ").next().unwrap_or(line);
    let mut w = words(line);
    if w.first().is_some_and(|c| c == "cargo") {
        // `cargo run --release -- ARGS`
        let at = w.iter().position(|x| x == "--").ok_or("cargo without --")?;
        w = std::iter::once("amxc".to_string())
            .chain(w[at + 1..].iter().cloned())
            .collect();
    }
    amxc::cli::Cli::try_parse_from(&w)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Every command line in the docs that runs amxc.
fn command_lines() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for doc in documents() {
        for (lang, body) in blocks(&doc) {
            let shell = matches!(lang.as_str(), "sh" | "bash" | "console" | "text" | "shell");
            for line in body.lines() {
                let l = line
                    .trim()
                    .trim_start_matches("$ ")
                    .trim_start_matches("- run: ");
                let l = l.strip_prefix("run: ").unwrap_or(l);
                let runs_amxc = l.starts_with("amxc ") || l.starts_with("cargo run --release -- ");
                if (shell || lang == "yaml") && runs_amxc && !l.contains("${") {
                    out.push((doc.clone(), l.to_string()));
                }
            }
        }
    }
    out
}

#[test]
fn every_yaml_block_parses_and_every_workflow_is_a_valid_workflow() {
    let workflow = validator("github-workflow.schema.json");
    let mut workflows = 0;
    for doc in documents() {
        for (lang, body) in blocks(&doc) {
            if lang != "yaml" {
                continue;
            }
            let json = yaml_to_json(&body);
            if json.get("jobs").is_some() {
                assert_eq!(
                    errors(&workflow, &json),
                    Vec::<String>::new(),
                    "{doc}:\n{body}"
                );
                workflows += 1;
            }
        }
    }
    assert!(workflows >= 1, "the README shows a workflow");
}

#[test]
fn the_release_workflow_is_valid_and_builds_the_archives_binstall_looks_for() {
    let workflow = validator("github-workflow.schema.json");
    let text = std::fs::read_to_string(".github/workflows/release.yml").expect("release.yml");
    let json = yaml_to_json(&text);
    assert_eq!(errors(&workflow, &json), Vec::<String>::new());
    // the archive the workflow packages is the one Cargo.toml's binstall metadata names
    let cargo = std::fs::read_to_string("Cargo.toml").expect("Cargo.toml");
    assert!(cargo.contains(
        "pkg-url = \"{ repo }/releases/download/v{ version }/{ name }-{ target }{ archive-suffix }\""
    ));
    assert!(cargo.contains("bin-dir = \"{ name }-{ target }/{ bin }{ binary-ext }\""));
    assert!(text.contains("dir=amxc-${{ matrix.target }}"));
    assert!(text.contains("tar czf \"$dir.tgz\" \"$dir\""));
    assert!(text.contains("7z a \"$dir.zip\" \"$dir\""));
    assert!(text.contains("cargo build --profile dist --locked"));
    assert!(cargo.contains("[profile.dist]"));
    // every platform the workflow builds is one whose archive format the metadata states
    for line in text
        .lines()
        .filter(|l| l.contains("target: ") && l.contains("archive: "))
    {
        let zip = line.contains("archive: zip");
        let windows = line.contains("windows");
        assert_eq!(zip, windows, "{line}");
    }
}

#[test]
fn the_composite_action_is_a_valid_action_and_its_inputs_are_documented() {
    let action = validator("github-action.schema.json");
    let text = std::fs::read_to_string("action.yml").expect("action.yml");
    let json = yaml_to_json(&text);
    assert_eq!(errors(&action, &json), Vec::<String>::new());
    let readme = std::fs::read_to_string("README.md").expect("README");
    let inputs = json["inputs"].as_object().expect("inputs");
    for (name, input) in inputs {
        assert!(
            input["description"].as_str().is_some_and(|d| !d.is_empty()),
            "input {name} has no description"
        );
        assert!(
            readme.contains(&format!("| `{name}` |")),
            "README does not document input {name}"
        );
    }
    // the SARIF upload and the comment run even when a check failed
    let steps = json["runs"]["steps"].as_array().expect("steps");
    for uses in [
        "github/codeql-action/upload-sarif",
        "marocchino/sticky-pull-request-comment",
    ] {
        let step = steps
            .iter()
            .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(uses)))
            .unwrap_or_else(|| panic!("no step uses {uses}"));
        assert!(
            step["if"]
                .as_str()
                .is_some_and(|c| c.starts_with("always()")),
            "{uses} does not run after a failed check"
        );
    }
}

#[test]
fn every_amxc_command_in_the_docs_is_a_real_command() {
    let lines = command_lines();
    assert!(lines.len() >= 3, "{lines:?}");
    for (doc, line) in lines {
        if let Err(e) = parses(&line) {
            panic!("{doc}: `{line}` is not an amxc command line:\n{e}");
        }
    }
}

#[test]
fn a_misspelt_command_in_the_docs_would_be_caught() {
    assert!(parses("amxc check policies/ --formt github").is_err());
    assert!(parses("amxc chek policies/").is_err());
    assert!(parses("cargo run --release -- check policies/").is_ok());
}

#[test]
fn the_editor_grammar_knows_every_keyword_of_the_language() {
    let g: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("editors/vscode/syntaxes/amx.tmLanguage.json").expect("grammar"),
    )
    .expect("json");
    let pattern = g["repository"]["keywords"]["match"]
        .as_str()
        .expect("keywords");
    // `(?<!…)(?:word|word…)(?!…)`: the alternatives, unescaped
    let inner = pattern
        .split_once("(?:")
        .and_then(|(_, rest)| rest.split_once(")(?!"))
        .map(|(alts, _)| alts)
        .expect("(?:…) alternatives");
    let words: Vec<String> = inner.split('|').map(|w| w.replace('\\', "")).collect();
    for (_, word) in amxc::parse::keywords::KEYWORDS {
        assert!(
            words.iter().any(|w| w == word),
            "the VS Code grammar does not highlight `{word}`"
        );
    }
    let package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("editors/vscode/package.json").expect("package"),
    )
    .expect("json");
    assert_eq!(
        package["contributes"]["languages"][0]["extensions"][0],
        ".amx"
    );
}

/// The key names of a JSON Schema's objects, at every depth.
fn schema_keys(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::Object(props)) = m.get("properties") {
                out.extend(props.keys().cloned());
            }
            for x in m.values() {
                schema_keys(x, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| schema_keys(x, out)),
        _ => {}
    }
}

#[test]
fn the_format_references_name_every_key_the_schemas_know() {
    for (doc, schema) in [
        ("docs/matrix.md", amxc::schema::matrix()),
        ("docs/target.md", amxc::schema::target()),
    ] {
        let text = std::fs::read_to_string(doc).expect(doc);
        let mut keys = Vec::new();
        schema_keys(&schema, &mut keys);
        assert!(keys.len() > 8, "{doc}: {keys:?}");
        for k in keys {
            assert!(
                text.contains(&format!("`{k}`")),
                "{doc} does not document `{k}`"
            );
        }
    }
}

#[test]
fn the_outputs_reference_names_every_file_and_field_amxc_writes() {
    let doc = std::fs::read_to_string("docs/outputs.md").expect("docs/outputs.md");
    let dir = tempfile::tempdir().expect("temp");
    let mut names = std::collections::BTreeSet::new();
    let mut fields = std::collections::BTreeSet::new();
    fn yaml_keys(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    out.insert(k.clone());
                    // mappings whose keys are data: dimension values, file names, codes
                    if !matches!(k.as_str(), "configuration" | "files" | "diagnostics") {
                        yaml_keys(x, out);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| yaml_keys(x, out)),
            _ => {}
        }
    }
    // SQL Server is clustered only as its own role (AMX0413): FileMaker's profile has a
    // client access point
    for (engine, policy, targets, extra) in [
        (
            "neverfail",
            "policies/sql-server.amx",
            "policies/targets/sql-server",
            vec!["--emit", "json"],
        ),
        (
            "wsfc",
            "policies/filemaker-server-8.amx",
            "policies/targets/filemaker-server-8",
            vec!["--allow-lossy"],
        ),
    ] {
        let out = dir.path().join(engine);
        let o = out.to_string_lossy().into_owned();
        let mut args = vec![
            "compile",
            policy,
            "--targets",
            targets,
            "--out",
            &o,
            "--script",
            "both",
            "--engine",
            engine,
            "--partition",
            "hash:1/1",
        ];
        args.extend(extra);
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_amxc"))
            .args(&args)
            .output()
            .expect("amxc");
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stdout)
        );
        for server in std::fs::read_dir(&out).expect("out") {
            let p = server.expect("entry").path();
            if p.is_file() {
                names.insert("amxc-shard-K-of-N.json".to_string());
                let v: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&p).expect("manifest"))
                        .expect("json");
                yaml_keys(&v, &mut fields);
                continue;
            }
            for f in std::fs::read_dir(&p).expect("server") {
                let f = f.expect("file").path();
                let name = f.file_name().expect("name").to_string_lossy().into_owned();
                let generic = match name.strip_prefix("tasks-") {
                    Some(rest) => format!("tasks-<kind>.{}", rest.rsplit('.').next().unwrap_or("")),
                    None => name.clone(),
                };
                names.insert(generic);
                if name.ends_with(".yaml") {
                    let v: serde_yaml::Value =
                        serde_yaml::from_str(&std::fs::read_to_string(&f).expect("yaml"))
                            .expect("yaml");
                    yaml_keys(&serde_json::to_value(v).expect("json"), &mut fields);
                }
            }
        }
    }
    for n in &names {
        assert!(
            doc.contains(&format!("`{n}`")),
            "docs/outputs.md does not describe `{n}`"
        );
    }
    assert!(fields.len() > 30, "{fields:?}");
    for f in &fields {
        assert!(
            doc.contains(&format!("`{f}`")),
            "docs/outputs.md does not describe field `{f}`"
        );
    }
}

/// The `rust-version` Cargo.toml declares is one every crate the build and the tests compile
/// accepts (cargo refuses to build a crate whose `rust-version` is newer than the toolchain).
#[test]
fn the_declared_rust_version_is_one_every_dependency_accepts() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    // "1.89" and "1.89.0" are the same version
    let parse = |v: &str| -> [u64; 3] {
        let mut n = [0; 3];
        for (i, x) in v.split('.').take(3).enumerate() {
            n[i] = x.parse().unwrap_or(0);
        }
        n
    };
    let packages = meta["packages"].as_array().expect("packages");
    let ours = packages
        .iter()
        .find(|p| p["name"] == "amxc")
        .and_then(|p| p["rust_version"].as_str())
        .expect("amxc declares a rust-version");
    let newer: Vec<String> = packages
        .iter()
        .filter_map(|p| {
            let v = p["rust_version"].as_str()?;
            (parse(v) > parse(ours)).then(|| format!("{} {} needs {v}", p["name"], p["version"]))
        })
        .collect();
    assert!(
        newer.is_empty(),
        "Cargo.toml says rust-version {ours}, but {}",
        newer.join(", ")
    );
}

/// The VS Code extension ships the project's licence, unchanged.
#[test]
fn the_editor_extension_ships_the_projects_licence() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let ours = std::fs::read_to_string(root.join("LICENSE")).expect("LICENSE");
    let shipped = std::fs::read_to_string(root.join("editors/vscode/LICENSE"))
        .expect("editors/vscode/LICENSE");
    assert_eq!(ours, shipped, "editors/vscode/LICENSE differs from LICENSE");
    let package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("editors/vscode/package.json")).expect("package.json"),
    )
    .expect("package.json is JSON");
    assert_eq!(package["license"], "Apache-2.0");
}

/// Third-party actions are pinned by commit (a tag can be moved), in the composite action, the
/// workflows and every workflow the docs show; amxc's own action is named by its release tag.
#[test]
fn third_party_actions_are_pinned_by_commit() {
    let mut texts: Vec<(String, String)> = vec![
        (
            "action.yml".into(),
            std::fs::read_to_string("action.yml").expect("action.yml"),
        ),
        (
            "release.yml".into(),
            std::fs::read_to_string(".github/workflows/release.yml").expect("release.yml"),
        ),
    ];
    for doc in documents() {
        for (lang, body) in blocks(&doc) {
            if lang == "yaml" {
                texts.push((doc.clone(), body));
            }
        }
    }
    let mut loose = Vec::new();
    for (name, text) in &texts {
        for line in text.lines() {
            let Some(used) = line
                .trim_start()
                .trim_start_matches("- ")
                .strip_prefix("uses:")
            else {
                continue;
            };
            let used = used.split('#').next().unwrap_or("").trim();
            if used.starts_with("./") || used.starts_with("OWNER/amxc@") {
                continue;
            }
            let pinned = used
                .rsplit_once('@')
                .is_some_and(|(_, r)| r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit()));
            if !pinned {
                loose.push(format!("{name}: {used}"));
            }
        }
    }
    assert!(loose.is_empty(), "actions not pinned by commit: {loose:#?}");
}
