//! Bad input: always one located diagnostic, never a panic or a hang (each under a second in
//! practice; the suite asserts the outcome, the benchmarks measure time).

use amxc::parse::parse;

fn first_code(src: &str) -> (u16, usize) {
    let p = parse(0, src);
    let d = p
        .diagnostics
        .first()
        .unwrap_or_else(|| panic!("no diagnostic"));
    let at = d
        .primary
        .as_ref()
        .map(|l| l.span.start)
        .unwrap_or(usize::MAX);
    (d.code.0, at)
}

#[test]
fn random_bytes_give_a_diagnostic() {
    // a fixed pseudo-random sequence (xorshift), so the test is the same everywhere
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..50 {
        let mut bytes = Vec::with_capacity(4096);
        for _ in 0..4096 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bytes.push((x & 0x7F) as u8);
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let p = parse(0, &text);
        assert!(!p.diagnostics.is_empty());
    }
}

#[test]
fn unterminated_string_at_end_of_file_is_reported_where_it_opens() {
    assert_eq!(first_code("amx \"t\" {\n title \"abc"), (2, 17));
}

#[test]
fn unterminated_block_comment_at_end_of_file_is_reported_where_it_opens() {
    assert_eq!(first_code("amx \"t\" {\n /* abc"), (3, 11));
}

#[test]
fn twenty_thousand_unclosed_comments_are_one_diagnostic() {
    assert_eq!(first_code(&"/*".repeat(20_000)), (3, 0));
}

#[test]
fn ten_thousand_nested_parentheses_hit_the_depth_limit() {
    let src = format!(
        "amx \"t\" {{\n advise \"a\" when {}management-ip{}\n}}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    assert_eq!(first_code(&src).0, 9);
}

#[test]
fn long_not_chains_hit_the_depth_limit() {
    let src = format!(
        "amx \"t\" {{\n advise \"a\" when {}management-ip\n}}",
        "not ".repeat(10_000)
    );
    assert_eq!(first_code(&src).0, 9);
}

#[test]
fn deeply_nested_comments_are_fine() {
    let src = format!(
        "amx \"t\" {{\n {}x{}\n title \"T\"\n}}",
        "/*".repeat(10_000),
        "*/".repeat(10_000)
    );
    assert!(parse(0, &src).diagnostics.is_empty());
}

#[test]
fn a_missing_closing_brace_points_at_the_unclosed_block() {
    assert_eq!(
        first_code("amx \"t\" {\n services {\n  service A\n}"),
        (4, 8)
    );
}

#[test]
fn nul_bytes_are_a_syntax_error_not_a_crash() {
    assert_eq!(first_code("amx \"t\" {\n\0\n}").0, 1);
}

#[test]
fn a_one_megabyte_line_is_handled() {
    let src = format!("amx \"t\" {{ title \"T\" }} // {}", "x".repeat(1 << 20));
    assert!(parse(0, &src).diagnostics.is_empty());
    let src = format!("amx \"t\" {{ {} }}", "x ".repeat(1 << 19));
    assert_eq!(first_code(&src).0, 1);
}
