//! The bad-input corpus, tests/bad-inputs/: every input a solicitor's e-mail, a careless copy
//! or a hostile workspace could hand witness, each with the message it must produce.
//!
//! Each `NAME.expect` describes one bad input. The input itself is `NAME.toml` (a case file),
//! or the folder `NAME/` (a case with its witness.toml, briefs or CV), or, when neither
//! exists, `base.case.toml` changed by a `setup:` step below (inputs that cannot live in a
//! repository: a 10 MB file, symbolic links, a folder witness may not write in). The keys:
//!
//! - `message:` a part of the message witness must print;
//! - `file:` a part of the path of the file the message must name (`case.toml`,
//!   `witness.toml`, `briefs/testland/sources.yml`, an output path);
//! - `field:` the field path the message must name, or `none` for problems that have none
//!   (bytes that are not text, TOML syntax outside a value, output paths);
//! - `at:` optionally, `file:line:` that the message must point at;
//! - `args:` optionally, arguments for `witness render` in place of `--out-dir out`;
//! - `setup:` optionally, how the test makes the input (see [`setup`]);
//! - `run-in:` optionally, the sub-folder of the input to run witness in (default: its top);
//! - `check: no` when `witness check` has nothing to find (the fault is in where the PDF goes).
//!
//! For every input, run in a fresh copy: `witness render` exits 1, prints exactly one error
//! that holds the message, file and field, never panics, and writes nothing at all (the folder
//! is compared file by file before and after). `witness check` must refuse the input too.

// Symbolic links, permission bits and /proc: the corpus is run on Unix.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use common::*;

fn corpus() -> PathBuf {
    repo().join("tests/bad-inputs")
}

#[derive(Debug)]
struct Expect {
    name: String,
    message: String,
    file: String,
    field: Option<String>,
    at: Option<String>,
    args: Option<Vec<String>>,
    setup: Option<String>,
    run_in: Option<String>,
    check: bool,
}

fn read_expect(path: &Path) -> Expect {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).unwrap();
    let mut keys = BTreeMap::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (key, value) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("{name}.expect: `{line}` is not `key: value`"));
        keys.insert(key.to_string(), value.to_string());
    }
    let mut take = |key: &str| keys.remove(key);
    let expect = Expect {
        message: take("message").unwrap_or_else(|| panic!("{name}.expect has no message")),
        file: take("file").unwrap_or_else(|| panic!("{name}.expect has no file")),
        field: match take("field") {
            None => panic!("{name}.expect has no field (write `field: none`)"),
            Some(none) if none == "none" => None,
            Some(field) => Some(field),
        },
        at: take("at"),
        args: take("args").map(|a| a.split_whitespace().map(String::from).collect()),
        setup: take("setup"),
        run_in: take("run-in"),
        check: take("check").is_none_or(|c| c != "no"),
        name,
    };
    assert!(
        keys.is_empty(),
        "{}.expect: unknown keys {keys:?}",
        expect.name
    );
    expect
}

/// Every `.expect` file, sorted by name.
fn expectations() -> Vec<Expect> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "expect"))
        .collect();
    paths.sort();
    paths.iter().map(|p| read_expect(p)).collect()
}

/// The base case with `old` replaced by `new`, as `case.toml` in `dir`.
fn base_variant(dir: &Path, old: &str, new: &str) {
    let base = std::fs::read_to_string(corpus().join("base.case.toml")).unwrap();
    assert!(base.contains(old), "the base case holds {old:?}");
    std::fs::write(dir.join("case.toml"), base.replacen(old, new, 1)).unwrap();
}

