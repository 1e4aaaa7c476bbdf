//! Country guidance: the rules on the opinion's position on each country guidance decision of
//! the brief (E170/W170, E171, E172, E173), one fixture change each, and the report's part
//! built from those positions, read from the PDF. The Testland fixture's authorities.toml
//! has a current decision on the opposition (`tl-cg-2025`), the one it superseded
//! (`tl-cg-2015`) and a CPIN.

mod common;

use common::*;

const TOPICS: &str = "topics = [\"history\", \"freedom-of-speech\", \"surveillance\"]";
const WITH_OPPOSITION: &str =
    "topics = [\"history\", \"freedom-of-speech\", \"surveillance\", \"opposition\"]";
const CURRENT: &str = "AB (Political Opinion) Testland CG [2025] UKUT 00123 (IAC)";

/// The findings of `witness check --format json` with `code`.
fn findings(case: &std::path::Path, code: &str) -> Vec<serde_json::Value> {
    let (found, _) = check_findings(case);
    found.into_iter().filter(|f| f["code"] == code).collect()
}

/// The fixture with the opposition topic and `positions` appended as [[country_guidance]].
fn case_with(positions: &str, status: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, case) = fixture(&[(TOPICS, WITH_OPPOSITION), ("status = \"draft\"", status)]);
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(&case, format!("{text}\n{positions}")).unwrap();
    (dir, case)
}

#[test]
fn current_guidance_the_report_does_not_address_is_warned_in_a_draft_and_refused_final() {
    // Without the topic the decision is on, nothing is asked.
    let (_dir, case) = fixture(&[]);
    assert!(findings(&case, "W170").is_empty());

    let (_dir, case) = case_with("", "status = \"draft\"");
    let warned = findings(&case, "W170");
    assert_eq!(warned.len(), 1, "{warned:?}");
    let message = warned[0]["message"].as_str().unwrap();
    assert!(message.contains(CURRENT), "{message}");
    assert!(
        message.contains("the risk on return to members of opposition parties"),
        "{message}"
    );
    assert!(
        warned[0]["help"]
            .as_str()
            .unwrap()
            .contains("authority = \"tl-cg-2025\"")
    );
    // The CPIN and the superseded decision are not asked about.
    assert!(findings(&case, "E170").is_empty());

    let (_dir, case) = case_with("", "status = \"final\"");
    assert_eq!(findings(&case, "E170").len(), 1);

    // A forum that country guidance does not bind (a civil court) does not ask.
    let (_dir, case) = case_with("", "status = \"draft\"");
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(
        &case,
        text.replacen("jurisdiction = \"uk-iac\"", "jurisdiction = \"uk-cpr\"", 1),
    )
    .unwrap();
    assert!(findings(&case, "W170").is_empty());
}

#[test]
fn a_departure_needs_reasons_and_cited_evidence() {
    let departs = |reasons: &str| {
        format!(
            "[[country_guidance]]\nauthority = \"tl-cg-2025\"\nposition = \"departs\"\n{reasons}\n"
        )
    };
    let (_dir, case) = case_with(&departs(""), "status = \"draft\"");
    let found = findings(&case, "E171");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("gives no reasons")
    );
    assert!(
        findings(&case, "W170").is_empty(),
        "the decision is addressed"
    );

    let (_dir, case) = case_with(
        &departs("reasons = \"Things have changed since.\""),
        "status = \"draft\"",
    );
    let found = findings(&case, "E171");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("cites no evidence")
    );

    // Citing the decision itself is not evidence against it.
    let (_dir, case) = case_with(
        &departs("reasons = \"It is old [@tl-cg-2025].\""),
        "status = \"draft\"",
    );
    let found = findings(&case, "E171");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("cites no evidence")
    );

    let (_dir, case) = case_with(
        &departs("reasons = \"Arrests of opposition members doubled in 2026 [@recent-a].\""),
        "status = \"draft\"",
    );
    assert!(findings(&case, "E171").is_empty());
}

