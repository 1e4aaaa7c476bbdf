//! The authoring loop end to end, through the real binary: init, new, render, watch, briefs,
//! doctor, completions and man.

mod common;

#[cfg(unix)]
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use common::*;
use witness::scaffold::PLACEHOLDER;

fn ok(command: &mut Command) -> String {
    let output = run(command);
    assert!(output.status.success(), "failed: {}", stderr(&output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What witness says of the built-in briefs themselves, whatever the case: they carry notes to
/// the expert (W150) and sources dated by year or contradicted by their URL (W305, W306).
const ABOUT_THE_BRIEF: [&str; 3] = ["W150", "W305", "W306"];

/// A `TO WRITE:` prompt as written in a TOML file: 1-based line and column (in characters).
type At = (usize, usize);

/// Where the `TO WRITE:` prompts are in a TOML file: every occurrence outside a comment line,
/// and, from the parsed values, how many each field holds. The two counts must agree, so no
/// prompt hides in a comment after a value or is missed by the scan.
fn prompts_in(text: &str) -> (Vec<At>, Vec<(String, usize)>) {
    let mut at = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        for (byte, _) in line.match_indices(PLACEHOLDER) {
            at.push((number + 1, line[..byte].chars().count() + 1));
        }
    }
    fn walk(value: &toml::Value, path: String, found: &mut Vec<(String, usize)>) {
        match value {
            toml::Value::String(s) if s.contains(PLACEHOLDER) => {
                found.push((path, s.matches(PLACEHOLDER).count()));
            }
            toml::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, format!("{path}[{i}]"), found);
                }
            }
            toml::Value::Table(table) => {
                for (key, item) in table {
                    let path = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    walk(item, path, found);
                }
            }
            _ => {}
        }
    }
    let mut fields = Vec::new();
    let document: toml::Table = text.parse().unwrap();
    walk(&toml::Value::Table(document), String::new(), &mut fields);
    let in_values: usize = fields.iter().map(|(_, n)| n).sum();
    assert_eq!(
        at.len(),
        in_values,
        "prompts outside comments {at:?} are the prompts in values {fields:?}"
    );
    (at, fields)
}

/// The prompt findings (W120: a new case is a draft) of `witness check --format json` for
/// `case`: where, in which file, and the field named.
fn prompt_findings(case: &Path, dir: &Path) -> Vec<(At, String, String)> {
    let output = run(witness()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .arg(case));
    assert_eq!(
        output.status.code(),
        Some(0),
        "prompts in a draft are warnings"
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|finding| finding["code"] == "W120")
        .map(|finding| {
            let at = (
                finding["line"].as_u64().unwrap() as usize,
                finding["column"].as_u64().unwrap() as usize,
            );
            let file = finding["file"].as_str().unwrap().to_string();
            let field = finding["field"].as_str().unwrap_or_default().to_string();
            (at, file, field)
        })
        .collect()
}

/// The prompt findings for a file made by `witness new` or `witness init` are exactly its
/// prompts: one finding at each prompt's line and column, naming the field that holds it,
/// and no other finding.
fn assert_prompts_are_the_findings(text: &str, findings: &[(At, String)], what: &str) {
    let (prompts, fields) = prompts_in(text);
    assert!(!prompts.is_empty(), "{what}: the file has prompts");
    assert!(!findings.is_empty(), "{what}: check finds prompts");
    let mut found: Vec<At> = findings.iter().map(|(at, _)| *at).collect();
    found.sort();
    assert_eq!(
        found, prompts,
        "{what}: the findings are at the prompts, each once"
    );
    // Per field: each field's prompts are found, as many as it holds, and no finding names
    // a field without one.
    for (field, count) in &fields {
        let reported = findings.iter().filter(|(_, f)| f == field).count();
        assert_eq!(reported, *count, "{what}: findings for {field}");
    }
    for (_, field) in findings {
        assert!(
            fields.iter().any(|(f, _)| f == field),
            "{what}: a finding for {field}, which holds no prompt"
        );
    }
}

