//! `witness sample` through the real binary: country samples, and anonymised samples from a
//! real case whose personal data must not reach the PDF.

mod common;

use std::path::{Path, PathBuf};

use common::*;

const LONG_NAME: &str = "Zhyldyzbek Abdymomunovich Temirbekov-Sarygulov";
const CYRILLIC_SOLICITOR: &str = "Ольга Петровна Смирнова";
const APPEAL_NUMBER: &str = "PA/99123/2026";
const REFERENCE: &str = "KGZ-2026-777";

/// The example case with distinctive personal values, also used inside free text.
fn personal_case(dir: &Path) -> PathBuf {
    let analysis = format!(
        "freedom-of-speech = \"\"\"\nI spoke to {LONG_NAME} twice. Zhyldyzbek described the raids; TEMIRBEKOV-SARYGULOV \
         said the summons came in 2024. In my view {LONG_NAME}'s account, which {LONG_NAME} gave \
         consistently, fits the pattern [@cpj-temirov-2024]. Mr Sarygulov was born on 17 April 1991.\n"
    );
    example_variant(
        dir,
        &[
            (
                "reference = \"KGZ-2026-014\"",
                &format!("reference = \"{REFERENCE}\""),
            ),
            (
                "appeal_number = \"PA/05123/2026\"",
                &format!("appeal_number = \"{APPEAL_NUMBER}\""),
            ),
            (
                "solicitor = \"Ms Priya Raman\"",
                &format!("solicitor = \"{CYRILLIC_SOLICITOR}\""),
            ),
            (
                "name = \"Daniyar Temirbekov\"",
                &format!("name = \"{LONG_NAME}\""),
            ),
            ("date_of_birth = 1991-04-17", "date_of_birth = 1991-04-17"),
            ("freedom-of-speech = \"\"\"\n", &analysis),
            (
                "Telephone call with Ms Raman",
                "Telephone call with Ms Смирнова",
            ),
        ],
    )
}

fn personal_values() -> Vec<&'static str> {
    vec![
        LONG_NAME,
        "Zhyldyzbek",
        "Temirbekov-Sarygulov",
        "Sarygulov",
        CYRILLIC_SOLICITOR,
        "Смирнова",
        APPEAL_NUMBER,
        REFERENCE,
        "17 April 1991",
    ]
}

/// Searches as the leak check does not: a second, independent look at the text and metadata.
fn squeezed(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}'))
        .collect()
}

fn pdf_metadata(pdf: &Path) -> String {
    let document = lopdf::Document::load(pdf).unwrap();
    let info = document
        .trailer
        .get(b"Info")
        .and_then(|o| document.dereference(o))
        .unwrap()
        .1
        .as_dict()
        .unwrap()
        .clone();
    info.iter()
        .filter_map(|(_, v)| lopdf::decode_text_string(v).ok())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_real_report_holds_the_personal_values_and_its_sample_holds_none() {
    let dir = tempfile::tempdir().unwrap();
    let case = personal_case(dir.path());

    // The real report contains them, so a check that looks for them can fail.
    let report = render(&case, &dir.path().join("report"), &[]);
    let text = squeezed(&pdf_text(&report));
    for value in personal_values() {
        assert!(
            text.contains(&squeezed(value)),
            "the real report shows {value}"
        );
    }

    let out = dir.path().join("samples");
    let output = run(witness()
        .arg("sample")
        .arg("--from")
        .arg(&case)
        .arg("--out-dir")
        .arg(&out));
    assert!(output.status.success(), "{}", stderr(&output));
    let sample = out.join("sample-kyrgyzstan-anonymised.pdf");
    let text = pdf_text(&sample);
    let searchable = squeezed(&text) + &squeezed(&pdf_metadata(&sample));
    for value in personal_values() {
        assert!(
            !searchable.contains(&squeezed(value)),
            "the sample leaks {value}"
        );
    }
    assert!(text.contains("Mr A."), "the pseudonym replaces the name");
    assert!(
        text.contains("SAMPLE -- not for submission")
            || text.contains("SAMPLE – not for submission")
    );
}

#[test]
fn a_leaky_template_fails_the_sample_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let case = personal_case(dir.path());
    std::fs::write(
        dir.path().join("witness.toml"),
        "[folders]\ntemplates = \"templates\"\n",
    )
    .unwrap();
    let leaky = dir.path().join("templates/sample-report");
    std::fs::create_dir_all(&leaky).unwrap();
    let main = std::fs::read_to_string(repo().join("report-templates/sample-report/main.typ.hbs"))
        .unwrap();
    // A template that prints the raw name, as a careless edit might.
    std::fs::write(
        leaky.join("main.typ.hbs"),
        format!("{main}\n#par[Prepared for Temirbekov-\nSarygulov.]\n"),
    )
    .unwrap();

    let out = dir.path().join("samples");
    let output = run(witness()
        .arg("sample")
        .arg("--from")
        .arg(&case)
        .arg("--out-dir")
        .arg(&out));
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("leaked personal data"), "{message}");
    assert!(
        message.contains("applicant.name"),
        "names the field: {message}"
    );
    let left: Vec<_> = std::fs::read_dir(&out)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "no file left: {left:?}");
}

