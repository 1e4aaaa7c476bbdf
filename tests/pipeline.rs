//! One pipeline for every verb: `watch`, `sample` and `render --force` behave as `render`
//! does, and `check` reports every problem in one run. Each test runs the real binary.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;

/// A workspace made by `witness init`, with the Kyrgyz journalist's case in `cases/`, and a
/// uk-iac profile of its own whose page limit is `page_limit`.
fn workspace(page_limit: u32) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let output = run(witness().arg("init").arg(&ws));
    assert!(output.status.success(), "{}", stderr(&output));
    let config = ws.join("witness.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("[folders]", "[folders]\ntemplates = \"report-templates\""),
    )
    .unwrap();
    let profiles = ws.join("report-templates/jurisdictions");
    std::fs::create_dir_all(&profiles).unwrap();
    let profile =
        std::fs::read_to_string(repo().join("report-templates/jurisdictions/uk-iac.toml"))
            .unwrap()
            .replace("page_limit = 20", &format!("page_limit = {page_limit}"));
    std::fs::write(profiles.join("uk-iac.toml"), profile).unwrap();
    let case = ws.join("cases/journalist/case.toml");
    copy_example(&ws.join("cases/journalist"));
    (dir, case)
}

/// The Kyrgyz journalist's case folder (case, CV, signature) copied to `folder`, without
/// its rendered output.
fn copy_example(folder: &Path) {
    // The whole folder: the case keeps a field's Markdown in a subfolder.
    copy_tree(example_case().parent().unwrap(), folder);
    let _ = std::fs::remove_dir_all(folder.join("out"));
}

/// A running `witness watch --format json`, read line by line.
struct Watch {
    child: Child,
    lines: mpsc::Receiver<serde_json::Value>,
}

