//! Path variables (LANGUAGE.md §5): `%Name%` from a target's overrides, the policy's `paths`,
//! a matrix dimension, or a built-in — with the WOW64 rules for a 32-bit application on x64.
//! Names are case-insensitive, as in Windows.

use super::env::Env;
use indexmap::IndexMap;
use std::cell::RefCell;

/// Why a string could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VarError {
    /// `%name%` names nothing; the byte range is within the string.
    Undefined { name: String, at: (usize, usize) },
    /// Variables refer to each other in a cycle, listed in order.
    Cycle {
        cycle: Vec<String>,
        at: (usize, usize),
    },
    /// Expanding `name` nests more than [`MAX_DEPTH`] variables deep, or gives a value longer
    /// than [`MAX_EXPANDED`] bytes (variables that each use the next twice double at every
    /// level).
    TooFar {
        name: String,
        at: (usize, usize),
        why: String,
    },
}

/// Deepest nesting of variables in variables (Windows itself expands one level).
pub const MAX_DEPTH: usize = 64;
/// Longest expanded value: Windows' longest path (32,767 characters) with room to spare.
pub const MAX_EXPANDED: usize = 32 * 1024;

/// The variables visible in one environment.
pub struct Vars<'a> {
    env: &'a Env,
    bits32: bool,
    /// The policy's definitions that hold in this environment, by lower-cased name.
    defs: IndexMap<String, (&'a str, &'a str)>,
    /// Values already expanded, by name. A value that expanded once expands the same way
    /// wherever it is used (a cycle through it would have failed the first time too).
    known: RefCell<Vec<(String, String)>>,
}

impl<'a> Vars<'a> {
    /// `defs`: (name, value) pairs in order; later ones win.
    pub fn new(
        env: &'a Env,
        bits32: bool,
        defs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        let mut map = IndexMap::new();
        for (n, v) in defs {
            map.insert(n.to_lowercase(), (n, v));
        }
        Vars {
            env,
            bits32,
            defs: map,
            known: RefCell::new(Vec::new()),
        }
    }

    fn builtin(&self, name: &str) -> Option<String> {
        let sd = self
            .get_raw("SystemDrive")
            .unwrap_or_else(|| self.env.system_drive.clone());
        crate::engine::windows::builtin_folder(
            name,
            &sd,
            self.env.is_x64(),
            self.bits32,
            self.env.is_legacy_os(),
        )
    }

    /// A target override of `name`, if any (used raw: overrides are absolute on the server).
    fn get_raw(&self, name: &str) -> Option<String> {
        self.env
            .overrides
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }

    /// Expand every `%Name%` in `text`.
    pub fn resolve(&self, text: &str) -> Result<String, VarError> {
        if !text.contains('%') {
            return Ok(text.to_string());
        }
        let mut stack = Vec::new();
        self.expand(text, &mut stack)
    }

    fn expand(&self, text: &str, stack: &mut Vec<String>) -> Result<String, VarError> {
        let mut out = String::with_capacity(text.len() + 32);
        let mut last = 0;
        for (p, name) in crate::ast::var_uses(text) {
            out.push_str(&text[last..p]);
            let at = (p, p + name.len() + 2);
            let value = self.lookup(name, stack).map_err(|e| match e {
                VarError::Undefined { name, .. } => VarError::Undefined { name, at },
                VarError::Cycle { cycle, .. } => VarError::Cycle { cycle, at },
                VarError::TooFar { name, why, .. } => VarError::TooFar { name, at, why },
            })?;
            out.push_str(&value);
            last = at.1;
            if out.len() > MAX_EXPANDED {
                return Err(VarError::TooFar {
                    name: name.to_string(),
                    at,
                    why: format!("its value is longer than {MAX_EXPANDED} bytes"),
                });
            }
        }
        out.push_str(&text[last..]);
        Ok(out)
    }

    fn lookup(&self, name: &str, stack: &mut Vec<String>) -> Result<String, VarError> {
        if let Some((_, v)) = self
            .known
            .borrow()
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
        {
            return Ok(v.clone());
        }
        let value = self.lookup_uncached(name, stack)?;
        self.known
            .borrow_mut()
            .push((name.to_string(), value.clone()));
        Ok(value)
    }

    fn lookup_uncached(&self, name: &str, stack: &mut Vec<String>) -> Result<String, VarError> {
        if let Some(v) = self.get_raw(name) {
            return Ok(v);
        }
        let key = name.to_lowercase();
        if let Some((decl, value)) = self.defs.get(&key) {
            if let Some(pos) = stack.iter().position(|s| s.to_lowercase() == key) {
                let mut cycle: Vec<String> = stack[pos..].to_vec();
                cycle.push(decl.to_string());
                return Err(VarError::Cycle { cycle, at: (0, 0) });
            }
            if stack.len() >= MAX_DEPTH {
                return Err(VarError::TooFar {
                    name: decl.to_string(),
                    at: (0, 0),
                    why: format!("it nests variables more than {MAX_DEPTH} deep"),
                });
            }
            stack.push(decl.to_string());
            let r = self.expand(value, stack);
            stack.pop();
            return r;
        }
        if let Some((_, v)) = self
            .env
            .dims
            .iter()
            .find(|(k, _)| k.as_str().eq_ignore_ascii_case(name))
        {
            return Ok(v.text.clone());
        }
        if name.eq_ignore_ascii_case(crate::ast::RELEASE) {
            return Ok(self.env.release.to_string());
        }
        self.builtin(name).ok_or_else(|| VarError::Undefined {
            name: name.to_string(),
            at: (0, 0),
        })
    }
}
