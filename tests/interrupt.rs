//! Interrupted and stuck renders: nothing lost, nothing partial, nothing left running.
//!
//! - SIGKILL at random moments during a render (witness gets no chance to clean up) never
//!   leaves a partial or corrupt PDF at the output path and never removes the previous one.
//! - SIGINT (Ctrl-C) stops typst and removes the build folder.
//! - A typst that hangs is killed after `--timeout`, and what it said is kept in the error.

#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// How many renders are killed. Each costs about one render's time.
const KILLS: usize = 40;

/// The bad-input corpus's valid base case: a short report, so each render is quick.
fn base_case(dir: &Path, applicant: &str) -> PathBuf {
    let base = std::fs::read_to_string(repo().join("tests/bad-inputs/base.case.toml")).unwrap();
    let path = dir.join("case.toml");
    std::fs::write(
        &path,
        base.replacen(
            "name = \"Test Applicant\"",
            &format!("name = \"{applicant}\""),
            1,
        ),
    )
    .unwrap();
    path
}

/// A small random number generator (xorshift), seeded from the clock or WITNESS_KILL_SEED so
/// a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn new() -> Self {
        let seed = std::env::var("WITNESS_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            })
            | 1;
        eprintln!("kill points from WITNESS_KILL_SEED={seed}");
        Rng(seed)
    }

    /// A fraction in [0, 1).
    fn fraction(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Whether `bytes` is a whole PDF: lopdf parses every object, finds the page tree, and
/// decodes every page's content stream.
fn parses_fully(bytes: &[u8]) -> Result<usize, String> {
    let document = lopdf::Document::load_mem(bytes).map_err(|e| e.to_string())?;
    let pages = document.get_pages();
    if pages.is_empty() {
        return Err("no pages".into());
    }
    for (number, id) in pages {
        document
            .get_page_content(id)
            .map_err(|e| format!("page {number}: {e}"))?;
    }
    Ok(document.get_pages().len())
}

#[test]
fn sigkill_at_random_points_never_leaves_a_partial_pdf_or_loses_the_previous_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let pdf = out.join("BAD-0001.pdf");

    // A first, whole render: the PDF that must never be lost. Its time sets the kill window.
    let case = base_case(dir.path(), "Applicant Zero");
    let started = Instant::now();
    render(&case, &out, &[]);
    let full = started.elapsed();
    let mut previous = std::fs::read(&pdf).unwrap();
    parses_fully(&previous).expect("the first PDF is whole");

    let mut rng = Rng::new();
    let (mut kept, mut replaced, mut stale_provenance) = (0, 0, 0);
    for run in 1..=KILLS {
        // Each run changes the case, so a PDF that was replaced can be told from the last one.
        let applicant = format!("Applicant {run}");
        base_case(dir.path(), &applicant);
        // Kill points spread over the whole render and a little past its usual end.
        let delay = full.mul_f64(rng.fraction() * 1.5);
        let mut child = witness()
            .arg("render")
            .arg(&case)
            .arg("--out-dir")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL: witness cannot clean up
        child.wait().unwrap();

        let now = std::fs::read(&pdf)
            .unwrap_or_else(|e| panic!("run {run}, killed after {delay:?}: the PDF is gone: {e}"));
        if let Err(error) = parses_fully(&now) {
            panic!("run {run}, killed after {delay:?}: the PDF is not whole: {error}");
        }
        if now == previous {
            kept += 1;
        } else {
            // A new PDF must be this run's, complete.
            let text = normalise(&pdf_extract::extract_text_from_mem(&now).unwrap());
            assert!(
                text.contains(&applicant),
                "run {run}: a changed PDF that is not this run's report"
            );
            replaced += 1;
            previous = now;
        }
        // The provenance is written after the PDF is moved into place, so a kill between the
        // two leaves the previous report's record beside the new PDF. Counted, not failed: the
        // PDF is whole, and the next render writes the record again.
        let provenance = std::fs::read_to_string(out.join("BAD-0001.provenance.json")).unwrap();
        if !provenance.contains(&witness::write::sha256_hex(&previous)) {
            stale_provenance += 1;
        }
        // The snapshot follows the provenance, and is whole JSON whenever it is there.
        if let Ok(snapshot) = std::fs::read_to_string(out.join("BAD-0001.snapshot.json")) {
            serde_json::from_str::<serde_json::Value>(&snapshot)
                .unwrap_or_else(|e| panic!("run {run}: the snapshot is not whole: {e}"));
        }
        // Nothing else that looks like a report: only the PDF, its provenance, and the hidden
        // build folder or temporary file of a killed run (which witness could not remove).
        for name in names_in(&out) {
            assert!(
                name == "BAD-0001.pdf"
                    || name == "BAD-0001.provenance.json"
                    || name == "BAD-0001.snapshot.json"
                    || name.starts_with(".witness-"),
                "run {run}: {name} left in the output folder"
            );
        }
    }
    eprintln!(
        "{KILLS} renders killed within {:.0} ms windows: {kept} before the new PDF was in \
         place (previous PDF kept), {replaced} after (new PDF whole), {stale_provenance} \
         between the PDF and its provenance",
        full.as_secs_f64() * 1500.0
    );
    // Leave nothing running: typst processes orphaned by a kill finish on their own; wait so
    // they do not slow the tests that follow.
    std::thread::sleep(full);
    // Kill points run to 1.5 times a render's time, so about a third come after a render has
    // finished. Without any, the runs above never saw a PDF replaced, and only proved that an
    // output nobody touches stays whole.
    assert!(
        replaced >= 1,
        "none of {KILLS} renders replaced the PDF, even those killed after a whole render's time"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn sigint_stops_typst_and_removes_the_build_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // The full example: its typst run is long enough to be caught while it runs.
    let case = example_variant(dir.path(), &[]);
    let pdf = render(&case, &out, &[]);
    let before = std::fs::read(&pdf).unwrap();
    example_variant(dir.path(), &[("Daniyar Temirbekov", "Daniyar Interrupted")]);

    // typst may, rarely, finish before the signal lands; then try again.
    for attempt in 1..=5 {
        let child = witness()
            .arg("render")
            .arg(&case)
            .arg("--out-dir")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        let typst = loop {
            let children = typst_children_of(child.id());
            if !children.is_empty() {
                break children;
            }
            assert!(Instant::now() < deadline, "typst never started");
            std::thread::sleep(Duration::from_millis(2));
        };
        let sent = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let output = child.wait_with_output().unwrap();
        let message = stderr(&output);

        if std::fs::read(&pdf).unwrap() != before {
            eprintln!("attempt {attempt}: the render finished before the signal; again");
            continue;
        }
        assert_eq!(output.status.code(), Some(130), "128 + SIGINT: {message}");
        assert!(message.contains("interrupted"), "{message}");
        for pid in typst {
            assert!(!is_running(pid), "typst {pid} still runs");
        }
        assert_eq!(
            names_in(&out),
            [
                "KGZ-2026-014.pdf",
                "KGZ-2026-014.provenance.json",
                "KGZ-2026-014.snapshot.json"
            ],
            "the build folder is gone and the previous report stays"
        );
        return;
    }
    panic!("five renders all finished before SIGINT arrived");
}

#[test]
fn a_typst_that_hangs_is_stopped_after_the_timeout_and_what_it_said_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let case = base_case(dir.path(), "Applicant Zero");
    let pdf = render(&case, &out, &[]);
    let before = std::fs::read(&pdf).unwrap();

    // A stand-in for typst that says something and then never finishes. Its `sleep` runs as
    // a child of the script and holds typst's stderr open after the script is killed, as any
    // wrapper script's children would.
    let fake = dir.path().join("typst");
    let sleeper = dir.path().join("sleeper.pid");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\n\
             if [ \"$1\" = \"--version\" ]; then echo 'typst 0.15.1 (stand-in)'; exit 0; fi\n\
             echo 'stand-in typst: still laying out main.typ' >&2\n\
             sleep 60 &\n\
             echo $! > '{}'\n\
             wait\n",
            sleeper.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();

    let started = Instant::now();
    let output = run(witness()
        .arg("render")
        .arg(&case)
        .arg("--out-dir")
        .arg(&out)
        .arg("--typst")
        .arg(&fake)
        .args(["--timeout", "1"]));
    let took = started.elapsed();
    if let Some(pid) = std::fs::read_to_string(&sleeper)
        .ok()
        .and_then(|p| p.trim().parse::<u32>().ok())
    {
        let _ = Command::new("kill").arg(pid.to_string()).status();
    }

    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.contains("typst did not finish within 1 s and was stopped"),
        "{message}"
    );
    assert!(
        message.contains("stand-in typst: still laying out main.typ"),
        "typst's own words are kept: {message}"
    );
    assert!(
        took < Duration::from_secs(15),
        "stopped after the timeout, not when typst's children closed its output: {took:?}"
    );
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        before,
        "the previous PDF is kept"
    );
    assert_eq!(
        names_in(&out),
        [
            "BAD-0001.pdf",
            "BAD-0001.provenance.json",
            "BAD-0001.snapshot.json"
        ],
        "no build folder is left"
    );
}
