//! `amxc matrix`: the configuration space as a table — every combination of dimension values
//! that exists, and which of the policy's releases serves it.

use crate::ast::Policy;
use crate::matrix::{platforms, Claims, Matrix};

/// One existing combination of dimension values, and what serves it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SpaceRow {
    /// Dimension → value, in the matrix's order.
    pub values: indexmap::IndexMap<String, String>,
    /// Whether the policy's `supports` claims it.
    pub claimed: bool,
    /// The policy's releases that support it.
    pub releases: Vec<String>,
    /// The release to install there: the newest not superseded.
    pub install: Option<String>,
}

/// Every combination of dimension values that exists, with the releases that serve it.
pub fn space_rows(policy: &Policy, m: &Matrix) -> Vec<SpaceRow> {
    let claims = Claims::of(policy, m);
    let every: Vec<Vec<usize>> = m
        .dimensions
        .iter()
        .map(|d| (0..d.values.len()).collect())
        .collect();
    let mut rows = Vec::new();
    platforms(m, &every, |values| {
        let claimed = values.iter().enumerate().all(|(d, &v)| claims.claims(d, v));
        let serving: Vec<usize> = claims
            .releases
            .iter()
            .copied()
            .filter(|&r| claimed && m.serves(r, values))
            .collect();
        let newest =
            |rs: &mut dyn Iterator<Item = usize>| rs.max_by_key(|&r| m.releases[r].date.key());
        let install = newest(
            &mut serving
                .iter()
                .copied()
                .filter(|&r| m.releases[r].superseded_by.is_none()),
        )
        .or_else(|| newest(&mut serving.iter().copied()));
        rows.push(SpaceRow {
            values: values
                .iter()
                .enumerate()
                .map(|(d, &v)| {
                    (
                        m.dimensions[d].name.clone(),
                        m.dimensions[d].values[v].text.clone(),
                    )
                })
                .collect(),
            claimed,
            releases: serving
                .iter()
                .map(|&r| m.releases[r].date.to_string())
                .collect(),
            install: install.map(|r| m.releases[r].date.to_string()),
        });
    });
    rows
}

/// The configuration space as one JSON document (`format_version` 1).
pub fn space_json(policy: &Policy, m: &Matrix) -> String {
    let claims = Claims::of(policy, m);
    let doc = serde_json::json!({
        "format_version": 1,
        "amx": policy.id.text,
        "dimensions": m.dimensions.iter().map(|d| d.name.clone()).collect::<Vec<_>>(),
        "components": m.components.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
        "combinations": space_rows(policy, m),
        "superseded": claims
            .releases
            .iter()
            .filter_map(|&r| m.releases[r].superseded_by.map(|s| (m.releases[r].date.to_string(), s.to_string())))
            .map(|(r, s)| serde_json::json!({ "release": r, "by": s }))
            .collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// One row per existing combination of dimension values (components and the management IP
/// do not change which release serves a server, so they are listed once below the table).
pub fn space_table(policy: &Policy, m: &Matrix) -> String {
    let claims = Claims::of(policy, m);
    let mut header: Vec<String> = m.dimensions.iter().map(|d| d.name.clone()).collect();
    header.push("releases".into());
    header.push("install".into());
    let rows: Vec<Vec<String>> = space_rows(policy, m)
        .into_iter()
        .map(|r| {
            let mut row: Vec<String> = r.values.into_values().collect();
            if !r.claimed {
                row.push("—".into());
                row.push("not claimed by the policy".into());
            } else if r.releases.is_empty() {
                row.push("—".into());
                row.push("unsupported".into());
            } else {
                row.push(r.releases.join(", "));
                row.push(r.install.unwrap_or_default());
            }
            row
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}", w = *w))
            .collect();
        format!("| {} |\n", parts.join(" | "))
    };
    let mut out = String::new();
    out.push_str(&line(&header));
    out.push_str(&format!(
        "|{}|\n",
        widths
            .iter()
            .map(|w| "-".repeat(w + 2))
            .collect::<Vec<_>>()
            .join("|")
    ));
    for r in &rows {
        out.push_str(&line(r));
    }
    let served = rows.iter().filter(|r| r[r.len() - 2] != "—").count();
    out.push_str(&format!(
        "\n{} combinations exist; the policy serves {served}.\n",
        rows.len()
    ));
    if !m.components.is_empty() {
        let comps: Vec<String> = m
            .components
            .iter()
            .map(|c| format!("`{}` ({})", c.name, c.description))
            .collect();
        out.push_str(&format!(
            "Each is checked with and without {}, and with and without a management IP.\n",
            comps.join(", ")
        ));
    } else {
        out.push_str("Each is checked with and without a management IP.\n");
    }
    for r in &claims.releases {
        if let Some(s) = m.releases[*r].superseded_by {
            out.push_str(&format!(
                "Release {} is superseded by {s}.\n",
                m.releases[*r].date
            ));
        }
    }
    out
}
