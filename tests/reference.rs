//! Differential tests: validation, compile, `coverage` and `explain-path` against the
//! reference semantics of `reference_model.rs`, on chosen and on generated policies.

use crate::reference_model::*;

fn rule(kind: Kind, segs: &[&'static str], exception: bool, av: Option<bool>) -> Rule {
    Rule {
        kind,
        segs: segs.to_vec(),
        exception,
        av,
    }
}

#[test]
fn the_reference_agrees_on_a_policy_with_every_kind_of_rule() {
    let rules = vec![
        rule(Kind::Include, &["a", "**"], false, None),
        rule(Kind::Include, &["a", "b", "*"], false, None),
        rule(Kind::Exclude, &["a", "b", "**"], false, Some(true)),
        rule(Kind::Unprotected, &["b", "**"], false, None),
        rule(Kind::SnapshotInclude, &["a", "*"], false, None),
        rule(Kind::Include, &["b", "*"], true, None),
        rule(Kind::Include, &["a", "**"], true, Some(false)),
    ];
    assert_eq!(disagreement(&rules), None);
}

#[test]
fn of_two_inclusions_matching_the_same_paths_the_earlier_is_used() {
    // `C:\a\**\*` and `C:\a\*\**` match the same paths: the product keeps one of them
    let rules = vec![
        rule(Kind::Include, &["a", "**", "*"], false, None),
        rule(Kind::Include, &["a", "*", "**"], false, None),
    ];
    assert_eq!(disagreement(&rules), None);
}

#[test]
fn every_equal_base_filter_is_replaced_by_the_exception() {
    let rules = vec![
        rule(Kind::Include, &["a", "**"], false, None),
        rule(Kind::Include, &["b", "**"], false, None),
        rule(Kind::Include, &["a", "**"], false, Some(true)),
        rule(Kind::Exclude, &["a", "**"], true, None),
    ];
    assert_eq!(disagreement(&rules), None);
}

mod random {
    use super::*;
    use proptest::prelude::*;

    fn kind() -> impl Strategy<Value = Kind> {
        prop_oneof![
            4 => Just(Kind::Include),
            2 => Just(Kind::Exclude),
            2 => Just(Kind::Unprotected),
            1 => Just(Kind::SnapshotInclude),
            1 => Just(Kind::SnapshotExclude),
        ]
    }

    fn segs() -> impl Strategy<Value = Vec<&'static str>> {
        proptest::collection::vec(proptest::sample::select(&PATTERN_SEGS[..]), 1..4)
            // `**\**` is one `**`: written once
            .prop_filter("no repeated **", |s| {
                !s.windows(2).any(|w| w == ["**", "**"])
            })
    }

    fn rule() -> impl Strategy<Value = Rule> {
        (
            kind(),
            segs(),
            proptest::bool::weighted(0.3),
            prop_oneof![3 => Just(None), 1 => Just(Some(true)), 1 => Just(Some(false))],
        )
            .prop_map(|(kind, segs, exception, av)| Rule {
                kind,
                segs,
                exception,
                av,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn validation_compile_coverage_and_explain_path_agree_with_the_reference(
            rules in proptest::collection::vec(rule(), 1..9)
        ) {
            if let Some(d) = disagreement(&rules) {
                prop_assert!(false, "{}", d);
            }
        }
    }
}

#[test]
fn the_fuzz_targets_rules_from_bytes_are_judged_alike() {
    // the fuzz target's decoding, on its shipped seed and on every rule kind
    let seed = std::fs::read("fuzz/regressions/reference/seed-mixed").expect("seed");
    let rules = rules_from_bytes(&seed);
    assert_eq!(rules.len(), 4);
    assert_eq!(disagreement(&rules), None);
    let all: Vec<u8> = (0u8..40)
        .flat_map(|k| [k, k / 3, k.wrapping_mul(7), k ^ 0x5a])
        .collect();
    assert_eq!(disagreement(&rules_from_bytes(&all)), None);
}

#[test]
fn an_inclusion_ending_in_a_name_below_any_depth_is_covered_by_one_of_any_depth() {
    // `C:\**\a` lies inside `C:\**\*` (which is `C:\*\**`): a `**` against a `*`
    let rules = vec![
        rule(Kind::Include, &["**", "*"], false, None),
        rule(Kind::Include, &["**", "a"], false, None),
    ];
    assert_eq!(disagreement(&rules), None);
}

#[test]
fn a_folder_on_the_way_to_a_pattern_with_a_middle_double_star_is_replicated() {
    // `C:\a\b` leads to `C:\a\b\a`, which `C:\a\**\a` includes
    assert_eq!(
        disagreement(&[rule(Kind::Include, &["a", "**", "a"], false, None)]),
        None
    );
}

#[test]
fn a_snapshot_inclusion_inside_another_is_left_out_of_the_set() {
    let rules = vec![
        rule(Kind::SnapshotInclude, &["c", "a"], false, None),
        rule(Kind::SnapshotInclude, &["c", "**"], false, None),
    ];
    assert_eq!(disagreement(&rules), None);
}
