//! The language's keywords, each with the grammar rule that reads it: what the builder skips
//! as punctuation and what messages name when a keyword was expected. A test ties the list to
//! `grammar/amx.pest`.

use super::grammar::Rule;

/// Every keyword rule of the grammar and the word it reads.
pub const KEYWORDS: &[(Rule, &str)] = &[
    (Rule::k_amx, "amx"),
    (Rule::k_title, "title"),
    (Rule::k_application, "application"),
    (Rule::k_formerly, "formerly"),
    (Rule::k_bits, "bits"),
    (Rule::k_kb, "kb"),
    (Rule::k_about, "about"),
    (Rule::k_versions, "versions"),
    (Rule::k_supports, "supports"),
    (Rule::k_paths, "paths"),
    (Rule::k_services, "services"),
    (Rule::k_service, "service"),
    (Rule::k_startup, "startup"),
    (Rule::k_after, "after"),
    (Rule::k_active, "active"),
    (Rule::k_passive, "passive"),
    (Rule::k_monitor, "monitor"),
    (Rule::k_manage, "manage"),
    (Rule::k_on_failure, "on-failure"),
    (Rule::k_start_timeout, "start-timeout"),
    (Rule::k_stop_timeout, "stop-timeout"),
    (Rule::k_data, "data"),
    (Rule::k_files, "files"),
    (Rule::k_registry, "registry"),
    (Rule::k_snapshot, "snapshot"),
    (Rule::k_unprotected, "unprotected"),
    (Rule::k_tasks, "tasks"),
    (Rule::k_task, "task"),
    (Rule::k_at, "at"),
    (Rule::k_on, "on"),
    (Rule::k_run, "run"),
    (Rule::k_timeout, "timeout"),
    (Rule::k_every, "every"),
    (Rule::k_periodic, "periodic"),
    (Rule::k_discovery, "discovery"),
    (Rule::k_exception, "exception"),
    (Rule::k_note, "note"),
    (Rule::k_advise, "advise"),
    (Rule::k_unsupported, "unsupported"),
    (Rule::k_applies_to, "applies-to"),
    (Rule::k_switchover, "switchover"),
    (Rule::k_writes, "writes"),
    (Rule::k_allow, "allow"),
    (Rule::k_within, "within"),
    (Rule::k_all, "all"),
    (Rule::k_when, "when"),
    (Rule::k_and, "and"),
    (Rule::k_or, "or"),
    (Rule::k_not, "not"),
    (Rule::k_has, "has"),
    (Rule::k_management_ip, "management-ip"),
];

/// Whether each rule (by its index) reads a keyword: the builder asks for every token, so the
/// answer is one lookup, not a scan of the table.
static IS_KEYWORD: std::sync::LazyLock<Vec<bool>> = std::sync::LazyLock::new(|| {
    let len = KEYWORDS
        .iter()
        .map(|(r, _)| *r as usize + 1)
        .max()
        .unwrap_or(0);
    let mut table = vec![false; len];
    for (r, _) in KEYWORDS {
        table[*r as usize] = true;
    }
    table
});

/// Whether `r` reads a keyword.
pub fn is_keyword(r: Rule) -> bool {
    IS_KEYWORD.get(r as usize).copied().unwrap_or(false)
}

/// The word keyword rule `r` reads.
pub fn word(r: Rule) -> Option<&'static str> {
    KEYWORDS.iter().find(|(k, _)| *k == r).map(|(_, w)| *w)
}
