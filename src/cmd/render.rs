//! `witness render`: case files to PDF reports, one or a whole batch.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::Args;
use codespan_reporting::term::termcolor::StandardStream;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use witness::batch::{self, Finished, Settings, Shard, Status, Summary};
use witness::diagnostic::{self, Diagnostic, Diagnostics, display_path};
use witness::docx::Docx;
use witness::pipeline::{Backend, Pdf};

use super::args::{Format, OutputArgs, PolicyArgs};

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Case files, folders (every case file below them) or glob patterns.
    #[arg(value_name = "CASE", required = true)]
    pub cases: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Render a draft even if checks find errors.
    #[arg(long)]
    pub force: bool,
    /// Render this many cases at once, each with its own typst (default: the number of cores).
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Render only the I-th of N stable slices of the cases, e.g. `--shard 2/4` in a CI matrix.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// `text` for people; `json` for scripts: one JSON object per line on stdout per case as it
    /// finishes, then a summary object.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print nothing but errors and warnings.
    #[arg(short, long)]
    pub quiet: bool,
    /// What to make: `pdf`, `docx` (Word, for the solicitor), or both, `pdf,docx`.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "pdf",
        value_name = "KIND"
    )]
    pub to: Vec<OutputKind>,
}

/// An output a case can be made as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputKind {
    /// The PDF, typeset by typst.
    Pdf,
    /// A Word document with the same words, numbers and notes.
    Docx,
}

/// The exit code of a batch stopped by Ctrl-C: 128 + SIGINT, as shells report it.
const INTERRUPTED: u8 = 130;