/// Makes the inputs that cannot be kept in the repository. Returns the arguments for
/// `witness render` in place of `--out-dir out`, if the setup needs other ones.
fn setup(name: &str, dir: &Path) -> Option<Vec<String>> {
    let expert = "name = \"Dr Test Expert\"\n";
    match name {
        "none" => {}
        "field-10mb" => {
            // 10 MB of ordinary prose, far past the 4 MiB limit: refused before it is parsed.
            let prose = "The account fits the chronology. ".repeat(10_000_000 / 33);
            base_variant(
                dir,
                "history = \"The account fits the chronology.\"",
                &format!("history = \"{prose}\""),
            );
        }
        "cv-symlink-out" => {
            base_variant(dir, expert, &format!("{expert}cv = \"cv.md\"\n"));
            symlink(Path::new("/etc/passwd"), &dir.join("cv.md"));
        }
        "signature-symlink-out" => {
            base_variant(
                dir,
                expert,
                &format!("{expert}signature = \"signature.png\"\n"),
            );
            symlink(Path::new("/etc/passwd"), &dir.join("signature.png"));
        }
        "briefs-symlink-out" => {
            std::fs::write(dir.join("witness.toml"), "[folders]\nbriefs = \"briefs\"\n").unwrap();
            symlink(Path::new("/etc"), &dir.join("briefs"));
        }
        "output-is-a-folder" => std::fs::create_dir(dir.join("existing-folder")).unwrap(),
        "unwritable-output" => {
            let folder = dir.join("read-only");
            std::fs::create_dir(&folder).unwrap();
            set_mode(&folder, 0o555);
            // Root ignores permission bits; there, a folder under /proc serves, where nobody
            // may create anything.
            let probe = folder.join("probe");
            let out = if std::fs::write(&probe, "").is_ok() {
                std::fs::remove_file(&probe).unwrap();
                "/proc/witness-read-only/out".to_string()
            } else {
                "read-only".to_string()
            };
            return Some(vec!["--out-dir".into(), out]);
        }
        other => panic!("unknown setup `{other}`"),
    }
    None
}

fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Every path below `dir` (links not followed) with its size and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u64, Option<SystemTime>)> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let metadata = std::fs::symlink_metadata(&path).unwrap();
            if metadata.is_dir() {
                stack.push(path.clone());
            }
            found.insert(
                path.strip_prefix(dir).unwrap().to_path_buf(),
                (metadata.len(), metadata.modified().ok()),
            );
        }
    }
    found
}

/// The error headers in witness's output: `error: ...` or `error[E201]: ...`.
fn error_count(stderr: &str) -> usize {
    stderr
        .lines()
        .filter(|l| l.starts_with("error:") || l.starts_with("error["))
        .count()
}

/// Runs one bad input; `Err` says what was wrong with witness's handling of it.
fn refuse(expect: &Expect) -> Result<(), String> {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let file = corpus().join(format!("{}.toml", expect.name));
    let folder = corpus().join(&expect.name);
    if file.is_file() {
        std::fs::copy(&file, dir.join("case.toml")).unwrap();
    } else if folder.is_dir() {
        copy_tree(&folder, dir);
    } else {
        std::fs::copy(corpus().join("base.case.toml"), dir.join("case.toml")).unwrap();
    }
    let set_args = expect.setup.as_deref().and_then(|name| setup(name, dir));
    let args = set_args
        .or_else(|| expect.args.clone())
        .unwrap_or_else(|| vec!["--out-dir".into(), "out".into()]);
    let before = snapshot(dir);
    let cwd = dir.join(expect.run_in.as_deref().unwrap_or(""));

    let mut problems = Vec::new();
    let output = witness()
        .current_dir(&cwd)
        .arg("render")
        .arg("case.toml")
        .args(&args)
        .output()
        .unwrap();
    let message = stderr(&output);
    if output.status.code() != Some(1) {
        problems.push(format!(
            "render exited with {:?}, not 1",
            output.status.code()
        ));
    }
    problems.extend(judge(expect, &message, true));
    let after = snapshot(dir);
    if after != before {
        let changed: Vec<_> = after
            .iter()
            .filter(|(path, meta)| before.get(*path) != Some(meta))
            .map(|(path, _)| path.display().to_string())
            .chain(
                before
                    .keys()
                    .filter(|path| !after.contains_key(*path))
                    .map(|path| format!("{} (removed)", path.display())),
            )
            .collect();
        problems.push(format!("render wrote or changed {changed:?}"));
    }

    if expect.check {
        let output = witness()
            .current_dir(&cwd)
            .arg("check")
            .arg("case.toml")
            .output()
            .unwrap();
        let message = stderr(&output);
        if output.status.code() != Some(1) {
            problems.push(format!(
                "check exited with {:?}, not 1",
                output.status.code()
            ));
        }
        problems.extend(
            judge(expect, &message, false)
                .into_iter()
                .map(|p| format!("check: {p}")),
        );
        if snapshot(dir) != before {
            problems.push("check wrote something".into());
        }
    }
    if dir.join("read-only").is_dir() {
        set_mode(&dir.join("read-only"), 0o755);
    }

    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}:\n  - {}\n  stderr:\n{}",
            expect.name,
            problems.join("\n  - "),
            message_indented(&message)
        ))
    }
}

