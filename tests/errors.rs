//! Bad input through the real binary: a clear, located message and nothing written.

mod common;

use common::*;

fn render_error(replacements: &[(&str, &str)]) -> (String, std::path::PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let case = example_variant(dir.path(), replacements);
    let out = dir.path().join("out");
    let output = run(witness()
        .arg("render")
        .arg(&case)
        .arg("--out-dir")
        .arg(&out));
    assert_eq!(output.status.code(), Some(1));
    assert!(!out.join("KGZ-2026-014.pdf").exists(), "nothing written");
    (stderr(&output), case, dir)
}

#[test]
fn a_misspelt_key_is_located_with_a_suggestion() {
    let (message, _, _dir) =
        render_error(&[("jurisdiction = \"uk-iac\"", "jurisdicton = \"uk-iac\"")]);
    assert!(message.contains("case.toml:8:1"), "{message}");
    assert!(message.contains("unknown key `jurisdicton`"), "{message}");
    assert!(
        message.contains("did you mean `jurisdiction`?"),
        "{message}"
    );
}

#[test]
fn a_wrong_type_names_the_field_path() {
    let (message, _, _dir) = render_error(&[("date = 2026-10-02", "date = \"2 October\"")]);
    assert!(
        message.contains("instructing.instructions[1].date"),
        "{message}"
    );
    assert!(message.contains("TOML date"), "{message}");
}

#[test]
fn an_unknown_country_lists_the_briefs() {
    let (message, _, _dir) =
        render_error(&[("country = \"kyrgyzstan\"", "country = \"kyrgystan\"")]);
    assert!(
        message.contains("no country brief for `kyrgystan`"),
        "{message}"
    );
    assert!(message.contains("did you mean `kyrgyzstan`?"), "{message}");
}

#[test]
fn an_unknown_topic_and_jurisdiction_are_refused() {
    let (message, _, _dir) = render_error(&[("\"surveillance\"]", "\"surveilance\"]")]);
    assert!(message.contains("unknown topic `surveilance`"), "{message}");
    assert!(
        message.contains("did you mean `surveillance`?"),
        "{message}"
    );
    let (message, _, _dir) =
        render_error(&[("jurisdiction = \"uk-iac\"", "jurisdiction = \"uk-ica\"")]);
    assert!(
        message.contains("unknown jurisdiction `uk-ica`"),
        "{message}"
    );
}

#[test]
fn a_citation_to_a_missing_source_is_an_error() {
    let (message, _, _dir) = render_error(&[("[@fh-fotn-2024]", "[@fh-fotn-2042]")]);
    assert!(
        message.contains("citation `@fh-fotn-2042` is not in the bibliography"),
        "{message}"
    );
    assert!(message.contains("analysis.surveillance"), "{message}");
}

#[test]
fn without_typst_and_with_installing_off_the_message_says_what_to_do() {
    let data = tempfile::tempdir().unwrap();
    let output = run(witness()
        .arg("render")
        .arg(example_case())
        .env("PATH", "")
        .env("WITNESS_DATA_DIR", data.path())
        .env_remove("WITNESS_TYPST")
        .env("WITNESS_NO_INSTALL", "1"));
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("typst 0.15.1 is not installed"),
        "{message}"
    );
    assert!(
        message.contains("cargo install --locked typst-cli --version 0.15.1"),
        "{message}"
    );
}
