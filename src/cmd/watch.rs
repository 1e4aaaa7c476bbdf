//! `witness watch CASE`: render, then render again on every change, until Ctrl-C.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use clap::Args;
use serde_json::json;
use witness::diagnostic::{self, Diagnostic, display_path};
use witness::watch::{Built, Notice, Session, Trigger};

use super::args::{Format, OutputArgs, PolicyArgs};
use super::paint::Paint;

/// `eprintln!` without its panic when stderr is closed: watching goes on, and stops cleanly,
/// even if whatever read its messages has gone.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The case file (TOML) to watch.
    #[arg(value_name = "CASE")]
    pub case: PathBuf,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Open the PDF in the system's viewer after the first build.
    #[arg(long)]
    pub open: bool,
    /// `text` for people; `json` for editors and scripts: one JSON object per line on stdout
    /// for each rebuild (`watching`, `built`, `unchanged`, `failed`, `warning`).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(args: WatchArgs) -> anyhow::Result<ExitCode> {
    // A case file that is not there is a typo, not something to wait for.
    if !args.case.is_file() {
        anyhow::bail!(
            "{}: no such case file\n  help: `witness new {}` starts one",
            display_path(&args.case),
            display_path(&args.case)
        );
    }
    let typst = args.output.typst.locate()?;
    // A preview: a draft is typeset despite check errors (it is full of prompts not yet
    // written); the pipeline's one policy still refuses a final report with errors.
    let options = args.output.options(&args.policy, true);
    let session = Session::new(&args.case, typst, options)?;
    // Ctrl-C and SIGTERM ask the session to stop between steps, so it never leaves half a
    // file behind, and it stops typst and removes its build folder on the way out.
    let stopper = session.stopper();
    ctrlc::set_handler(move || stopper.stop())
        .map_err(|e| anyhow::anyhow!("cannot handle Ctrl-C: {e}"))?;

    let mut opened = false;
    let mut open_first = |notice: &Notice| {
        if let Notice::Built(built) = notice
            && args.open
            && !opened
        {
            opened = true;
            open(&built.pdf);
        }
    };
    match args.format {
        Format::Json => session.run(&mut |notice| {
            open_first(&notice);
            json_line(&notice_json(&notice));
        })?,
        Format::Text => {
            let mut text = Text::default();
            session.run(&mut |notice| {
                open_first(&notice);
                text.show(notice);
            })?;
            say!("{} stopped", stamp(text.paint));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The text output: one line per rebuild, and each finding in full once.
struct Text {
    paint: Paint,
    findings: Findings,
    shown_watching: Vec<PathBuf>,
}

impl Default for Text {
    fn default() -> Self {
        Self {
            paint: Paint::stderr(),
            findings: Findings::default(),
            shown_watching: Vec::new(),
        }
    }
}

impl Text {
    fn show(&mut self, notice: Notice) {
        let paint = self.paint;
        match notice {
            Notice::Watching(paths) => {
                if paths != self.shown_watching {
                    let list: Vec<String> = paths.iter().map(|p| display_path(p)).collect();
                    say!("{} {}", paint.dim("watching"), list.join(", "));
                    self.shown_watching = paths;
                }
            }
            Notice::Built(built) => {
                print_built(&built, paint);
                self.findings.show(&built.findings);
                for warning in &built.typst_warnings {
                    say!("typst: {warning}");
                }
            }
            Notice::Unchanged {
                trigger,
                elapsed,
                findings,
            } => {
                say!(
                    "{} {}: the report is unchanged ({}); its provenance is up to date",
                    stamp(paint),
                    what_changed(&trigger),
                    millis(elapsed)
                );
                self.findings.show(&findings);
            }
            Notice::Failed {
                trigger,
                elapsed,
                error,
            } => {
                say!(
                    "{} {}: {} ({}); the previous PDF stays",
                    stamp(paint),
                    what_changed(&trigger),
                    paint.red("failed"),
                    millis(elapsed)
                );
                diagnostic::report_error(&error);
            }
            Notice::Warning(message) => {
                say!("{} {}: {message}", stamp(paint), paint.yellow("warning"));
            }
        }
    }
}

/// One JSON Lines record per notice, flushed at once for a reader on the pipe.
fn notice_json(notice: &Notice) -> serde_json::Value {
    let findings = |list: &[Diagnostic]| -> Vec<serde_json::Value> {
        list.iter().map(Diagnostic::to_json).collect()
    };
    match notice {
        Notice::Watching(paths) => json!({
            "type": "watching",
            "paths": paths.iter().map(|p| display_path(p)).collect::<Vec<_>>(),
        }),
        Notice::Built(built) => json!({
            "type": "built",
            "trigger": what_changed(&built.trigger),
            "output": display_path(&built.pdf),
            "pages": built.pages,
            "milliseconds": built.elapsed.as_millis() as u64,
            "findings": findings(&built.findings),
            "typst_warnings": built.typst_warnings,
        }),
        Notice::Unchanged {
            trigger,
            elapsed,
            findings: found,
        } => json!({
            "type": "unchanged",
            "trigger": what_changed(trigger),
            "milliseconds": elapsed.as_millis() as u64,
            "findings": findings(found),
        }),
        Notice::Failed {
            trigger,
            elapsed,
            error,
        } => {
            let listed: Vec<serde_json::Value> =
                if let Some(d) = error.downcast_ref::<witness::diagnostic::Diagnostics>() {
                    findings(&d.0)
                } else if let Some(f) = error.downcast_ref::<witness::pipeline::Failed>() {
                    findings(&f.findings)
                } else if let Some(d) = error.downcast_ref::<Diagnostic>() {
                    vec![d.to_json()]
                } else {
                    Vec::new()
                };
            json!({
                "type": "failed",
                "trigger": what_changed(trigger),
                "milliseconds": elapsed.as_millis() as u64,
                "error": format!("{error:#}"),
                "findings": listed,
            })
        }
        Notice::Warning(message) => json!({ "type": "warning", "message": message }),
    }
}

fn json_line(value: &serde_json::Value) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{value}").and_then(|()| stdout.flush());
}

fn print_built(built: &Built, paint: Paint) {
    let pages = built
        .pages
        .map_or(String::new(), |p| format!(", {p} pages"));
    say!(
        "{} {}: {} {}{pages} ({})",
        stamp(paint),
        what_changed(&built.trigger),
        paint.green("wrote"),
        display_path(&built.pdf),
        millis(built.elapsed)
    );
}

/// The check findings shown so far. A draft being written has the same findings rebuild after
/// rebuild (every prompt not yet replaced), so each is shown in full once, and after that only
/// counted, until it goes away or comes back; and of many new findings with one code, the first
/// few stand for the rest.
/// How many new findings with one code are shown in full.
const SHOWN_PER_CODE: usize = 3;

#[derive(Default)]
struct Findings {
    shown: Vec<(Option<&'static str>, String, Option<String>)>,
}

impl Findings {
    fn show(&mut self, findings: &[Diagnostic]) {
        // Keyed without the position, which moves whenever a line above it is edited.
        let key = |d: &Diagnostic| (d.code, d.message.clone(), d.field.clone());
        let new: Vec<&Diagnostic> = findings
            .iter()
            .filter(|d| !self.shown.contains(&key(d)))
            .collect();
        let mut stderr = codespan_reporting::term::termcolor::StandardStream::stderr(
            diagnostic::stderr_color_choice(),
        );
        let mut per_code: Vec<(Option<&'static str>, usize)> = Vec::new();
        for finding in &new {
            let count = match per_code.iter_mut().find(|(c, _)| *c == finding.code) {
                Some((_, count)) => count,
                None => {
                    per_code.push((finding.code, 0));
                    &mut per_code.last_mut().expect("just pushed").1
                }
            };
            *count += 1;
            if *count <= SHOWN_PER_CODE {
                diagnostic::emit_all(&mut stderr, [*finding]);
            }
        }
        for (code, count) in per_code {
            if count > SHOWN_PER_CODE {
                say!(
                    "  and {} more {}; `witness check` lists them all",
                    count - SHOWN_PER_CODE,
                    code.unwrap_or("like these")
                );
            }
        }
        let known = findings.len() - new.len();
        if known > 0 {
            let errors = findings
                .iter()
                .filter(|d| d.is_error() && self.shown.contains(&key(d)))
                .count();
            say!(
                "  and {known} finding(s) shown before ({errors} error(s)); `witness check` lists them all"
            );
        }
        self.shown = findings.iter().map(key).collect();
    }
}

fn stamp(paint: Paint) -> String {
    paint.dim(&chrono::Local::now().format("[%H:%M:%S]").to_string())
}

fn millis(elapsed: Duration) -> String {
    format!("{} ms", elapsed.as_millis())
}

fn what_changed(trigger: &Trigger) -> String {
    match trigger {
        Trigger::Start => "first build".to_string(),
        Trigger::Typst => "typst rebuilt".to_string(),
        Trigger::Changed(paths) => {
            let names: Vec<String> = paths
                .iter()
                .take(3)
                .map(|p| {
                    p.file_name()
                        .map_or_else(|| display_path(p), |n| n.to_string_lossy().into_owned())
                })
                .collect();
            let more = paths.len().saturating_sub(3);
            if more > 0 {
                format!("{} and {more} more changed", names.join(", "))
            } else {
                format!("{} changed", names.join(", "))
            }
        }
    }
}

/// Opens the PDF in the system's viewer, without waiting for it.
fn open(pdf: &Path) {
    let mut command = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        Command::new("xdg-open")
    };
    command
        .arg(pdf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    match command.spawn() {
        // Reap the opener in the background so it does not linger as a zombie.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(error) => say!(
            "warning: cannot open {} in a viewer: {error}",
            display_path(pdf)
        ),
    }
}
