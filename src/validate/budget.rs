//! The switchover budget (`switchover within DURATION`) in one configuration: the worst case of
//! a managed switchover (`lower/switchover.rs`) may not exceed it.

use crate::ast::Policy;
use crate::diagnostic::{codes, Diagnostic};
use crate::lower::switchover;
use crate::lower::{start_order, Env, Evaluated};
use crate::model::timeline::human;

pub fn check(policy: &Policy, _env: &Env, ev: &Evaluated, out: &mut Vec<Diagnostic>) {
    // the budget lowering found for this configuration
    let Some((seconds, span)) = ev.budget else {
        return;
    };
    let plan = switchover::plan(ev, &start_order(&ev.services));
    let worst = plan.switchover.worst_case();
    if worst <= seconds {
        return;
    }
    let mut d = Diagnostic::new(
        codes::SWITCHOVER_BUDGET,
        format!(
            "a switchover can take {}, more than the budget of {}",
            human(worst),
            human(seconds)
        ),
    )
    .at(policy.file, span, "the budget");
    for s in plan.switchover.longest(3) {
        let what = format!(
            "{} {} `{}`: up to {}{}",
            s.phase.as_str(),
            s.kind,
            s.name,
            human(s.seconds),
            if s.default {
                " (no timeout given: amxc's scripts wait this long)"
            } else {
                ""
            }
        );
        d = d.with_label(policy.file, s.span, what);
    }
    out.push(d.with_help(
        "shorten the longest steps' timeouts, or raise the budget for these configurations (`switchover within … when …`); `amxc plan` shows every step",
    ));
}