fn message_indented(message: &str) -> String {
    message.lines().map(|l| format!("    {l}\n")).collect()
}

/// What is wrong with `message` as witness's answer to `expect`'s input.
fn judge(expect: &Expect, message: &str, one_error: bool) -> Vec<String> {
    let mut problems = Vec::new();
    if message.contains("panicked") || message.contains("RUST_BACKTRACE") {
        problems.push("witness panicked".to_string());
    }
    if one_error && error_count(message) != 1 {
        problems.push(format!("{} error messages, not one", error_count(message)));
    }
    for (what, wanted) in [
        ("message", Some(&expect.message)),
        ("file", Some(&expect.file)),
        ("field", expect.field.as_ref()),
        ("location", expect.at.as_ref()),
    ] {
        if let Some(wanted) = wanted
            && !message.contains(wanted.as_str())
        {
            problems.push(format!("the {what} `{wanted}` is not named"));
        }
    }
    problems
}

#[test]
fn the_base_of_the_corpus_renders() {
    let out = tempfile::tempdir().unwrap();
    render(&corpus().join("base.case.toml"), out.path(), &[]);
}

#[test]
fn every_bad_input_is_refused_with_one_clear_message_and_nothing_written() {
    let started = Instant::now();
    let expectations = expectations();
    assert!(
        expectations.len() >= 40,
        "the corpus has {} bad inputs",
        expectations.len()
    );
    let failures: Vec<String> = expectations
        .iter()
        .filter_map(|expect| refuse(expect).err())
        .collect();
    eprintln!(
        "{} bad inputs, {} refused as expected, in {:.1} s",
        expectations.len(),
        expectations.len() - failures.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} of {} bad inputs were not handled as expected:\n\n{}",
        failures.len(),
        expectations.len(),
        failures.join("\n")
    );
}

#[test]
fn every_input_in_the_corpus_has_an_expectation() {
    let names: Vec<String> = expectations().into_iter().map(|e| e.name).collect();
    assert!(!names.is_empty(), "the corpus has expectations");
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "base.case.toml" || name.ends_with(".expect") {
            continue;
        }
        let stem = name.strip_suffix(".toml").unwrap_or(&name);
        assert!(
            names.iter().any(|n| n == stem),
            "{name} has no {stem}.expect"
        );
    }
}

/// Containment of typst itself: a workspace template that tries to read the case file beside
/// it (a path that exists, relative to the build folder) or a system file gets nothing, because
/// typst's `--root` is the build folder, which holds only copies. The render fails, names the
/// template's line, keeps typst's message, and leaves no PDF and no build folder.
#[test]
fn a_template_cannot_read_outside_the_build_folder() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    std::fs::copy(corpus().join("base.case.toml"), dir.join("case.toml")).unwrap();
    std::fs::write(
        dir.join("witness.toml"),
        "[folders]\ntemplates = \"templates\"\n",
    )
    .unwrap();
    let template = dir.join("templates/expert-report");
    std::fs::create_dir_all(&template).unwrap();
    let main = std::fs::read_to_string(repo().join("report-templates/expert-report/main.typ.hbs"))
        .unwrap();
    // The build folder is out/.witness-build-XXXX/, so ../../case.toml is the case file.
    for (read, refusal) in [
        ("../../case.toml", "would escape the project root"),
        ("/etc/passwd", "file not found"),
    ] {
        std::fs::write(
            template.join("main.typ.hbs"),
            format!("{main}\n#read(\"{read}\")\n"),
        )
        .unwrap();
        let output = witness()
            .current_dir(dir)
            .args(["render", "case.toml", "--out-dir", "out"])
            .output()
            .unwrap();
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{message}");
        assert!(message.contains(refusal), "{message}");
        assert!(
            message.contains("in the report template's own text, at line"),
            "names the template and the line: {message}"
        );
        assert!(!message.contains("root:x:0:0"), "{message}");
        let left: Vec<_> = std::fs::read_dir(dir.join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "the output folder holds {left:?}");
    }
}
