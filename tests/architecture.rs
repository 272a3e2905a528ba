//! The pipeline's floors, as ARCHITECTURE.md draws them: each top-level module of `src/`
//! imports only modules on a floor below its own (tests inside a module aside), so there is no
//! import circle and no arrow running back up — and an emitter reads a plan and the lowered
//! model, never lowering, relating or validation.

use std::collections::BTreeMap;
use std::path::Path;

/// Bottom first. A module may import any module on a lower floor, none on its own or above.
const FLOORS: &[&[&str]] = &[
    &["source", "filters", "par", "encoding", "format", "cancel"],
    &["diagnostic", "ast"],
    &["yaml", "engine"],
    &["parse", "matrix", "model"],
    &["profile"],
    &["lower"],
    &["relate"],
    &["validate"],
    &["checked"],
    &["plan"],
    &["emit", "coverage", "schema"],
    &["diff", "discover", "policy_tests"],
    &["verify", "driver"],
    &["lsp"],
    &["cli"],
];

/// The text of every file of module `m` (a folder or one file), without its test modules and
/// comments.
fn text_of(m: &str) -> Vec<(String, String)> {
    let folder = Path::new("src").join(m);
    let mut files = Vec::new();
    if folder.is_dir() {
        let mut stack = vec![folder];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("folder") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    files.push(p);
                }
            }
        }
    } else {
        files.push(Path::new("src").join(format!("{m}.rs")));
    }
    files
        .into_iter()
        .map(|p| {
            let s = std::fs::read_to_string(&p).expect("source");
            let s = s.split("#[cfg(test)]").next().unwrap_or("").to_string();
            let code: String = s
                .lines()
                .map(|l| l.split("//").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n");
            (p.display().to_string(), code)
        })
        .collect()
}

#[test]
fn each_stage_imports_only_the_floors_below_it() {
    let floor: BTreeMap<&str, usize> = FLOORS
        .iter()
        .enumerate()
        .flat_map(|(i, ms)| ms.iter().map(move |m| (*m, i)))
        .collect();
    // every module of src/ is on a floor
    for e in std::fs::read_dir("src").expect("src") {
        let p = e.expect("entry").path();
        let name = p.file_stem().expect("name").to_string_lossy().to_string();
        if name == "lib" || name == "main" {
            continue;
        }
        assert!(
            floor.contains_key(name.as_str()),
            "src/{name} is on no floor"
        );
    }
    let mut wrong = Vec::new();
    for (m, &f) in &floor {
        for (file, code) in text_of(m) {
            for (i, _) in code.match_indices("crate::") {
                let used: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if let Some(&g) = floor.get(used.as_str()) {
                    if used != *m && g >= f {
                        wrong.push(format!(
                            "{file}: {m} (floor {f}) imports {used} (floor {g})"
                        ));
                    }
                }
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // and the emitters render: nothing of evaluation
    for (file, code) in text_of("emit") {
        for below in ["crate::lower", "crate::relate", "crate::validate"] {
            assert!(!code.contains(below), "{file} uses {below}");
        }
    }
}
