//! `witness doctor`: prints the library's [`witness::doctor::Report`], one line per finding for
//! people or one JSON object for programs.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use witness::doctor::{Report, Status};

use super::args::Format;
use super::paint::{self, Paint};

/// `witness doctor [DIR] [--typst PATH] [--format text|json]`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The folder (or case file) whose workspace to examine (default: the current folder).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Examine this typst binary instead of the one witness would find.
    #[arg(long, value_name = "PATH")]
    pub typst: Option<PathBuf>,
    /// How to print: lines for people, one JSON object for programs.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Examines, prints the report, and fails when it has an error.
pub fn run(args: DoctorArgs) -> anyhow::Result<ExitCode> {
    let report = witness::doctor::examine(&args.dir, args.typst);
    match args.format {
        Format::Json => {
            let json = serde_json::to_string(&report).context("cannot write JSON")?;
            paint::print(&format!("{json}\n"))?;
        }
        Format::Text => {
            // A problem whose line does not say it all (witness.toml's) is shown in full,
            // rustc-style with the offending text, on stderr.
            for check in &report.checks {
                if let Some(diagnostic) = &check.diagnostic
                    && check.detail != diagnostic.to_string()
                {
                    witness::diagnostic::report_error(&diagnostic.clone().into());
                }
            }
            paint::print(&text(&report, Paint::stdout()))?;
        }
    }
    Ok(if report.can_render() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The report as lines of `status  what  detail`, each help below its line, then whether output
/// is coloured (a fact of this output, not of the machine) and the summary.
fn text(report: &Report, paint: Paint) -> String {
    let mut out = String::new();
    for check in &report.checks {
        line(&mut out, paint, check.status, &check.what, &check.detail);
        for help in check.help.iter().flat_map(|h| h.lines()) {
            let _ = writeln!(out, "{:<7}  {:<13}  {} {help}", "", "", paint.dim("help:"));
        }
    }
    let colour = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        "off: NO_COLOR is set"
    } else if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        "on: output is a terminal (NO_COLOR=1 turns it off)"
    } else {
        "off: output is not a terminal"
    };
    line(&mut out, paint, Status::Note, "colour", colour);
    let summary = match (report.summary.errors, report.summary.warnings) {
        (0, 0) => paint.green("All is well."),
        (0, w) => paint.yellow(&format!("{w} warning(s); witness can render.")),
        (e, _) => paint.red(&format!("{e} problem(s) to fix before witness can render.")),
    };
    let _ = write!(out, "\n{summary}\n");
    out
}

fn line(out: &mut String, paint: Paint, status: Status, what: &str, detail: &str) {
    let word = match status {
        Status::Ok => paint.green("ok     "),
        Status::Note => paint.dim("-      "),
        Status::Warning => paint.yellow("warning"),
        Status::Error => paint.red("error  "),
    };
    let _ = writeln!(out, "{word}  {what:<13}  {detail}");
}