#[test]
fn init_then_new_then_render_works_from_an_empty_folder() {
    let empty = tempfile::tempdir().unwrap();
    let here = empty.path();
    ok(witness().current_dir(here).args(["init", "reports"]));
    for file in [
        "witness.toml",
        ".gitignore",
        "cases/example.toml",
        "country-briefs/catalogue.toml",
        "country-briefs/kyrgyzstan/history.md",
    ] {
        assert!(
            here.join("reports").join(file).is_file(),
            "init made {file}"
        );
    }
    assert!(
        !here.join("reports/report-templates").exists(),
        "templates only with --templates"
    );

    ok(witness().current_dir(here).args([
        "new",
        "reports/cases/smith.toml",
        "--country",
        "kyrgyzstan",
        "--profile",
        "journalist,activist",
    ]));
    // The prompts still to be written are warnings in a draft (W120), so a new case renders
    // as it is; the prompts are the only findings.
    let rendered = run(witness()
        .current_dir(here)
        .args(["render", "reports/cases/smith.toml"]));
    assert!(rendered.status.success(), "{}", stderr(&rendered));
    let said = stderr(&rendered);
    // A new case of every topic for two profiles can run past the page limit: that warning is
    // about the PDF, not the case file.
    let errors: Vec<&str> = said
        .lines()
        .filter(|l| l.starts_with("warning[") && !l.starts_with("warning[W401]"))
        .filter(|l| {
            !ABOUT_THE_BRIEF
                .iter()
                .any(|code| l.starts_with(&format!("warning[{code}]")))
        })
        .collect();
    assert!(!errors.is_empty(), "the prompts are reported: {said}");
    assert!(
        !said.contains("error"),
        "nothing is an error in the draft: {said}"
    );
    for line in &errors {
        // W170 asks where the opinion stands on country guidance: something to write too.
        assert!(
            (line.starts_with("warning[W120]") && line.contains(PLACEHOLDER))
                || line.starts_with("warning[W170]"),
            "only prompts are found wanting: {line}"
        );
    }
    // Each reported prompt is located in the case file, and they are the prompts in it.
    let case = here.join("reports/cases/smith.toml");
    let case_text = std::fs::read_to_string(&case).unwrap();
    // The prompts: W120, not the W170 that asks about country guidance.
    let errors: Vec<&&str> = errors
        .iter()
        .filter(|l| l.starts_with("warning[W120]"))
        .collect();
    let mut in_error = false;
    let mut render_at: Vec<(String, At)> = Vec::new();
    for line in said.lines() {
        if line.starts_with("error") || line.starts_with("warning") {
            in_error = line.starts_with("warning[W120]");
        } else if let Some(place) = line.trim_start().strip_prefix("┌─ ")
            && in_error
        {
            let mut parts = place.rsplitn(3, ':');
            let column = parts.next().unwrap().parse().unwrap();
            let line = parts.next().unwrap().parse().unwrap();
            let file = parts.next().unwrap();
            render_at.push((file.to_string(), (line, column)));
        }
    }
    assert_eq!(
        render_at.len(),
        errors.len(),
        "each error is located: {said}"
    );
    render_at.sort();
    // `witness check` finds the same, and names the fields: the case's prompts, and those
    // init left in witness.toml for the expert, who is printed on the cover.
    let all = prompt_findings(&case, here);
    let in_file = |suffix: &str| -> Vec<(At, String)> {
        all.iter()
            .filter(|(_, file, _)| file.ends_with(suffix))
            .map(|(at, _, field)| (*at, field.clone()))
            .collect()
    };
    let (in_case, in_config) = (
        in_file("reports/cases/smith.toml"),
        in_file("reports/witness.toml"),
    );
    assert_eq!(
        in_case.len() + in_config.len(),
        all.len(),
        "no finding elsewhere: {all:?}"
    );
    let mut check_at: Vec<(String, At)> = all
        .iter()
        .map(|(at, file, _)| (file.clone(), *at))
        .collect();
    check_at.sort();
    let mut render_sorted: Vec<(String, At)> = render_at
        .iter()
        .map(|(file, at)| (here.join(file).display().to_string(), *at))
        .collect();
    render_sorted.sort();
    let check_sorted: Vec<(String, At)> = check_at
        .into_iter()
        .map(|(file, at)| (here.join(&file).display().to_string(), at))
        .collect();
    assert_eq!(
        render_sorted, check_sorted,
        "render and check find the same"
    );
    assert_prompts_are_the_findings(&case_text, &in_case, "smith.toml");
    let config_text = std::fs::read_to_string(here.join("reports/witness.toml")).unwrap();
    assert_prompts_are_the_findings(&config_text, &in_config, "witness.toml");

    // The workspace's output folder, named by the reference `new` took from the file name.
    let pdf = here.join("reports/out/smith.pdf");
    assert_provenance_matches(
        &here.join("reports/out/smith.provenance.json"),
        &case,
        &here.join("reports/country-briefs"),
    );
    let text = pdf_text(&pdf);
    for expected in [
        PLACEHOLDER,
        "How are political and civic activists treated in Kyrgyzstan?",
        "Treatment of returnees",
        "Application to the Appellant",
    ] {
        assert!(
            text.contains(expected),
            "the new case's PDF lacks {expected:?}"
        );
    }

    // The example that init writes is a finished case and renders too.
    ok(witness()
        .current_dir(here)
        .args(["render", "reports/cases/example.toml"]));
    assert!(pdf_text(&here.join("reports/out/KGZ-2026-014.pdf")).contains("Daniyar Temirbekov"));
}

