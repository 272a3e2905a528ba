//! `amxc explain CODE`

use super::failure::Outcome;
use super::EXIT_USAGE;
use crate::diagnostic::{explain, Code, CODES};

pub fn run(code: Option<&str>, list: bool) -> Outcome {
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
