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
        .map(|l| l.span.start())
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

fn bomb() -> String {
    let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        s.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    s
}

#[test]
fn a_yaml_alias_bomb_in_a_matrix_is_refused_quickly() {
    let (m, diags) = amxc::matrix::load(0, &bomb()).into_parts();
    assert!(m.is_none());
    assert_eq!(diags[0].code.0, 101, "{:?}", diags[0].message);
    assert!(
        diags[0].message.contains("aliases expand"),
        "{}",
        diags[0].message
    );
}

#[test]
fn a_yaml_alias_bomb_in_a_target_is_refused() {
    let p = parse(0, "amx \"fixture\" {\n versions 2007-07-11\n}\n")
        .value
        .expect("policy");
    let (m, _) = amxc::matrix::load(
        1,
        &std::fs::read_to_string("tests/fixtures/diagnostics/small.versions.yaml").expect("matrix"),
    )
    .into_parts();
    let m = m.expect("matrix");
    let (t, diags) = amxc::profile::load(2, &format!("server: A\n{}", bomb()), &p, &m).into_parts();
    assert!(t.is_none());
    assert_eq!(diags[0].code.0, 400);
}

#[test]
fn deeply_nested_yaml_is_refused() {
    let text = format!(
        "amx: x\ndimensions: {}{}\n",
        "[".repeat(500),
        "]".repeat(500)
    );
    let (m, diags) = amxc::matrix::load(0, &text).into_parts();
    assert!(m.is_none());
    assert_eq!(diags[0].code.0, 101);
}

#[test]
fn dangerous_paths_are_rejected_with_a_located_diagnostic() {
    for (pattern, why) in [
        ("C:\\App\\..\\Windows\\**", "`..` segments"),
        ("\\\\server\\share\\**", "UNC"),
        ("\\\\?\\C:\\App\\**", "UNC"),
        ("C:\\App\\CON\\**", "reserved device name"),
        ("C:\\App\\nul.txt", "reserved device name"),
        ("C:\\App\\a|b", "Windows does not allow"),
        ("C:\\App\\x**y", "whole path segment"),
        ("App\\**", "not an absolute path"),
    ] {
        let dir = tempfile::tempdir().expect("temp");
        let path = dir.path().join("p.amx");
        let lit = pattern.replace('\'', "''");
        std::fs::write(&path, format!("// matrix: m.versions.yaml\namx \"fixture\" {{\n    versions 2007-07-11\n    data {{\n        files include '{lit}'\n    }}\n}}\n")).expect("write");
        std::fs::copy(
            "tests/fixtures/diagnostics/small.versions.yaml",
            dir.path().join("m.versions.yaml"),
        )
        .expect("copy");
        let (sources, diags) = crate::support::check_file(&path);
        let d = diags
            .iter()
            .find(|d| d.code.0 == 209)
            .unwrap_or_else(|| panic!("{pattern}: {}", crate::support::short(&sources, &diags)));
        assert!(d.message.contains(why), "{pattern}: {}", d.message);
        let at = d.primary.as_ref().expect("located");
        assert_eq!(
            sources.line_col(at.file, at.span.start()).line,
            5,
            "{pattern}"
        );
    }
}

