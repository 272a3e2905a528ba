//! Service start order: dependencies first (`after`), ties in declaration order; the stop
//! order is its exact reverse.

use crate::lower::EvService;

/// Indices of the managed services in start order. Edges to services that are not managed or
/// not present are ignored; cycles were rejected by validation, and any left are broken in
/// declaration order so that the function always terminates.
pub fn start_order(services: &[EvService]) -> Vec<usize> {
    let managed: Vec<usize> = (0..services.len())
        .filter(|&i| services[i].manage)
        .collect();
    let pos = |name: &str| {
        managed
            .iter()
            .position(|&i| services[i].name.eq_ignore_ascii_case(name))
    };
    let n = managed.len();
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, &i) in managed.iter().enumerate() {
        for a in &services[i].after {
            if let Some(j) = pos(&a.text) {
                if j != k && !deps[k].contains(&j) {
                    deps[k].push(j);
                }
            }
        }
    }
    let mut done = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let next = (0..n)
            .find(|&k| !done[k] && deps[k].iter().all(|&d| done[d]))
            .or_else(|| (0..n).find(|&k| !done[k]));
        let Some(k) = next else { break };
        done[k] = true;
        order.push(managed[k]);
    }
    order
}
