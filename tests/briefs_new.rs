//! `witness briefs new`: a new country's brief, written into a workspace, that a case can be
//! drafted on at once and whose every prompt the check reports; and `witness briefs`, which
//! shows a brief it cannot read as broken.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let output = run(witness().current_dir(dir.path()).args(["init", "."]));
    assert!(output.status.success(), "{}", stderr(&output));
    dir
}

/// `(file name, line)` of every line holding a `TO WRITE:` prompt in `files` (a TOML comment
/// that mentions the prompt is not one).
fn prompts(folder: &Path, files: &[String]) -> BTreeSet<(String, usize)> {
    let mut found = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(folder.join(file)).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.contains("TO WRITE:") && !line.trim_start().starts_with('#') {
                found.insert((file.clone(), i + 1));
            }
        }
    }
    found
}

#[test]
fn a_new_brief_has_every_file_and_the_check_lists_exactly_its_prompts() {
    let dir = workspace();
    let output = run(witness()
        .current_dir(dir.path())
        .args(["briefs", "new", "eritrea"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let folder = dir.path().join("country-briefs/eritrea");

    // One section per catalogue topic, brief.toml and the bibliography, and nothing else.
    let catalogue: toml::Table =
        std::fs::read_to_string(dir.path().join("country-briefs/catalogue.toml"))
            .unwrap()
            .parse()
            .unwrap();
    let topics: Vec<String> = catalogue["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!topics.is_empty());
    let mut expected: BTreeSet<String> = topics.iter().map(|t| format!("{t}.md")).collect();
    expected.extend(["brief.toml".to_string(), "sources.yml".to_string()]);
    assert_eq!(
        names_in(&folder).into_iter().collect::<BTreeSet<_>>(),
        expected
    );

    // Filled from the coverage list: Eritrea is on it, under East Africa.
    let brief: toml::Table = std::fs::read_to_string(folder.join("brief.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(brief["name"].as_str(), Some("Eritrea"));
    assert_eq!(brief["region"].as_str(), Some("East Africa"));

    // A case on it, checked: every prompt in brief.toml and in the sections the report uses
    // is reported, at its line, and no other placeholder in the brief.
    let output = run(witness().current_dir(dir.path()).args([
        "new",
        "cases/e.toml",
        "--country",
        "eritrea",
        "--profile",
        "journalist",
    ]));
    assert!(output.status.success(), "{}", stderr(&output));
    let case: toml::Table = std::fs::read_to_string(dir.path().join("cases/e.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let used: Vec<String> = case["report"]["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("{}.md", t.as_str().unwrap()))
        .collect();
    assert!(!used.is_empty());
    let mut files = vec!["brief.toml".to_string()];
    files.extend(used.iter().cloned());
    let written = prompts(&folder, &files);
    assert!(written.len() >= 3 + used.len(), "{written:?}");

    let output =
        run(witness()
            .current_dir(dir.path())
            .args(["check", "--format", "json", "cases/e.toml"]));
    let findings: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        !findings.iter().any(|f| f["severity"] == "error"),
        "{findings:?}"
    );
    let reported: BTreeSet<(String, usize)> = findings
        .iter()
        .filter(|f| f["code"] == "W120")
        .filter_map(|f| {
            // Paths are shown relative to the folder witness ran in.
            let file = dir.path().join(f["file"].as_str()?);
            file.strip_prefix(&folder).ok().map(|name| {
                (
                    name.display().to_string(),
                    f["line"].as_u64().unwrap() as usize,
                )
            })
        })
        .collect();
    assert_eq!(reported, written);
    // Each section used carries its note to the expert until signed off.
    let notes = findings.iter().filter(|f| f["code"] == "W150").count();
    assert_eq!(notes, used.len());

    // The draft renders, prompts and all.
    let output = run(witness().current_dir(dir.path()).args([
        "render",
        "cases/e.toml",
        "--force",
        "-o",
        "e.pdf",
    ]));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(pdf_text(&dir.path().join("e.pdf")).contains("Eritrea"));

    // A country witness has a built-in brief for is not shadowed by a folder of prompts.
    std::fs::remove_dir_all(dir.path().join("country-briefs/kyrgyzstan")).unwrap();
    let output = run(witness()
        .current_dir(dir.path())
        .args(["briefs", "new", "kyrgyzstan"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("built-in brief"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("country-briefs/kyrgyzstan").exists());

    // A second time, it refuses rather than overwrite the expert's work.
    let output = run(witness()
        .current_dir(dir.path())
        .args(["briefs", "new", "eritrea"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("already exists"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_country_without_a_brief_points_to_briefs_new_and_a_broken_brief_is_shown_broken() {
    let dir = workspace();
    let output = run(witness().current_dir(dir.path()).args([
        "new",
        "cases/a.toml",
        "--country",
        "armenia",
        "--profile",
        "journalist",
    ]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("`witness briefs new armenia`"),
        "{}",
        stderr(&output)
    );

    let output = run(witness()
        .current_dir(dir.path())
        .args(["briefs", "new", "armenia"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let brief = dir.path().join("country-briefs/armenia/brief.toml");
    let text = std::fs::read_to_string(&brief).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.starts_with("adjective") && !l.starts_with("reviewer"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&brief, kept).unwrap();
    let output = run(witness().current_dir(dir.path()).arg("briefs"));
    assert_eq!(output.status.code(), Some(1));
    let table = String::from_utf8(output.stdout).unwrap();
    let line = table
        .lines()
        .find(|l| l.starts_with("broken armenia:"))
        .unwrap_or_else(|| panic!("no broken row:\n{table}"));
    assert!(
        line.contains("`adjective`") && line.contains("`reviewer`"),
        "{line}"
    );
}