#[test]
fn nested_comments_and_conditions_at_the_limit_are_accepted() {
    let depth = amxc::parse::MAX_DEPTH - 1;
    let src = format!(
        "amx \"t\" {{\n advise \"a\" when {}management-ip{}\n}}",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    assert!(parse(0, &src).diagnostics.is_empty());
}

#[test]
fn yaml_inputs_are_read_exactly_bom_accepted_nul_and_second_documents_refused() {
    let matrix =
        std::fs::read_to_string("tests/fixtures/diagnostics/small.versions.yaml").expect("matrix");
    // a byte order mark: read as the file without it, and positions still point into it
    let (m, ds) = amxc::matrix::load(0, &format!("\u{feff}{matrix}")).into_parts();
    assert!(m.is_some() && ds.is_empty(), "{ds:?}");
    // a NUL: refused where it is
    let with_nul = matrix.replacen("amx: fixture", "amx: fix\0ture", 1);
    let (m, ds) = amxc::matrix::load(0, &with_nul).into_parts();
    assert!(m.is_none());
    let at = with_nul.find('\0').expect("nul");
    assert_eq!(
        ds[0].primary.as_ref().map(|p| p.span.start()),
        Some(at),
        "{ds:?}"
    );
    // a second document: refused, not silently ignored
    let (m, ds) = amxc::matrix::load(0, &format!("{matrix}---\namx: other\n")).into_parts();
    assert!(m.is_none());
    assert!(ds[0].message.contains("second YAML document"), "{ds:?}");
}

#[test]
fn reserved_device_names_are_not_server_names() {
    for name in ["COM0", "LPT0", "com1", "NUL", "aux.txt"] {
        assert!(!amxc::profile::is_plain_folder_name(name), "{name}");
    }
    assert!(amxc::profile::is_plain_folder_name("EXCH01"));
}

#[test]
fn path_variables_that_double_or_chain_deep_stop_with_a_diagnostic() {
    // each variable uses the next twice: 2^40 bytes if expanded
    let mut doubling = String::new();
    for i in 0..40 {
        doubling.push_str(&format!("        V{i} = '%V{}%%V{}%'\n", i + 1, i + 1));
    }
    doubling.push_str("        V40 = 'x'\n");
    // a chain of 20,000: the native stack is never the limit
    let mut chain = String::new();
    for i in 0..20_000 {
        chain.push_str(&format!("        W{i} = '%W{}%'\n", i + 1));
    }
    chain.push_str("        W20000 = 'C:\\x'\n");
    for (defs, var) in [(doubling, "V0"), (chain, "W0")] {
        let start = std::time::Instant::now();
        let (sources, diags) = crate::support::check_text(&format!("amx \"v\" {{\n    versions 2007-07-11\n    paths {{\n{defs}    }}\n    data {{\n        files include 'C:\\App\\%{var}%\\**'\n    }}\n}}\n"));
        let out = crate::support::short(&sources, &diags);
        assert!(out.contains("error[AMX0213]"), "{var}: {out}");
        assert!(
            start.elapsed().as_secs() < 30,
            "{var} took {:?}",
            start.elapsed()
        );
    }
}

#[test]
fn vetoed_folders_cannot_be_reached_by_other_spellings() {
    for (pattern, code) in [
        (r"C:\Windows\Sysnative\**", "AMX0304"),
        (r"C:\Windows.\System32\**", "AMX0209"),
        (r"C:\Windows \System32\**", "AMX0209"),
        (r"C:\PROGRA~1\Neverfail\**", "AMX0209"),
    ] {
        let (sources, diags) = crate::support::check_text(&format!("amx \"v\" {{\n    versions 2007-07-11\n    data {{\n        files include '{pattern}'\n    }}\n}}\n"));
        let out = crate::support::short(&sources, &diags);
        assert!(out.contains(code), "{pattern}: {out}");
    }
}

#[test]
fn patterns_that_would_cost_their_length_squared_are_refused_or_compared_cheaply() {
    // a name longer than Windows allows, and more `**` than a policy needs: AMX0209
    let long = "a".repeat(256);
    let many = ["**", "x"].repeat(9).join("\\");
    for pattern in [format!("C:\\App\\{long}"), format!("C:\\{many}")] {
        let (sources, ds) = crate::support::check_text(&format!(
            "// matrix: small.versions.yaml\namx \"fixture\" {{\n    versions 2007-07-11\n    data {{\n        files include '{pattern}'\n    }}\n}}\n"
        ));
        let text = crate::support::short(&sources, &ds);
        assert!(text.contains("error[AMX0209]"), "{text}");
    }
    // 300 inclusions of 255-character wildcard names in one folder: runs of `*?` have one
    // form, and literal ends settle each pair before the quadratic comparison
    let rules: Vec<String> = (0..300)
        .map(|i| {
            format!(
                "        files include 'C:\\App\\{}{i:03}'",
                "*?".repeat(120)
            )
        })
        .collect();
    let (sources, ds) = crate::support::check_text(&format!(
        "// matrix: small.versions.yaml\namx \"fixture\" {{\n    versions 2007-07-11\n    data {{\n{}\n    }}\n}}\n",
        rules.join("\n")
    ));
    assert!(
        !ds.iter().any(|d| d.is_error()),
        "{}",
        crate::support::short(&sources, &ds)
    );
}

#[test]
fn blank_lines_cost_what_spaces_cost_and_lines_are_still_counted_in_the_source() {
    // a run of blank and comment lines is one separator for the grammar; diagnostics still
    // name the line as the file has it
    let text = format!(
        "// matrix: small.versions.yaml\namx \"fixture\" {{\n    versions 2007-07-11\n{}    // a comment\r\n\r\n    titel \"x\"\n}}\n",
        "\n".repeat(60_000)
    );
    let (sources, ds) = crate::support::check_text(&text);
    let short = crate::support::short(&sources, &ds);
    // 3 lines, 60,000 blank ones, a comment line and a CRLF blank line: `titel` is on 60,006
    assert!(short.contains(":60006:5: error[AMX0001]"), "{short}");
    assert!(short.contains("found `titel`"), "{short}");
}

#[test]
fn a_large_configuration_space_is_grouped_before_it_is_evaluated() {
    // 17 optional components × 2 app versions × management IP: 524,288 configurations, told
    // apart by two conditions only; the finding's count is exact
    let dir = tempfile::tempdir().expect("temp");
    let comps: String = (0..17).map(|i| format!("  c{i}: \"C{i}\"\n")).collect();
    std::fs::write(
        dir.path().join("p.versions.yaml"),
        format!("amx: p\ndimensions:\n  app: {{ kind: version, values: [\"5.0\", \"6.0\"] }}\ncomponents:\n{comps}versions:\n  \"2007-07-11\": {{}}\n"),
    )
    .expect("matrix");
    let policy = dir.path().join("p.amx");
    std::fs::write(
        &policy,
        "amx \"p\" {\n    versions 2007-07-11\n    services {\n        service A \"A\" when has(c0)\n        service A \"A again\" when has(c1)\n    }\n}\n",
    )
    .expect("policy");
    let (code, out, err) =
        crate::support::run_amxc(&["check", policy.to_str().expect("path")], &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("in 524288 configurations"), "{err}");
    // both components present: 2 app versions × 2 × 2^15 other component sets
    assert!(
        out.contains("holds in 131072 of 524288 configurations"),
        "{out}"
    );
}

#[test]
fn durations_are_bounded_so_no_sum_of_them_wraps() {
    // two stop timeouts of 2^63 s once summed to a worst case of 2 s that passed `within 10m`
    let huge = "9223372036854775807s";
    let src = format!(
        "amx \"t\" {{\n title \"t\"\n application \"t\" {{\n }}\n versions 2020-01-01\n switchover within 10m\n services {{\n  service A \"A\" {{\n   stop-timeout {huge}\n  }}\n  service B \"B\" {{\n   stop-timeout {huge}\n  }}\n }}\n applies-to all\n}}\n"
    );
    let p = parse(0, &src);
    let d = p
        .diagnostics
        .iter()
        .find(|d| d.code.0 == 14)
        .unwrap_or_else(|| panic!("no AMX0014: {:?}", p.diagnostics));
    assert!(
        d.message.contains("longer than the 30 days"),
        "{}",
        d.message
    );
    // the longest a policy may write is taken, and 31 days is not
    assert!(amxc::ast::Duration::parse("30d").is_some());
    assert!(amxc::ast::Duration::parse("31d").is_none());
    assert!(amxc::ast::Duration::parse("43201m").is_none());
}
