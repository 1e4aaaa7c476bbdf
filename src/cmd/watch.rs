//! `witness watch CASE`: render, then render again on every change, until Ctrl-C.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use clap::Args;
use witness::diagnostic::{self, Diagnostic, display_path};
use witness::render::Options;
use witness::watch::{Built, Notice, Session, Trigger};

use super::TypstArgs;
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
    /// Write the PDF here instead of `<out-dir>/<reference>.pdf`.
    #[arg(short, long, value_name = "FILE", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// Folder for `<reference>.pdf` (default: the workspace's output folder, or `out/` beside the case).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Open the PDF in the system's viewer after the first build.
    #[arg(long)]
    pub open: bool,
    /// Stop a typst compile after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,
    #[command(flatten)]
    pub typst: TypstArgs,
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
    let typst = args.typst.locate()?;
    let options = Options {
        output: args.output.clone(),
        out_dir: args.out_dir.clone(),
        timeout: Duration::from_secs(args.timeout),
        keep_typ: false,
        // Drafts are typeset despite check errors anyway, finals never (see watch::Session).
        force: false,
        ..Options::default()
    };
    let session = Session::new(&args.case, typst, options)?;
    // Ctrl-C and SIGTERM ask the session to stop between steps, so it never leaves half a
    // file behind, and it stops typst and removes its build folder on the way out.
    let stopper = session.stopper();
    ctrlc::set_handler(move || stopper.stop())
        .map_err(|e| anyhow::anyhow!("cannot handle Ctrl-C: {e}"))?;

    let paint = Paint::stderr();
    let mut findings = Findings::default();
    let mut opened = false;
    let mut shown_watching: Vec<PathBuf> = Vec::new();
    session.run(&mut |notice| match notice {
        Notice::Watching(paths) => {
            if paths != shown_watching {
                let list: Vec<String> = paths.iter().map(|p| display_path(p)).collect();
                say!("{} {}", paint.dim("watching"), list.join(", "));
                shown_watching = paths;
            }
        }
        Notice::Built(built) => {
            print_built(&built, paint);
            findings.show(&built.findings);
            for warning in &built.typst_warnings {
                say!("typst: {warning}");
            }
            if args.open && !opened {
                opened = true;
                open(&built.pdf);
            }
        }
        Notice::Unchanged { trigger, elapsed } => say!(
            "{} {}: the report is unchanged ({})",
            stamp(paint),
            what_changed(&trigger),
            millis(elapsed)
        ),
        Notice::Failed {
            trigger,
            elapsed,
            error,
            findings: found,
        } => {
            say!(
                "{} {}: {} ({}); the previous PDF stays",
                stamp(paint),
                what_changed(&trigger),
                paint.red("failed"),
                millis(elapsed)
            );
            findings.show(&found);
            diagnostic::report_error(&error);
        }
        Notice::Warning(message) => {
            say!("{} {}: {message}", stamp(paint), paint.yellow("warning"));
        }
    })?;
    say!("{} stopped", stamp(paint));
    Ok(ExitCode::SUCCESS)
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
