//! `amxc explain CODE`

use super::failure::Outcome;
use super::EXIT_USAGE;
use crate::diagnostic::{explain, Code, CodeInfo, CODES};

/// A code's explanation as JSON.
fn info_json(c: &CodeInfo) -> serde_json::Value {
    serde_json::json!({
        "code": c.code.to_string(),
        "severity": c.severity.as_str(),
        "title": c.title,
        "meaning": c.meaning,
        "example": c.example,
        "fix": c.fix,
    })
}

pub fn run(code: Option<&str>, list: bool, json: bool) -> Outcome {
    if json {
        let codes: Vec<&CodeInfo> = match code.filter(|_| !list) {
            None => CODES.iter().collect(),
            Some(text) => match Code::parse(text) {
                Some(c) => vec![c.info()],
                None => {
                    eprintln!("error: `{text}` is not an amxc diagnostic code\nhelp: `amxc explain --list` lists them");
                    return Ok(EXIT_USAGE);
                }
            },
        };
        let doc = serde_json::json!({
            "format_version": 1,
            "codes": codes.into_iter().map(info_json).collect::<Vec<_>>(),
        });
        super::output::stdout(&(serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"));
        return Ok(0);
    }
    if list || code.is_none() {
        let list: String = CODES
            .iter()
            .map(|c| format!("{}  {:<8} {}\n", c.code, c.severity.as_str(), c.title))
            .collect();
        super::output::stdout(&list);
        return Ok(0);
    }
    let text = code.unwrap_or_default();
    match Code::parse(text) {
        Some(c) => {
            super::output::stdout(&explain(c));
            Ok(0)
        }
        None => {
            eprintln!("error: `{text}` is not an amxc diagnostic code\nhelp: `amxc explain --list` lists them");
            Ok(EXIT_USAGE)
        }
    }
}
