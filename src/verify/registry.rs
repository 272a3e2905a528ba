//! The registry as the server has it (`reg export`, UTF-16 or REGEDIT4, read by discover's
//! reader) against the plan's registry filters: an inclusion that covers no key the server
//! has protects nothing there, and a key under the application's own folder of the registry
//! (the vendor's key an inclusion names) that no filter covers is not replicated.

use super::Capture;
use crate::ast::{FilterKind, FilterMode};
use crate::coverage::{Class, Classifier, Scratch};
use crate::diagnostic::{codes, Diagnostic};
use crate::discover::Evidence;
use crate::plan::Plan;

/// The application's folder of the registry an inclusion names: its literal part without the
/// product's key (`HKLM\SOFTWARE\Wow6432Node\Symantec` of `…\Symantec\SMSMSE\**`).
fn vendor_root(display: &str) -> Option<String> {
    let literal: Vec<&str> = display
        .split('\\')
        .take_while(|s| !s.contains(['*', '?']))
        .collect();
    let mut root = literal;
    if root.len() > 3 {
        root.pop();
    }
    // never a whole hive or HKLM\SOFTWARE itself (in either registry view)
    let key = root.join("\\");
    let (plain, _) = crate::engine::windows::without_wow6432node(&key);
    (plain.split('\\').count() >= 3).then_some(key)
}

pub fn check(plan: &Plan, cap: &Capture) -> Vec<Diagnostic> {
    let mut ev = Evidence::default();
    ev.read_reg(std::path::Path::new("capture"), cap.text.as_bytes());
    let server = &plan.target.server;
    let policy = plan.input.policy.file;
    let mut out: Vec<Diagnostic> = ev
        .malformed
        .iter()
        .map(|m| {
            Diagnostic::new(codes::REGISTRY_DRIFT, format!("not read: {}", m.why))
                .at(cap.file, cap.line(m.line), "here")
                .with_help(
                    "capture with `reg export KEY file.reg` (a whole key, as regedit writes it)",
                )
        })
        .collect();
    let classifier = Classifier::new(plan);
    let mut scratch = Scratch::default();
    let includes: Vec<_> = plan
        .filters
        .iter()
        .filter(|f| f.kind == FilterKind::Registry && f.mode == FilterMode::Include)
        .collect();
    let mut covered = vec![false; includes.len()];
    let roots: Vec<String> = includes
        .iter()
        .filter_map(|f| vendor_root(&f.pattern.display))
        .collect();
    for (key, seen) in &ev.keys {
        let v = classifier.classify(key, &mut scratch);
        if let Some(r) = v.rule.filter(|_| v.class == Class::Replicated) {
            let rule = &classifier.rules[r];
            for (i, f) in includes.iter().enumerate() {
                if rule.pattern.eq_ignore_ascii_case(&f.pattern.display) {
                    covered[i] = true;
                }
            }
            continue;
        }
        let lower = key.to_ascii_lowercase();
        let under_app = roots.iter().any(|r| {
            let r = r.to_ascii_lowercase();
            lower.starts_with(&r) && lower[r.len()..].starts_with('\\')
        });
        if under_app && matches!(v.class, Class::Outside) && seen.line > 0 {
            out.push(
                Diagnostic::new(
                    codes::REGISTRY_DRIFT,
                    format!("the application's key `{key}` on {server} is covered by no filter"),
                )
                .at(cap.file, cap.line(seen.line), "not replicated")
                .with_help("add an inclusion for it to the policy, or declare it `unprotected` with the reason"),
            );
        }
    }
    for (f, c) in includes.iter().zip(covered) {
        if !c {
            out.push(
                Diagnostic::new(
                    codes::REGISTRY_DRIFT,
                    format!(
                        "the registry inclusion `{}` covers no key on {server}",
                        f.pattern.display
                    ),
                )
                .at(policy, f.pattern_span, "protects nothing there")
                .with_note("the export has no key under it: the application keeps its settings elsewhere on this server, or the export missed them")
                .with_help("export the application's whole key (`reg export`), or correct the pattern or the server's profile"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_application_folder_is_the_vendors_key() {
        assert_eq!(
            vendor_root("HKLM\\SOFTWARE\\Wow6432Node\\Symantec\\SMSMSE\\**").as_deref(),
            Some("HKLM\\SOFTWARE\\Wow6432Node\\Symantec")
        );
        assert_eq!(
            vendor_root("HKLM\\SOFTWARE\\Vendor\\App\\**").as_deref(),
            Some("HKLM\\SOFTWARE\\Vendor")
        );
        assert_eq!(vendor_root("HKLM\\SOFTWARE\\**"), None);
        assert_eq!(vendor_root("HKLM\\SOFTWARE\\Wow6432Node\\**"), None);
    }
}
