//! `amxc explain CODE`

use super::EXIT_USAGE;
use crate::diagnostic::{explain, Code, CODES};

pub fn run(code: Option<&str>, list: bool) -> miette::Result<u8> {
    if list || code.is_none() {
        for c in CODES {
            println!("{}  {:<8} {}", c.code, c.severity.as_str(), c.title);
        }
        return Ok(0);
    }
    let text = code.unwrap_or_default();
    match Code::parse(text) {
        Some(c) => {
            print!("{}", explain(c));
            Ok(0)
        }
        None => {
            eprintln!("error: `{text}` is not an amxc diagnostic code\nhelp: `amxc explain --list` lists them");
            Ok(EXIT_USAGE)
        }
    }
}