impl Watch {
    fn start(case: &Path, extra: &[&str]) -> Self {
        let mut child = witness()
            .arg("watch")
            .arg(case)
            .args(["--format", "json"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let value = serde_json::from_str(&line).expect("one JSON object per line");
                if sender.send(value).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    /// The next notice of this type (`built`, `unchanged`, `failed`).
    fn next(&mut self, kind: &str) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(notice) = self.lines.recv_timeout(left) else {
                panic!("no {kind:?} notice from watch; it said {seen:#?}");
            };
            if notice["type"] == kind {
                return notice;
            }
            seen.push(notice);
        }
    }
}

impl Drop for Watch {
    /// SIGTERM, as `kill` sends: watch then stops its typst and removes its build folder.
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn codes(findings: &serde_json::Value) -> Vec<String> {
    findings
        .as_array()
        .expect("findings are a list")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or("").to_string())
        .collect()
}

/// What a provenance sidecar says, without the fields that name where it was written.
fn provenance(pdf: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(pdf.with_extension("provenance.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn watch_warns_over_the_page_limit_and_honours_the_standard() {
    let (dir, case) = workspace(5);
    let out = dir.path().join("watched");
    let mut watch = Watch::start(
        &case,
        &["--out-dir", out.to_str().unwrap(), "--standard", "ua-1"],
    );
    let built = watch.next("built");
    let pages = built["pages"].as_u64().unwrap();
    assert!(pages > 5, "the example has more than 5 pages: {pages}");
    assert!(
        codes(&built["findings"]).contains(&"W401".to_string()),
        "the page limit is warned about: {built}"
    );
    let pdf = PathBuf::from(built["output"].as_str().unwrap());
    let bytes = std::fs::read(dir.path().join("watched").join(pdf.file_name().unwrap())).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("pdfuaid:part"),
        "--standard ua-1 reached typst"
    );
}

#[test]
fn watch_refuses_stale_finals_unless_allowed() {
    let (dir, case) = workspace(40);
    // A final report dated years after the brief was reviewed relies on stale material.
    let text = std::fs::read_to_string(&case).unwrap();
    let text = text
        .replacen("status = \"draft\"", "status = \"final\"", 1)
        .replacen("date = 2026-11-20", "date = 2031-11-20", 1);
    assert!(
        text.contains("2031-11-20") && text.contains("\"final\""),
        "the edits apply"
    );
    std::fs::write(&case, text).unwrap();
    // A final report needs a verified brief (E130, E150): the workspace's copy is signed off.
    sign_off_brief(&dir.path().join("ws/country-briefs/kyrgyzstan"));
    let out = dir.path().join("watched");
    let out_arg = out.to_str().unwrap();

    let mut refused = Watch::start(&case, &["--out-dir", out_arg]);
    let failed = refused.next("failed");
    let found = codes(&failed["findings"]);
    assert!(
        found.contains(&"E301".to_string()),
        "stale sections refuse a final: {failed}"
    );
    drop(refused);

    let mut allowed = Watch::start(&case, &["--out-dir", out_arg, "--allow-stale"]);
    let built = allowed.next("built");
    let found = codes(&built["findings"]);
    assert!(!found.is_empty(), "the stale material is still reported");
    assert!(
        found.iter().all(|c| c.starts_with('W')),
        "--allow-stale makes them warnings: {found:?}"
    );
}

#[test]
fn watch_keeps_the_provenance_a_fresh_render_would_write() {
    let (dir, case) = workspace(40);
    let watched = dir.path().join("watched");
    let mut watch = Watch::start(&case, &["--out-dir", watched.to_str().unwrap()]);
    let built = watch.next("built");
    let pdf_name = PathBuf::from(built["output"].as_str().unwrap());
    let watched_pdf = watched.join(pdf_name.file_name().unwrap());

    let fresh = dir.path().join("fresh");
    let fresh_pdf = render(&case, &fresh, &[]);
    assert_eq!(provenance(&watched_pdf), provenance(&fresh_pdf));

    // A section's review date is recorded, not printed: the report is unchanged, but the
    // provenance, the audit record, must follow.
    let section = dir
        .path()
        .join("ws/country-briefs/kyrgyzstan/freedom-of-speech.md");
    let text = std::fs::read_to_string(&section).unwrap();
    let reviewed = text
        .lines()
        .find(|l| l.starts_with("reviewed"))
        .expect("the section has a reviewed date")
        .to_string();
    std::fs::write(
        &section,
        text.replacen(&reviewed, "reviewed = 2026-11-01", 1),
    )
    .unwrap();
    let changed = watch.next("unchanged");
    assert!(
        changed["trigger"]
            .as_str()
            .unwrap()
            .contains("freedom-of-speech.md")
    );

    std::fs::remove_dir_all(&fresh).unwrap();
    let fresh_pdf = render(&case, &fresh, &[]);
    let recorded = provenance(&watched_pdf);
    assert_eq!(recorded, provenance(&fresh_pdf));
    let sections = recorded["sections"].as_array().unwrap();
    let speech = sections
        .iter()
        .find(|s| s["topic"] == "freedom-of-speech")
        .expect("the section is recorded");
    assert_eq!(speech["reviewed"], "2026-11-01");
}

#[test]
fn sample_keeps_its_source_and_honours_the_standard() {
    let out = tempfile::tempdir().unwrap();
    let output = run(witness().current_dir(out.path()).args([
        "sample",
        "kyrgyzstan",
        "--keep-typ",
        "--standard",
        "ua-1",
        "--out-dir",
        ".",
    ]));
    assert!(output.status.success(), "{}", stderr(&output));
    let pdf = out.path().join("sample-kyrgyzstan.pdf");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains("pdfuaid:part"));
    let kept = out.path().join("sample-kyrgyzstan.typst/main.typ");
    assert!(kept.is_file(), "--keep-typ keeps the source");
    let left: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut left = left;
    left.sort();
    assert_eq!(left, ["sample-kyrgyzstan.pdf", "sample-kyrgyzstan.typst"]);
}

#[test]
fn a_forced_draft_that_typst_refuses_explains_itself_first() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    let case = dir.path().join("case.toml");
    let text = std::fs::read_to_string(&case).unwrap();
    assert!(text.contains("[@fh-fotn-2024]"));
    std::fs::write(
        &case,
        text.replacen("[@fh-fotn-2024]", "[@fh-fotn-2042]", 1),
    )
    .unwrap();
    let output = run(witness().current_dir(dir.path()).args([
        "render",
        "case.toml",
        "--force",
        "--out-dir",
        "out",
    ]));
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    let finding = message
        .find("did you mean `fh-fotn-2024`?")
        .expect("E201's help");
    let typst = message
        .find("typst could not typeset the report")
        .expect("typst's failure");
    assert!(finding < typst, "the finding comes first:\n{message}");
    assert!(
        message.contains("case.toml:") && message.contains("(analysis."),
        "typst's error names the case line and field:\n{message}"
    );
    assert!(
        !message.contains(".witness-build-"),
        "no path into a build folder that is gone:\n{message}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path().join("out")).unwrap().collect();
    assert!(left.is_empty(), "nothing written");
}

#[test]
fn check_reports_every_problem_in_one_run_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    let case = dir.path().join("case.toml");
    let text = std::fs::read_to_string(&case).unwrap();
    // An unknown key, a value of the wrong kind, and a placeholder, in three places.
    let text = text
        .replacen("appeal_number =", "appeal_numbr =", 1)
        .replacen("status = \"draft\"", "status = \"drafty\"", 1)
        .replacen("answer = \"\"\"", "answer = \"\"\"TODO ", 1);
    std::fs::write(&case, &text).unwrap();
    let output = run(witness().arg("check").arg(&case).args(["--format", "json"]));
    assert_eq!(output.status.code(), Some(1));
    let findings: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    let warnings = findings.len() - errors;
    assert_eq!(
        errors, 2,
        "the unknown key and the wrong value: {findings:?}"
    );
    // The case's own findings; what is said of the built-in brief is the brief's.
    let findings: Vec<serde_json::Value> = findings
        .into_iter()
        .filter(|f| {
            f["file"]
                .as_str()
                .is_some_and(|file| file.ends_with("case.toml"))
        })
        .collect();
    let fields: Vec<&str> = findings
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "report.status",
            "report.appeal_numbr",
            "questions[0].answer"
        ],
        "each problem once, nothing else, in file order"
    );
    let lines: Vec<u64> = findings
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");

    let output = run(witness().arg("check").arg(&case));
    // The closing count sums up the same findings; the placeholder is a warning in a draft.
    let closing = format!(
        "2 errors, {warnings} warning{}",
        if warnings == 1 { "" } else { "s" }
    );
    assert!(stderr(&output).trim_end().ends_with(&closing), "{closing}");
}

#[test]
fn a_brief_missing_several_keys_lists_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(witness().arg("init").arg(dir.path()));
    assert!(output.status.success(), "{}", stderr(&output));
    let brief = dir.path().join("country-briefs/kyrgyzstan/brief.toml");
    let text = std::fs::read_to_string(&brief).unwrap();
    let keys: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains(" = "))
        .map(|l| l.split(" = ").next().unwrap().trim().to_string())
        .collect();
    assert!(keys.len() >= 3, "brief.toml has keys: {keys:?}");
    let removed = &keys[..3];
    let kept: String = text
        .lines()
        .filter(|l| !removed.iter().any(|k| l.starts_with(&format!("{k} = "))))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&brief, kept).unwrap();
    copy_example(&dir.path().join("cases/journalist"));
    let output = run(witness().arg("check").arg(dir.path().join("cases")));
    let message = stderr(&output);
    for key in removed {
        assert!(
            message.contains(&format!("missing required key `{key}`")),
            "`{key}` is named:\n{message}"
        );
    }
    assert_eq!(
        message.matches("missing required key").count(),
        removed.len()
    );
}