#[test]
fn reliance_on_superseded_guidance_names_its_successor() {
    let (_dir, case) = case_with(
        "[[country_guidance]]\nauthority = \"tl-cg-2015\"\nposition = \"agrees\"\n",
        "status = \"draft\"",
    );
    let found = findings(&case, "E172");
    assert_eq!(found.len(), 1, "{found:?}");
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.contains("CD (Opposition) Testland CG [2015]"),
        "{message}"
    );
    assert!(
        message.contains(&format!("superseded by `{CURRENT}`")),
        "{message}"
    );
    assert_eq!(found[0]["field"], "country_guidance[0].authority");

    // Cited in the text, it is the same error, at the citation.
    let (_dir, case) = fixture(&[(
        "The applicant's site was blocked.",
        "The applicant's site was blocked, as [@tl-cg-2015] foresaw.",
    )]);
    let found = findings(&case, "E172");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["field"], "analysis.surveillance");
}

#[test]
fn a_position_on_no_authority_of_the_brief_suggests_the_nearest() {
    let (_dir, case) = case_with(
        "[[country_guidance]]\nauthority = \"tl-cg-2052\"\nposition = \"agrees\"\n",
        "status = \"draft\"",
    );
    let found = findings(&case, "E173");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["help"], "did you mean `tl-cg-2025`?");
}

#[test]
fn the_report_sets_out_each_position_in_its_own_part() {
    let positions = "[[country_guidance]]\nauthority = \"tl-cg-2025\"\nposition = \"agrees\"\n\
        reasons = \"The arrests since 2025 follow the pattern it describes [@recent-a].\"\n\n\
        [[country_guidance]]\nauthority = \"tl-cpin-2026\"\nposition = \"departs\"\n\
        reasons = \"It relies on reports from before the 2026 arrests [@recent-b].\"\n";
    let (dir, case) = case_with(positions, "status = \"draft\"");
    for code in ["W170", "E171", "E172", "E173", "E201"] {
        assert!(findings(&case, code).is_empty(), "{code}");
    }
    let pdf = render(&case, &dir.path().join("out"), &[]);
    let text = pdf_text(&pdf);
    for wanted in [
        "Country guidance and the Respondent's country information",
        CURRENT,
        "promulgated on 1 June 2025, is country guidance on the risk on return to members of opposition parties. My opinion is consistent with it.",
        "The arrests since 2025 follow the pattern it describes",
        "published on 15 January 2026, is the Respondent's country information on the treatment of opponents of the government. My opinion departs from it, for the reasons that follow.",
        "It relies on reports from before the 2026 arrests",
    ] {
        let squeezed = |s: &str| -> String { normalise(s).split_whitespace().collect() };
        assert!(
            squeezed(&text).contains(&squeezed(wanted)),
            "the PDF lacks {wanted:?}"
        );
    }
}

#[test]
fn a_new_case_offers_a_block_for_each_decision_it_must_address() {
    let dir = tempfile::tempdir().unwrap();
    let ok = |args: &[&str]| {
        let output = run(witness().current_dir(dir.path()).args(args));
        assert!(output.status.success(), "{}", stderr(&output));
    };
    ok(&["init", "."]);
    ok(&[
        "new",
        "cases/o.toml",
        "--country",
        "kyrgyzstan",
        "--profile",
        "opposition-member",
    ]);
    let case = dir.path().join("cases/o.toml");
    let text = std::fs::read_to_string(&case).unwrap();
    // Kyrgyzstan's brief lists MK (Kyrgyzstan) CG [2004] on the opposition, which the
    // opposition-member tag calls for: offered, commented out, until the expert chooses.
    let block = "# [[country_guidance]]\n# authority = \"mk-kyrgyzstan-cg-2004\"";
    assert!(text.contains(block), "{text}");
    assert_eq!(findings(&case, "W170").len(), 1);
    let chosen = text
        .replace("# [[country_guidance]]", "[[country_guidance]]")
        .replace("# authority = ", "authority = ")
        .replace("# position = \"agrees\"", "position = \"not-relevant\"")
        .replace(
            "# reasons = \"...\"",
            "reasons = \"The Appellant belongs to no party.\"",
        );
    std::fs::write(&case, chosen).unwrap();
    assert!(findings(&case, "W170").is_empty());

    // A journalist's topics are not the opposition's: nothing is offered.
    ok(&[
        "new",
        "cases/j.toml",
        "--country",
        "kyrgyzstan",
        "--profile",
        "journalist",
    ]);
    let text = std::fs::read_to_string(dir.path().join("cases/j.toml")).unwrap();
    assert!(!text.contains("[[country_guidance]]"), "{text}");
}