#[test]
fn init_copies_templates_only_when_asked_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    ok(witness().arg("init").arg(dir.path()).args([
        "--templates",
        "--expert",
        "Dr Test \"Quoted\" Expert",
    ]));
    assert!(
        dir.path()
            .join("report-templates/expert-report/main.typ.hbs")
            .is_file()
    );
    assert!(
        !dir.path().join("report-templates/common/fonts").exists(),
        "the bundled fonts stay in witness"
    );
    let config = std::fs::read_to_string(dir.path().join("witness.toml")).unwrap();
    assert!(
        config.contains("\ntemplates = \"report-templates\""),
        "{config}"
    );
    // The workspace reads back, with the expert's name intact.
    let workspace = witness::load::Workspace::open(&dir.path().join("witness.toml"))
        .expect("witness.toml reads");
    assert_eq!(
        workspace.config.expert.unwrap().name,
        "Dr Test \"Quoted\" Expert"
    );
    assert_eq!(workspace.config.staleness.months_for("history"), 36);

    let again = run(witness().arg("init").arg(dir.path()));
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("witness.toml already exists"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn new_cases_parse_and_are_found_wanting_only_where_there_is_something_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let catalogue =
        witness::load::Catalogue::read(&witness::load::Workspace::builtin_only().briefs).unwrap();
    let every_tag: Vec<String> = catalogue.profiles.keys().cloned().collect();
    for (country, jurisdiction) in [
        ("kyrgyzstan", "uk-iac"),
        ("kazakhstan", "uk-cpr"),
        ("uzbekistan", "us-eoir"),
    ] {
        let path = dir.path().join(format!("{country}.toml"));
        ok(witness()
            .arg("new")
            .arg(&path)
            .args(["--country", country, "--jurisdiction", jurisdiction])
            .arg("--profile")
            .arg(every_tag.join(",")));
        // With no witness.toml, the case names its own expert and must load on its own.
        let inputs = witness::load::load(&path).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(inputs.case.case.report.reference, country);
        assert_eq!(inputs.case.case.report.jurisdiction, jurisdiction);
        let topics = inputs.topics();
        assert!(!topics.is_empty(), "{country}: the profile gives topics");
        for topic in &topics {
            assert!(
                inputs.case.case.analysis.contains_key(topic),
                "{country}: analysis for {topic}"
            );
        }
        assert!(inputs.case.case.questions.len() >= 4);

        // The checks find every prompt still to be replaced, and nothing else.
        let output = run(witness()
            .current_dir(dir.path())
            .args(["check", "--format", "json"])
            .arg(&path));
        let every: Vec<serde_json::Value> = String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        // What is said of the built-in brief (its notes to the expert, its sources) is the
        // brief's, not the new case's.
        let of_the_case: Vec<&serde_json::Value> = every
            .iter()
            .filter(|f| !f["file"].as_str().unwrap_or("").contains("country-briefs/"))
            .collect();
        assert!(!of_the_case.is_empty(), "{country}: the prompts are found");
        // Tags whose topics no section of the brief covers (the catalogue reaches beyond the
        // built-in briefs) are said to be left without a topic, and only those.
        let uncovered: Vec<String> = every_tag
            .iter()
            .filter(|tag| !catalogue.profiles[*tag].iter().any(|t| topics.contains(t)))
            .cloned()
            .collect();
        let mut warned: Vec<String> = of_the_case
            .iter()
            .filter(|f| f["code"] == "W311")
            .map(|f| {
                f["help"]
                    .as_str()
                    .unwrap()
                    .split('`')
                    .nth(1)
                    .unwrap()
                    .to_string()
            })
            .collect();
        warned.sort();
        let mut uncovered_sorted = uncovered.clone();
        uncovered_sorted.sort();
        assert_eq!(
            warned, uncovered_sorted,
            "{country}: W311 for the tags left without a topic"
        );
        assert!(
            of_the_case
                .iter()
                .all(|f| ["W120", "W311", "W170"].contains(&f["code"].as_str().unwrap_or(""))),
            "{country}: only prompts are found: {of_the_case:?}"
        );
        assert!(
            every
                .iter()
                .filter(|f| f["file"].as_str().unwrap_or("").contains("country-briefs/"))
                .all(|f| ABOUT_THE_BRIEF.contains(&f["code"].as_str().unwrap_or(""))),
            "{country}: {every:?}"
        );
        let findings: Vec<(At, String)> = prompt_findings(&path, dir.path())
            .into_iter()
            .map(|(at, file, field)| {
                assert!(file.ends_with(&format!("{country}.toml")), "{file}");
                (at, field)
            })
            .collect();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_prompts_are_the_findings(&text, &findings, country);
    }
}

