//! Batch rendering end to end, through the real binary and the real typst: several cases,
//! JSON progress, shards, duplicate references, Ctrl-C.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use common::*;
use serde_json::Value;

/// `count` variants of the example in `root/case-<i>/`, with references `B-<i>`.
fn variants(root: &Path, count: usize) -> Vec<PathBuf> {
    (1..=count)
        .map(|i| {
            let folder = root.join(format!("case-{i}"));
            std::fs::create_dir_all(&folder).unwrap();
            example_variant(
                &folder,
                &[(
                    "reference = \"KGZ-2026-014\"",
                    &format!("reference = \"B-{i}\""),
                )],
            )
        })
        .collect()
}

fn render_json(args: &[&std::ffi::OsStr]) -> (Output, Vec<Value>) {
    let output = run(witness()
        .arg("render")
        .args(args)
        .args(["--format", "json"]));
    let records = String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    (output, records)
}

#[test]
fn a_broken_case_fails_alone_and_the_json_stream_says_which_and_why() {
    let cases = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let paths = variants(cases.path(), 5);
    // The third case names a country with no brief.
    let broken = &paths[2];
    let text = std::fs::read_to_string(broken).unwrap().replacen(
        "country = \"kyrgyzstan\"",
        "country = \"kyrgystan\"",
        1,
    );
    std::fs::write(broken, text).unwrap();

    let (output, records) = render_json(&[
        cases.path().as_os_str(),
        "--out-dir".as_ref(),
        out.path().as_os_str(),
        "--jobs".as_ref(),
        "2".as_ref(),
    ]);
    assert_eq!(output.status.code(), Some(1), "one case failed");

    // One line per case as it finished, then the summary.
    assert_eq!(records.len(), 6, "{records:?}");
    let (summary, cases_done) = records.split_last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["cases"], 5);
    assert_eq!(summary["rendered"], 4);
    assert_eq!(summary["failed"], 1);
    assert_eq!(summary["jobs"], 2);
    assert!(summary["seconds"].as_f64().unwrap() > 0.0);

    let failed: Vec<&Value> = cases_done
        .iter()
        .filter(|r| r["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{cases_done:?}");
    let failure = failed[0];
    assert!(
        failure["case"]
            .as_str()
            .unwrap()
            .ends_with("case-3/case.toml"),
        "{failure}"
    );
    assert_eq!(failure["reference"], "B-3");
    let error = failure["error"].as_str().unwrap();
    assert!(
        error.contains("no country brief for `kyrgystan`"),
        "{error}"
    );
    assert!(error.contains("report.country"), "{error}");
    assert!(failure["output"].is_null());

    let rendered: Vec<&Value> = cases_done
        .iter()
        .filter(|r| r["status"] == "rendered")
        .collect();
    assert_eq!(rendered.len(), 4, "{cases_done:?}");
    for record in rendered {
        assert_eq!(record["type"], "case");
        assert!(record["error"].is_null());
        assert!(record["pages"].as_u64().unwrap() >= 10, "{record}");
        assert!(record["seconds"].as_f64().unwrap() > 0.0);
        let pdf = PathBuf::from(record["output"].as_str().unwrap());
        assert_eq!(page_count(&pdf) as u64, record["pages"].as_u64().unwrap());
    }

    // Four PDFs with their provenance and snapshot, and no build folder or partial file.
    let expected: Vec<String> = [1, 2, 4, 5]
        .iter()
        .flat_map(|i| {
            ["pdf", "provenance.json", "snapshot.json"]
                .map(|extension| format!("B-{i}.{extension}"))
        })
        .collect();
    assert_eq!(names_in(out.path()), expected);
}

#[test]
fn shards_together_cover_the_set_exactly_once() {
    let cases = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let paths = variants(cases.path(), 5);
    let all: BTreeSet<String> = paths
        .iter()
        .map(|p| p.canonicalize().unwrap().display().to_string())
        .collect();

    let mut seen = Vec::new();
    for shard in ["1/3", "2/3", "3/3"] {
        // The arguments in another order each time: the slices depend on the set alone.
        let mut args: Vec<&std::ffi::OsStr> = paths.iter().map(|p| p.as_os_str()).collect();
        if shard == "2/3" {
            args.reverse();
        }
        args.extend([
            "--shard".as_ref(),
            shard.as_ref(),
            "--out-dir".as_ref(),
            out.path().as_os_str(),
        ]);
        let (output, records) = render_json(&args);
        assert!(output.status.success(), "{}", stderr(&output));
        let (summary, done) = records.split_last().unwrap();
        assert_eq!(summary["shard"], shard);
        assert_eq!(summary["cases"].as_u64().unwrap() as usize, done.len());
        assert!((1..=2).contains(&done.len()), "near-equal slices: {done:?}");
        for record in done {
            assert_eq!(record["status"], "rendered");
            let case = PathBuf::from(record["case"].as_str().unwrap());
            seen.push(case.canonicalize().unwrap().display().to_string());
        }
    }
    seen.sort();
    assert_eq!(seen, all.into_iter().collect::<Vec<_>>(), "each case once");
    assert_eq!(
        names_in(out.path()).len(),
        15,
        "five PDFs, five provenance files, five snapshots"
    );
}

