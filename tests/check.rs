//! `witness check` through the real binary: each rule triggered by one change to a clean
//! fixture case, alone; the examples clean; a case bad in ten ways gives ten diagnostics.

mod common;

use std::path::PathBuf;

use common::*;

fn triggers(replacements: &[(&str, &str)], expected: &str) {
    let (_dir, case) = fixture(replacements);
    let (found, status) = check_codes(&case);
    assert_eq!(found, [expected], "exactly {expected}");
    assert_eq!(status, if expected.starts_with('E') { 1 } else { 0 });
}

#[test]
fn the_fixture_and_the_examples_are_clean_of_errors() {
    let (_dir, case) = fixture(&[]);
    assert_eq!(check_codes(&case), (vec![], 0));
    for example in [
        "kyrgyzstan-journalist",
        "kyrgyzstan-uzbek-minority",
        "uzbekistan-karakalpak-us",
    ] {
        let (found, status) = check_codes(&repo().join("examples").join(example).join("case.toml"));
        assert_eq!(status, 0, "{example}: {found:?}");
        assert!(
            found.iter().all(|c| c.starts_with('W')),
            "{example}: {found:?}"
        );
    }
}

#[test]
fn schema_and_topic_rules() {
    triggers(&[("jurisdiction = ", "jurisdicton = ")], "E001");
    triggers(
        &[("\"surveillance\"]", "\"surveillance\", \"surveilance\"]")],
        "E101",
    );
    triggers(
        &[(
            "[analysis]\n",
            "[analysis]\nassembly = \"The applicant protested.\"\n",
        )],
        "E102",
    );
    triggers(
        &[("\"surveillance\"]", "\"surveillance\", \"returnees\"]")],
        "E103",
    );
    triggers(
        &[(
            "[expert]\nname = \"Dr Test Expert\"\nsigned_by_hand = true\nqualifications = \"\"\"\nI have studied Testland for twenty years.\n\"\"\"\n",
            "",
        )],
        "E104",
    );
    triggers(
        &[("\"surveillance\"]", "\"surveillance\", \"surveillance\"]")],
        "E105",
    );
    triggers(
        &[(
            "Yes, for the reasons given [@recent-a].\n\"\"\"\n",
            "Yes, for the reasons given [@recent-a].\n\"\"\"\nrests_on = [\"risk-on-retrun\"]\n",
        )],
        "E106",
    );
    triggers(
        &[(
            "country = \"testland\"",
            "country = \"testland\"\ntemplate = \"expert-reprot\"",
        )],
        "E004",
    );
}

#[test]
fn completeness_rules() {
    triggers(
        &[(
            "[[instructing.instructions]]\ndate = 2026-10-01\nkind = \"written\"\nsummary = \"Letter of instruction.\"\n",
            "",
        )],
        "E110",
    );
    triggers(
        &[(
            "qualifications = \"\"\"\nI have studied Testland for twenty years.\n\"\"\"\n",
            "",
        )],
        "E111",
    );
    triggers(&[("Yes, for the reasons given [@recent-a].", "")], "E112");
    triggers(&[("The applicant is at risk.", "")], "E113");
    triggers(&[("Some disagree; I explain why I do not.", "")], "E114");
    triggers(&[("I have not met the applicant.", "")], "E115");
    triggers(
        &[("jurisdiction = \"uk-iac\"", "jurisdiction = \"broken\"")],
        "E116",
    );
    triggers(&[("Detention on arrival is likely.", "")], "E117");
    triggers(
        &[(
            "[methodology]\nown_knowledge = \"\"\"\nNothing in this report is within my own knowledge except where I say so.\n\"\"\"\n",
            "",
        )],
        "W118",
    );
}