#[test]
fn new_refuses_unknown_choices_and_existing_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.toml");
    let refused = run(witness().arg("new").arg(&path).args([
        "--country",
        "kyrgystan",
        "--profile",
        "journalist",
    ]));
    assert!(!refused.status.success());
    let said = stderr(&refused);
    assert!(
        said.contains("--country") && said.contains("did you mean `kyrgyzstan`?"),
        "{said}"
    );
    assert!(!path.exists(), "nothing written on error");

    let refused = run(witness().arg("new").arg(&path).args([
        "--country",
        "kyrgyzstan",
        "--profile",
        "jurnalist",
    ]));
    assert!(stderr(&refused).contains("did you mean `journalist`?"));

    let args = ["--country", "kyrgyzstan", "--profile", "lgbt"];
    ok(witness().arg("new").arg(&path).args(args));
    let again = run(witness().arg("new").arg(&path).args(args));
    assert!(!again.status.success());
    assert!(stderr(&again).contains("already exists"));
    ok(witness().arg("new").arg(&path).args(args).arg("--force"));
}

#[test]
fn briefs_json_lists_every_built_in_country_and_topic() {
    // An empty folder: no workspace, so the built-in briefs.
    let dir = tempfile::tempdir().unwrap();
    let json = ok(witness().current_dir(dir.path()).args([
        "briefs",
        "--format",
        "json",
        "--as-of",
        "2026-11-26",
    ]));
    let overview: serde_json::Value = serde_json::from_str(&json).unwrap();

    let briefs = witness::load::Workspace::builtin_only().briefs;
    let catalogue = witness::load::Catalogue::read(&briefs).unwrap();
    let topics: Vec<&str> = overview["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(topics, catalogue.topic_ids().collect::<Vec<_>>());

    let countries = overview["countries"].as_array().unwrap();
    let ids: Vec<&str> = countries
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, briefs.folders());
    assert_eq!(ids, ["kazakhstan", "kyrgyzstan", "uzbekistan"]);
    for country in countries {
        let id = country["id"].as_str().unwrap();
        let brief = witness::load::Brief::read(&briefs, id).unwrap().unwrap();
        let sections = country["sections"].as_object().unwrap();
        assert!(!brief.sections.is_empty(), "{id} has sections");
        assert_eq!(sections.len(), brief.sections.len(), "{id}");
        for section in &brief.sections {
            let cell = &sections[&section.topic];
            assert_eq!(cell["reviewed"], section.info.reviewed.0.to_string());
            assert_eq!(
                cell["stale"], false,
                "{id}/{} on its review date",
                section.topic
            );
        }
        assert_eq!(country["origin"], "built-in");
    }

    // Two years on, everything is stale, and the table says so.
    let table = ok(witness()
        .current_dir(dir.path())
        .args(["briefs", "--as-of", "2028-12-01"]));
    assert!(table.contains("2026-10-28!"), "{table}");
    assert!(table.contains("sections are stale"), "{table}");
    assert!(!table.contains('\x1b'), "no colour when not a terminal");

    let show = ok(witness().current_dir(dir.path()).args([
        "briefs",
        "show",
        "kyrgyzstan",
        "--format",
        "json",
    ]));
    let detail: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(detail["sections"][0]["topic"], "history");
    let sources = detail["sources"].as_array().unwrap();
    assert!(sources.iter().any(|s| {
        s["key"] == "cpj-temirov-2024"
            && s["cited_by"]
                .as_array()
                .unwrap()
                .contains(&"freedom-of-speech".into())
    }));

    let unknown = run(witness().args(["briefs", "show", "kyrgystan"]));
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("did you mean `kyrgyzstan`?"));
}

