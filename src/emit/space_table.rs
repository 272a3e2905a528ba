//! `amxc matrix`: the configuration space as a table — every combination of dimension values
//! that exists, and which of the policy's releases serves it.

use crate::ast::Policy;
use crate::matrix::{platforms, Claims, Matrix};

/// One row per existing combination of dimension values (components and the management IP
/// do not change which release serves a server, so they are listed once below the table).
pub fn space_table(policy: &Policy, m: &Matrix) -> String {
    let claims = Claims::of(policy, m);
    let mut header: Vec<String> = m.dimensions.iter().map(|d| d.name.clone()).collect();
    header.push("releases".into());
    header.push("install".into());
    let mut rows: Vec<Vec<String>> = Vec::new();
    let every: Vec<Vec<usize>> = m
        .dimensions
        .iter()
        .map(|d| (0..d.values.len()).collect())
        .collect();
    platforms(m, &every, |values| {
        let claimed = values.iter().enumerate().all(|(d, &v)| claims.claims(d, v));
        let serving: Vec<usize> = claims
            .releases
            .iter()
            .copied()
            .filter(|&r| m.serves(r, values))
            .collect();
        let mut row: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(d, &v)| m.dimensions[d].values[v].text.clone())
            .collect();
        if !claimed {
            row.push("—".into());
            row.push("not claimed by the policy".into());
        } else if serving.is_empty() {
            row.push("—".into());
            row.push("unsupported".into());
        } else {
            row.push(
                serving
                    .iter()
                    .map(|&r| m.releases[r].date.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            let best = serving
                .iter()
                .copied()
                .filter(|&r| m.releases[r].superseded_by.is_none())
                .max_by_key(|&r| m.releases[r].date.key())
                .or_else(|| {
                    serving
                        .iter()
                        .copied()
                        .max_by_key(|&r| m.releases[r].date.key())
                });
            row.push(
                best.map(|r| m.releases[r].date.to_string())
                    .unwrap_or_default(),
            );
        }
        rows.push(row);
    });
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