#[test]
fn placeholder_and_source_rules() {
    triggers(
        &[(
            "I have not met the applicant.",
            "I have not met the applicant. TODO: check the file.",
        )],
        // The fixture is a draft: a placeholder is a warning there, an error in a final.
        "W120",
    );
    // Letters whose lower case has another length beside a placeholder once made the offsets
    // fall inside a character, and witness panicked.
    triggers(&[("I have not met the applicant.", "İ todo—ẞ")], "W120");
    triggers(
        &[
            ("status = \"draft\"", "status = \"final\""),
            (
                "I have not met the applicant.",
                "I have not met the applicant. TODO: check the file.",
            ),
        ],
        "E120",
    );
    triggers(&[("[@recent-a].\n\"\"\"", "[@recent-c].\n\"\"\"")], "E201");
    triggers(
        &[("[@recent-a].\n\"\"\"", "[@incomplete].\n\"\"\"")],
        "E202",
    );
    triggers(
        &[
            ("\"surveillance\"]", "\"surveillance\", \"minorities\"]"),
            ("[analysis]\n", "[analysis]\nminorities = \"Relevant.\"\n"),
        ],
        "W210",
    );
}

#[test]
fn currency_rules_warn_in_drafts_and_fail_final_reports() {
    let stale_section = [
        ("\"surveillance\"]", "\"surveillance\", \"assembly\"]"),
        ("[analysis]\n", "[analysis]\nassembly = \"Relevant.\"\n"),
    ];
    triggers(&stale_section, "W301");
    let old_sources = [
        ("\"surveillance\"]", "\"surveillance\", \"opposition\"]"),
        ("[analysis]\n", "[analysis]\nopposition = \"Relevant.\"\n"),
        // Testland has country guidance on the opposition (tests/guidance.rs): addressed.
        (
            "[opinion]\n",
            "[[country_guidance]]\nauthority = \"tl-cg-2025\"\nposition = \"not-relevant\"\n\
             reasons = \"Not raised.\"\n\n[opinion]\n",
        ),
    ];
    triggers(&old_sources, "W302");

    // History is background: its old sources are expected, so no W302 for it.
    let (_dir, case) = fixture(&[("status = \"draft\"", "status = \"final\"")]);
    assert_eq!(
        check_codes(&case),
        (vec![], 0),
        "old sources in the history section are fine"
    );
    triggers(
        &[
            old_sources[0],
            old_sources[1],
            old_sources[2],
            ("status = \"draft\"", "status = \"final\""),
        ],
        "E302",
    );

    let final_stale = [
        stale_section[0],
        stale_section[1],
        ("status = \"draft\"", "status = \"final\""),
    ];
    triggers(&final_stale, "E301");
    let (_dir, case) = fixture(&final_stale);
    let output = run(witness().arg("check").arg("--allow-stale").arg(&case));
    assert_eq!(
        output.status.code(),
        Some(0),
        "--allow-stale turns it back into a warning"
    );
    assert!(stderr(&output).contains("warning[W301]"));
}

#[test]
fn fit_and_length_rules() {
    triggers(
        &[("\"surveillance\"]", "\"surveillance\", \"civil-society\"]")],
        "W310",
    );
    triggers(
        &[(
            "profile = [\"journalist\"]",
            "profile = [\"journalist\", \"jouranlist\"]",
        )],
        "W311",
    );
    triggers(
        &[(
            "surveillance = \"\"\"\nThe applicant's site was blocked.\n\"\"\"\n",
            "",
        )],
        "W312",
    );

    let (dir, case) = fixture(&[]);
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(
        dir.path().join("out/TST-001.provenance.json"),
        "{\"pages\": 27}",
    )
    .unwrap();
    let (found, status) = check_codes(&case);
    assert_eq!((found, status), (vec!["W401".to_string()], 0));
}