#[test]
fn duplicate_references_are_refused_before_anything_is_written() {
    let cases = tempfile::tempdir().unwrap();
    let out = cases.path().join("out");
    let paths = variants(cases.path(), 3);
    // The third case reuses the first one's reference, in other letter case.
    let text = std::fs::read_to_string(&paths[2]).unwrap().replacen(
        "reference = \"B-3\"",
        "reference = \"b-1\"",
        1,
    );
    std::fs::write(&paths[2], text).unwrap();

    let output = run(witness()
        .arg("render")
        .arg(cases.path())
        .arg("--out-dir")
        .arg(&out));
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("reference `b-1` is also used by"),
        "{message}"
    );
    assert!(message.contains("case-1/case.toml"), "{message}");
    assert!(message.contains("case-3/case.toml:5"), "{message}");
    assert!(message.contains("report.reference"), "{message}");
    assert!(!out.exists(), "nothing ran, so no output folder was made");
}

#[test]
fn folders_and_globs_name_cases_and_text_output_ends_with_a_summary() {
    let cases = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    variants(cases.path(), 2);
    let pattern = cases.path().join("case-*/case.toml");
    // The glob reaches witness unexpanded, as from a script or a quoted argument, and names
    // the same two files as the folder: each renders once.
    let output = run(witness()
        .arg("render")
        .arg(&pattern)
        .arg(cases.path())
        .arg("--out-dir")
        .arg(out.path()));
    assert!(output.status.success(), "{}", stderr(&output));
    let message = stderr(&output);
    assert_eq!(message.matches("wrote ").count(), 2, "{message}");
    // The count of warnings is the example's own (W401 while it runs over uk-iac's page
    // limit), not this test's.
    assert!(
        message.contains("rendered 2 of 2 cases, 0 failed, ") && message.contains(" warnings in "),
        "{message}"
    );
    // Not a terminal, so no progress bar: no carriage returns or escape sequences.
    assert!(
        !message.contains('\r') && !message.contains('\u{1b}'),
        "{message:?}"
    );
    // Two reports, each with its provenance and snapshot.
    assert_eq!(names_in(out.path()).len(), 6);

    let empty = tempfile::tempdir().unwrap();
    let output = run(witness().arg("render").arg(empty.path()));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no case file in"),
        "{}",
        stderr(&output)
    );

    let output = run(witness()
        .arg("render")
        .arg(cases.path())
        .arg("-o")
        .arg(out.path().join("one.pdf")));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("-o names one file"),
        "{}",
        stderr(&output)
    );
}

/// Ctrl-C (SIGINT sent to witness alone, as a script's `kill -INT` does) kills the running
/// typst processes, removes their build folders and writes nothing more.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_stops_typst_and_leaves_no_partial_file() {
    use std::time::{Duration, Instant};

    let cases = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    variants(cases.path(), 6);
    let child = witness()
        .arg("render")
        .arg(cases.path())
        .args(["--jobs", "2", "--format", "json", "--out-dir"])
        .arg(out.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // Wait until typst runs: a child process of witness whose name is typst.
    let deadline = Instant::now() + Duration::from_secs(60);
    let typst_children = loop {
        let children = typst_children_of(child.id());
        if !children.is_empty() {
            break children;
        }
        assert!(Instant::now() < deadline, "typst never started");
        std::thread::sleep(Duration::from_millis(5));
    };
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    eprintln!("stderr: {}", String::from_utf8_lossy(&output.stderr));

    assert_eq!(output.status.code(), Some(130), "128 + SIGINT");
    for pid in typst_children {
        assert!(!is_running(pid), "typst {pid} still runs");
    }
    let stdout = String::from_utf8(output.stdout).unwrap();
    let summary: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["type"], "summary");
    assert!(summary["interrupted"].as_u64().unwrap() >= 1, "{summary}");
    assert!(summary["skipped"].as_u64().unwrap() >= 1, "{summary}");
    // Only whole reports may be there (one may have finished before the signal): no build
    // folder, no partial file.
    for name in names_in(out.path()) {
        assert!(
            name.ends_with(".pdf")
                || name.ends_with(".provenance.json")
                || name.ends_with(".snapshot.json"),
            "{name} left behind"
        );
    }
}