pub fn run(args: RenderArgs) -> anyhow::Result<ExitCode> {
    // Everything that can refuse the whole batch happens before the first case starts.
    let paths = batch::collect(&args.cases)?;
    if args.output.output.is_some() && paths.len() > 1 {
        anyhow::bail!(
            "-o names one file, but the arguments name {} cases; use --out-dir",
            paths.len()
        );
    }
    let mut kinds = args.to.clone();
    kinds.dedup();
    if args.output.output.is_some() && kinds.len() > 1 {
        anyhow::bail!(
            "-o names one file, but --to asks for {} outputs; use --out-dir",
            kinds.len()
        );
    }
    if let [kind] = kinds.as_slice() {
        let extension = match kind {
            OutputKind::Pdf => "pdf",
            OutputKind::Docx => "docx",
        };
        super::args::refuse_other_kind(args.output.output.as_deref(), extension)?;
    }
    let cases = batch::plan(paths, args.shard)?;
    // typst is found (or installed) only when a PDF is asked for: a DOCX needs none.
    let mut backends: Vec<Box<dyn Backend + Send>> = Vec::new();
    for kind in kinds {
        backends.push(match kind {
            OutputKind::Pdf => Box::new(Pdf {
                typst: args.output.typst.locate()?,
            }),
            OutputKind::Docx => Box::new(Docx),
        });
    }
    let settings = Settings {
        jobs: args.jobs.map_or_else(default_jobs, usize::from),
        options: args.output.options(&args.policy, args.force),
        backends,
    };

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        // SIGINT, and with the `termination` feature SIGTERM and SIGHUP: a cancelled CI job or
        // a closed terminal cleans up like Ctrl-C. The workers see the flag, kill their typst
        // and drop their build folders; a second signal changes nothing, the first one is enough.
        ctrlc::set_handler(move || {
            if !stop.swap(true, Ordering::SeqCst) {
                eprintln!("stopping: killing typst and removing build folders");
            }
        })?;
    }

    let mut reporter = Reporter::new(&args, cases.len());
    let summary = batch::run(cases, &settings, &stop, |finished| reporter.case(finished));
    reporter.summary(&summary, &settings);

    // A signal that came after the last case finished stopped nothing, so it does not count.
    Ok(if summary.interrupted > 0 || summary.skipped > 0 {
        ExitCode::from(INTERRUPTED)
    } else if summary.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Tells the user or the script how the batch goes: a line per case (text or JSON), a progress
/// bar on a terminal, and the summary.
struct Reporter {
    format: Format,
    quiet: bool,
    /// Several cases: show a bar and a summary; one case reads as it always did.
    batch: bool,
    bar: ProgressBar,
    /// Failures so far, shown beside the bar.
    failed: usize,
    shard: Option<Shard>,
}

impl Reporter {
    fn new(args: &RenderArgs, cases: usize) -> Self {
        let batch = cases > 1;
        // Only on a terminal, never in a log or pipe, where redraws would be noise.
        let bar = if batch && !args.quiet && std::io::stderr().is_terminal() {
            let bar =
                ProgressBar::with_draw_target(Some(cases as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {pos}/{len} {msg}")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        } else {
            ProgressBar::hidden()
        };
        Self {
            format: args.format,
            quiet: args.quiet,
            batch,
            bar,
            failed: 0,
            shard: args.shard,
        }
    }

    fn case(&mut self, finished: &Finished) {
        match self.format {
            Format::Json => {
                let line = case_json(finished).to_string();
                self.bar.suspend(|| print_line(&line));
            }
            Format::Text => self.bar.suspend(|| self.case_text(finished)),
        }
        self.bar.inc(1);
        if finished.status() == Status::Failed {
            self.failed += 1;
        }
        let last = finished
            .reference
            .clone()
            .unwrap_or_else(|| display_path(&finished.case));
        self.bar.set_message(match self.failed {
            0 => last,
            failed => format!("{last} ({failed} failed)"),
        });
    }

    fn case_text(&self, finished: &Finished) {
        let mut stderr = StandardStream::stderr(diagnostic::stderr_color_choice());
        match &finished.result {
            Ok(rendered) => {
                diagnostic::emit_all(&mut stderr, &rendered.warnings);
                for warning in &rendered.typst_warnings {
                    eprintln!("typst: {warning}");
                }
                if !self.quiet {
                    let pages = rendered
                        .pages
                        .map_or(String::new(), |p| format!(", {p} pages"));
                    eprintln!(
                        "wrote {}{pages} in {:.2} s",
                        display_path(&rendered.pdf),
                        finished.elapsed.as_secs_f64()
                    );
                    for other in &rendered.also {
                        eprintln!("wrote {}", display_path(other));
                    }
                    if let Some(budget) = &rendered.budget {
                        eprintln!(
                            "  pages: {}; {} count toward the limit",
                            budget.summary(),
                            witness::pipeline::budget::pages(budget.counted)
                        );
                    }
                    if let Some(build) = &rendered.build_folder {
                        eprintln!(
                            "kept the Typst source in {}",
                            display_path(&build.join("main.typ"))
                        );
                    }
                }
            }
            // Interruptions are told once, in the summary, not once per running case.
            Err(_) if finished.status() == Status::Interrupted => {}
            Err(error) => {
                // Located diagnostics name their file; any other error gets the case's name.
                if error.is::<Diagnostic>() || error.is::<Diagnostics>() {
                    diagnostic::report_error(error);
                } else {
                    eprintln!("error: cannot render {}", display_path(&finished.case));
                    eprintln!("  {}", format!("{error:#}").replace('\n', "\n  "));
                }
            }
        }
    }

    fn summary(&self, summary: &Summary, settings: &Settings) {
        self.bar.finish_and_clear();
        match self.format {
            Format::Json => {
                let mut object = serde_json::to_value(summary).expect("a summary serialises");
                object["type"] = json!("summary");
                object["jobs"] = json!(settings.jobs);
                object["shard"] = json!(self.shard.map(|s| s.to_string()));
                print_line(&object.to_string());
            }
            Format::Text if self.quiet => {}
            Format::Text if summary.interrupted > 0 || summary.skipped > 0 => eprintln!(
                "interrupted after {:.2} s: rendered {} of {} cases; {} stopped, {} not started, nothing partial left",
                summary.seconds,
                summary.rendered,
                summary.cases,
                summary.interrupted,
                summary.skipped
            ),
            Format::Text if self.batch => eprintln!(
                "rendered {} of {} cases, {} failed, {} {} in {:.2} s ({} at once)",
                summary.rendered,
                summary.cases,
                summary.failed,
                summary.warnings,
                if summary.warnings == 1 {
                    "warning"
                } else {
                    "warnings"
                },
                summary.seconds,
                settings.jobs.min(summary.cases),
            ),
            Format::Text => {}
        }
    }
}

/// One JSON Lines record, flushed at once so a script reading the pipe sees each case as it
/// finishes rather than when a buffer fills.
fn print_line(line: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) must not abort the batch; the cases still render.
    let _ = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
}

fn case_json(finished: &Finished) -> serde_json::Value {
    let rendered = finished.result.as_ref().ok();
    let warnings: Vec<String> = rendered.map_or_else(Vec::new, |r| {
        r.warnings
            .iter()
            .map(ToString::to_string)
            .chain(r.typst_warnings.iter().map(|w| format!("typst: {w}")))
            .collect()
    });
    json!({
        "type": "case",
        "case": display_path(&finished.case),
        "reference": finished.reference,
        "status": finished.status(),
        "output": rendered.map(|r| display_path(&r.pdf)),
        "outputs": rendered.map(|r| std::iter::once(&r.pdf).chain(&r.also).map(|p| display_path(p)).collect::<Vec<_>>()),
        "provenance": rendered.and_then(|r| r.provenance.as_deref()).map(display_path),
        "budget": rendered.and_then(|r| r.budget.as_ref()),
        "timings": rendered.map(|r| r.timings),
        "pages": rendered.and_then(|r| r.pages),
        "preflight": rendered.and_then(|r| r.preflight.as_ref()),
        "warnings": warnings,
        "error": finished.result.as_ref().err().map(|e| format!("{e:#}")),
        "seconds": (finished.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
    })
}