#[test]
fn exit_codes_and_deny_warnings() {
    let (_dir, case) = fixture(&[(
        "profile = [\"journalist\"]",
        "profile = [\"journalist\", \"jouranlist\"]",
    )]);
    assert_eq!(
        run(witness().arg("check").arg(&case)).status.code(),
        Some(0)
    );
    assert_eq!(
        run(witness().arg("check").arg("--deny-warnings").arg(&case))
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(witness()
            .arg("check")
            .arg("--format")
            .arg("yaml")
            .arg(&case))
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn a_case_bad_in_ten_ways_gives_ten_precise_diagnostics() {
    let (_dir, case) = fixture(&[
        (
            "\"surveillance\"]",
            "\"surveillance\", \"surveilance\", \"returnees\"]",
        ),
        (
            "[[instructing.instructions]]\ndate = 2026-10-01\nkind = \"written\"\nsummary = \"Letter of instruction.\"\n",
            "",
        ),
        (
            "qualifications = \"\"\"\nI have studied Testland for twenty years.\n\"\"\"\n",
            "",
        ),
        ("Yes, for the reasons given [@recent-a].", ""),
        ("Some disagree; I explain why I do not.", "TBC"),
        (
            "The applicant's site was blocked.",
            "The site was blocked [@recent-c].",
        ),
        (
            "profile = [\"journalist\"]",
            "profile = [\"journalist\", \"jouranlist\"]",
        ),
        (
            "[analysis]\n",
            "[analysis]\nassembly = \"The applicant protested.\"\n",
        ),
        (
            "[methodology]\nown_knowledge = \"\"\"\nNothing in this report is within my own knowledge except where I say so.\n\"\"\"\n",
            "",
        ),
    ]);
    let (mut found, status) = check_codes(&case);
    found.sort();
    assert_eq!(
        found,
        [
            "E101", "E102", "E103", "E110", "E111", "E112", "E201", "W118", "W120", "W311"
        ]
    );
    assert_eq!(status, 1);
    // The human form, as a newcomer sees it, is printed for the record.
    let output = run(witness().arg("check").arg(&case));
    let human = stderr(&output);
    assert!(human.contains("7 errors, 3 warnings"), "{human}");
    assert!(human.contains("case.toml:"), "{human}");
}

#[test]
fn an_unsigned_report_is_warned_in_a_draft_and_refused_final() {
    let unsigned = ("signed_by_hand = true\n", "");
    triggers(&[unsigned], "W140");
    triggers(
        &[unsigned, ("status = \"draft\"", "status = \"final\"")],
        "E140",
    );
    let (_dir, case) = fixture(&[unsigned]);
    let output = run(witness().arg("check").arg(&case));
    assert!(
        stderr(&output).contains("the report is not signed"),
        "the message says which document lacks a signature"
    );
}

#[test]
fn a_final_report_on_an_illustrative_brief_is_refused() {
    let (dir, case) = fixture(&[("status = \"draft\"", "status = \"final\"")]);
    assert_eq!(check_codes(&case), (vec![], 0), "final on a verified brief");
    let brief = dir.path().join("country-briefs/testland/brief.toml");
    let text = std::fs::read_to_string(&brief).unwrap();
    std::fs::write(
        &brief,
        text.replace("illustrative = false", "illustrative = true"),
    )
    .unwrap();
    assert_eq!(check_codes(&case), (vec!["E130".to_string()], 1));
    let output = run(witness().arg("check").arg(&case));
    assert!(
        stderr(&output).contains("set `illustrative = false` in its brief.toml"),
        "the message says how a verified brief is marked"
    );
    // A draft may rest on it: the report says it is illustrative.
    let (_dir, draft) = fixture(&[]);
    let brief = draft
        .parent()
        .unwrap()
        .join("country-briefs/testland/brief.toml");
    let text = std::fs::read_to_string(&brief).unwrap();
    std::fs::write(
        &brief,
        text.replace("illustrative = false", "illustrative = true"),
    )
    .unwrap();
    assert_eq!(check_codes(&draft), (vec![], 0));
}

/// The fixture with `from` replaced by `to` in the brief's bibliography.
fn with_sources(case_edits: &[(&str, &str)], from: &str, to: &str) -> (tempfile::TempDir, PathBuf) {
    let (dir, case) = fixture(case_edits);
    let sources = dir.path().join("country-briefs/testland/sources.yml");
    let text = std::fs::read_to_string(&sources).unwrap();
    assert!(
        text.contains(from),
        "the fixture's sources contain {from:?}"
    );
    std::fs::write(&sources, text.replacen(from, to, 1)).unwrap();
    (dir, case)
}

#[test]
fn dates_that_hold_together() {
    // The fixture report is dated 2026-11-01 (see case.toml), its sources accessed 2026-10-01.
    let case_text = std::fs::read_to_string(repo().join("tests/fixtures/check/case.toml")).unwrap();
    assert!(
        case_text.contains("date = 2026-11-01"),
        "the fixture's report date"
    );
    let accessed_late = (
        "value: https://example.org/a\n    date: 2026-10-01",
        "value: https://example.org/a\n    date: 2026-11-02",
    );
    let (_dir, case) = with_sources(&[], accessed_late.0, accessed_late.1);
    assert_eq!(
        check_codes(&case),
        (vec!["W303".to_string()], 0),
        "a draft is warned"
    );
    let (_dir, case) = with_sources(
        &[("status = \"draft\"", "status = \"final\"")],
        accessed_late.0,
        accessed_late.1,
    );
    assert_eq!(
        check_codes(&case),
        (vec!["E303".to_string()], 1),
        "a final report is refused"
    );

    let (_dir, case) = with_sources(&[], "date: 2026-02-01", "date: 2026");
    assert_eq!(
        check_codes(&case),
        (vec!["W305".to_string()], 0),
        "a web source dated by its year"
    );

    let (_dir, case) = with_sources(
        &[],
        "value: https://example.org/a\n",
        "value: https://example.org/2026/03/05/a\n",
    );
    assert_eq!(
        check_codes(&case),
        (vec!["W306".to_string()], 0),
        "its URL says another day"
    );

    let (dir, case) = fixture(&[]);
    let section = std::fs::read_dir(dir.path().join("country-briefs/testland"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "md")
                && std::fs::read_to_string(p).unwrap().contains("reviewed = ")
                && case_text.contains(&format!("\"{}\"", p.file_stem().unwrap().to_string_lossy()))
        })
        .expect("a section the report uses");
    let text = std::fs::read_to_string(&section).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("reviewed = "))
        .unwrap()
        .to_string();
    std::fs::write(&section, text.replacen(&line, "reviewed = 2026-11-02", 1)).unwrap();
    assert_eq!(
        check_codes(&case),
        (vec!["W304".to_string()], 0),
        "a section reviewed after the report"
    );
}