#[test]
fn doctor_completions_and_man_pages() {
    let dir = tempfile::tempdir().unwrap();
    let report = ok(witness().current_dir(dir.path()).arg("doctor"));
    assert!(report.contains("typst"), "{report}");
    assert!(
        report.contains(witness::typeset::PINNED_VERSION),
        "{report}"
    );
    assert!(report.contains("Noto Naskh Arabic"), "{report}");
    assert!(
        report.contains("built-in templates and briefs serve"),
        "{report}"
    );

    let bash = ok(witness().args(["completions", "bash"]));
    assert!(
        bash.contains("witness") && bash.contains("watch"),
        "a bash script"
    );
    let man = ok(witness().arg("man"));
    assert!(man.starts_with(".ie") || man.contains(".TH"), "roff");
    ok(witness()
        .arg("man")
        .arg("--out-dir")
        .arg(dir.path().join("man")));
    assert!(dir.path().join("man/witness-watch.1").is_file());
}

// Stopping watch by signal (`kill -TERM`) is Unix-only.
#[cfg(unix)]
/// `witness watch` as a child process, with its stderr lines arriving on a channel.
struct Watch {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

#[cfg(unix)]
impl Watch {
    fn start(case: &Path) -> Self {
        let mut child = witness()
            .arg("watch")
            .arg(case)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (sender, lines) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                eprintln!("watch: {line}");
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line containing `wanted`; panics with all output after a minute.
    fn expect(&mut self, wanted: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(wanted) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no {wanted:?} from watch; it said:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// SIGTERM, as `kill` sends, then the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                    self.seen.push(line);
                }
                assert!(
                    self.seen.iter().any(|l| l.contains("stopped")),
                    "{}",
                    self.seen.join("\n")
                );
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("watch did not stop on SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[cfg(unix)]
/// A test that fails part way must not leave `witness watch` (and its typst) running.
#[cfg(unix)]
impl Drop for Watch {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while let Ok(None) = self.child.try_wait() {
                if Instant::now() > deadline {
                    let _ = self.child.kill();
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.wait();
        }
    }
}

/// A workspace made by `witness init`, with its example case.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    ok(witness().arg("init").arg(dir.path()));
    let case = dir.path().join("cases/example.toml");
    (dir, case)
}

#[cfg(unix)]
/// Edits the case as an editor that saves by renaming a new file over the old one.
fn edit(case: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(case).unwrap();
    assert!(text.contains(from), "the case contains {from:?}");
    let saved = case.with_extension("toml.saving");
    std::fs::write(&saved, text.replacen(from, to, 1)).unwrap();
    std::fs::rename(&saved, case).unwrap();
}

#[cfg(unix)]
/// Processes whose command line mentions `needle` (Linux only; elsewhere none are found).
fn processes_mentioning(needle: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains(needle))
        .collect()
}

#[cfg(unix)]
#[test]
fn watch_updates_the_pdf_after_each_edit_and_stops_cleanly() {
    let (dir, case) = workspace();
    let out = dir.path().join("out");
    let pdf = out.join("KGZ-2026-014.pdf");

    let mut watch = Watch::start(&case);
    watch.expect("first build: wrote");
    assert!(pdf_text(&pdf).contains("Daniyar Temirbekov"));

    // An edit in place, as `>` or a simple editor saves.
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(
        &case,
        text.replacen("Daniyar Temirbekov", "Aibek Watchful", 1),
    )
    .unwrap();
    watch.expect("example.toml changed: wrote");
    let text = pdf_text(&pdf);
    assert!(text.contains("Aibek Watchful"), "the PDF shows the edit");
    assert!(!text.contains("Daniyar Temirbekov"));

    // An edit saved by rename, and one to case prose.
    edit(
        &case,
        "I have not interviewed the Appellant",
        "I have not yet met the Appellant in person",
    );
    watch.expect("example.toml changed: wrote");
    assert!(pdf_text(&pdf).contains("I have not yet met the Appellant in person"));

    // A comment changes nothing in the report: no typesetting.
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(&case, format!("{text}\n# a note to self\n")).unwrap();
    watch.expect("the report is unchanged");

    // A mistake is reported with its field, typst's own error is traced back to the case, and
    // the last good PDF stays.
    let before = std::fs::read(&pdf).unwrap();
    edit(&case, "[@fh-fotn-2024]", "[@fh-fotn-2042]");
    watch.expect("failed");
    // The check's finding, with its suggestion, comes before typst's own message, which
    // leads with the case line its text came from.
    watch.expect("did you mean `fh-fotn-2024`?");
    // The line of the text that holds the citation, inside the field.
    watch.expect("example.toml:79 (analysis.surveillance): error: citation key");
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
    edit(&case, "[@fh-fotn-2042]", "[@fh-fotn-2024]");
    watch.expect("example.toml changed: wrote");

    // A change to the brief the case draws on, re-dated: its review date is now its own,
    // not the brief's, so the provenance below can tell the two apart.
    let section = dir
        .path()
        .join("country-briefs/kyrgyzstan/freedom-of-speech.md");
    let brief = std::fs::read_to_string(&section).unwrap();
    let body_start = brief.match_indices("+++").nth(1).unwrap().0 + 3;
    let mut changed = brief.clone();
    changed.insert_str(body_start, "\nA sentence added while watching.\n");
    let last_reviewed = "last_reviewed = 2026-10-28";
    assert!(
        std::fs::read_to_string(dir.path().join("country-briefs/kyrgyzstan/brief.toml"))
            .unwrap()
            .contains(last_reviewed),
        "the brief was last reviewed on 2026-10-28"
    );
    assert!(changed.contains("\nreviewed = 2026-10-28\n"));
    // Still before the report's date (20 November), so the review may stand behind it.
    let changed = changed.replacen("\nreviewed = 2026-10-28\n", "\nreviewed = 2026-11-04\n", 1);
    std::fs::write(&section, changed).unwrap();
    watch.expect("freedom-of-speech.md changed: wrote");
    assert!(pdf_text(&pdf).contains("A sentence added while watching."));

    let build_folders = || -> Vec<PathBuf> {
        std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(".witness")
            })
            .collect()
    };
    let build = build_folders();
    assert_eq!(build.len(), 1, "one build folder while watching");
    let build = build[0].display().to_string();
    assert!(!processes_mentioning(&build).is_empty() || !cfg!(target_os = "linux"));