#[test]
fn all_makes_one_sample_per_country() {
    let out = tempfile::tempdir().unwrap();
    let output = run(witness()
        .arg("sample")
        .arg("--all")
        .arg("--out-dir")
        .arg(out.path())
        .current_dir(out.path()));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        names_in(out.path()),
        [
            "sample-kazakhstan.pdf",
            "sample-kyrgyzstan.pdf",
            "sample-uzbekistan.pdf"
        ]
    );
    let text = pdf_text(&out.path().join("sample-kyrgyzstan.pdf"));
    for part in [
        "Sample expert report: Kyrgyzstan",
        "How to order an expert report",
        "Countries we cover",
        "East Africa",
        "Kyrgyzstan ●",
    ] {
        assert!(text.contains(part), "{part}");
    }
}

#[test]
fn a_partial_brand_shows_no_fictional_contact() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(witness().arg("init").arg(dir.path()));
    assert!(output.status.success(), "{}", stderr(&output));
    let config = dir.path().join("witness.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("[brand]\n"));
    std::fs::write(
        &config,
        text.replacen(
            "[brand]\n",
            "[brand]\nname = \"Marsh Country Reports\"\n",
            1,
        ),
    )
    .unwrap();
    // What the built-in sample.toml gives the fictional agency: none of it may appear.
    let fictional =
        std::fs::read_to_string(repo().join("report-templates/sample-report/sample.toml")).unwrap();
    let fictional: toml::Table = toml::from_str(&fictional).unwrap();
    let brand = fictional["brand"].as_table().unwrap();
    let contacts: Vec<&str> = ["name", "website", "email", "phone", "tagline"]
        .iter()
        .map(|key| brand[*key].as_str().unwrap())
        .collect();
    assert_eq!(contacts.len(), 5);

    let output =
        run(witness()
            .current_dir(dir.path())
            .args(["sample", "kyrgyzstan", "--out-dir", "out"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("gives no website, email, phone"),
        "the missing contacts are warned about: {message}"
    );
    assert!(
        message.contains("have no brief in this workspace"),
        "{message}"
    );
    let text = pdf_text(&dir.path().join("out/sample-kyrgyzstan.pdf"));
    assert!(text.contains("Marsh Country Reports"));
    for value in &contacts {
        assert!(
            !text.contains(value),
            "{value:?} from the fictional agency is printed"
        );
    }

    // Asked for, the fictional agency is what the sample shows.
    let output = run(witness().current_dir(dir.path()).args([
        "sample",
        "kyrgyzstan",
        "--demo",
        "--out-dir",
        "demo",
    ]));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = pdf_text(&dir.path().join("demo/sample-kyrgyzstan.pdf"));
    assert!(
        text.contains(contacts[0]),
        "--demo brands the sample as the fictional agency"
    );
}