#[test]
fn own_knowledge_claimed_but_never_marked_is_warned() {
    let claim = (
        "Nothing in this report is within my own knowledge except where I say so.",
        "My fieldwork in Testland is within my own knowledge.",
    );
    triggers(&[claim], "W160");
    // Marking the paragraph that rests on it answers the warning.
    let (_dir, case) = fixture(&[
        claim,
        (
            "The applicant's site was blocked.",
            "The applicant's site was blocked.\n\n[own knowledge] I saw the blocked page in 2026.",
        ),
    ]);
    assert_eq!(check_codes(&case), (vec![], 0));
}

#[test]
fn a_template_that_fails_on_the_case_names_its_file_and_line() {
    let (dir, case) = fixture(&[]);
    let partials = dir.path().join("report-templates/expert-report/partials");
    std::fs::create_dir_all(&partials).unwrap();
    let cover = std::fs::read_to_string(
        repo().join("report-templates/expert-report/partials/cover.typ.hbs"),
    )
    .unwrap();
    let lines = cover.lines().count();
    std::fs::write(
        partials.join("cover.typ.hbs"),
        format!("{cover}{{{{no_such_value}}}}\n"),
    )
    .unwrap();
    let output = run(witness().arg("check").arg(&case).args(["--format", "json"]));
    assert_eq!(output.status.code(), Some(1));
    let findings: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let e004: Vec<&serde_json::Value> = findings.iter().filter(|f| f["code"] == "E004").collect();
    assert_eq!(e004.len(), 1, "{findings:?}");
    assert!(
        e004[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("expert-report/partials/cover.typ.hbs"),
        "{:?}",
        e004[0]
    );
    assert_eq!(e004[0]["line"], lines + 1, "the line of the missing value");
}