    let status = watch.stop();
    assert!(status.success(), "watch exits 0 when stopped: {status}");
    // Nothing left but the PDF, its provenance and its snapshot: no build folder, no partial
    // file, no typst.
    assert_eq!(
        names_in(&out),
        [
            "KGZ-2026-014.pdf",
            "KGZ-2026-014.provenance.json",
            "KGZ-2026-014.snapshot.json"
        ]
    );
    assert!(
        processes_mentioning(&build).is_empty(),
        "typst watch was stopped"
    );
    assert!(pdf_text(&pdf).contains("A sentence added while watching."));
    let provenance: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("KGZ-2026-014.provenance.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        provenance["pdf_sha256"],
        sha256_of(&std::fs::read(&pdf).unwrap())
    );
    // The record describes the inputs as they were last edited: the case, and the brief
    // section changed while watching, as they are on disk now.
    assert_provenance_matches(
        &out.join("KGZ-2026-014.provenance.json"),
        &case,
        &dir.path().join("country-briefs"),
    );
}

#[cfg(unix)]
/// Edit-to-PDF latency of `witness watch`, for docs/performance.md; a measurement, not a test:
/// `cargo test --release --test authoring -- --ignored --nocapture watch_latency`.
#[test]
#[ignore]
fn watch_latency() {
    use std::os::unix::fs::MetadataExt;
    let (dir, case) = workspace();
    let pdf = dir.path().join("out/KGZ-2026-014.pdf");
    let mut watch = Watch::start(&case);
    watch.expect("first build: wrote");
    let runs = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(30);
    let mut times = Vec::new();
    let mut name = "Daniyar Temirbekov".to_string();
    for i in 0..runs {
        let inode = std::fs::metadata(&pdf).unwrap().ino();
        let new_name = format!("Daniyar Temirbekov {i}");
        let text = std::fs::read_to_string(&case).unwrap();
        let started = Instant::now();
        std::fs::write(&case, text.replacen(&name, &new_name, 1)).unwrap();
        // The PDF is renamed into place, so a new inode means the new PDF is there, whole.
        while std::fs::metadata(&pdf).map(|m| m.ino()).unwrap_or(inode) == inode {
            assert!(started.elapsed() < Duration::from_secs(30), "no new PDF");
            std::thread::sleep(Duration::from_millis(1));
        }
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        watch.expect("wrote");
        name = new_name;
        // Let the file system and typst settle, as between keystrokes and saves.
        std::thread::sleep(Duration::from_millis(300));
    }
    assert!(pdf_text(&pdf).contains(&name));
    watch.stop();
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    println!(
        "edit to updated PDF over {runs} edits: median {:.0} ms, mean {mean:.0} ms, min {:.0} ms, max {:.0} ms",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
