//! `witness check`: every rule, no typesetting; rustc-style or JSON diagnostics.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use codespan_reporting::term::termcolor::StandardStream;
use witness::check::{self, Settings};
use witness::diagnostic::{self, Diagnostic, Diagnostics};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Case files (TOML) to check.
    #[arg(value_name = "CASE", required = true)]
    pub cases: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors (exit 1 if there are any).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Accept stale sections and sources in a final report (they stay warnings).
    #[arg(long)]
    pub allow_stale: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let mut all = Vec::new();
    for case in &args.cases {
        all.extend(check_one(case, &args).0);
    }
    match args.format {
        Format::Json => {
            let mut stdout = std::io::stdout().lock();
            for diagnostic in &all {
                writeln!(stdout, "{}", diagnostic.to_json())?;
            }
        }
        Format::Human => {
            let mut stderr = StandardStream::stderr(diagnostic::stderr_color_choice());
            diagnostic::emit_all(&mut stderr, &all);
            let errors = all.iter().filter(|d| d.is_error()).count();
            let warnings = all.len() - errors;
            if all.is_empty() {
                eprintln!("{}: no problems found", plural(args.cases.len(), "case"));
            } else {
                eprintln!(
                    "{}, {}",
                    plural(errors, "error"),
                    plural(warnings, "warning")
                );
            }
        }
    }
    let failed = all.iter().any(|d| d.is_error() || args.deny_warnings);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Load errors stop at the first (later stages need what failed to load); check errors all show.
fn check_one(case: &Path, args: &CheckArgs) -> Diagnostics {
    let inputs = match witness::load::load(case) {
        Ok(inputs) => inputs,
        Err(error) => return Diagnostics(vec![with_load_code(error)]),
    };
    // A template that does not exist or does not compile stops `render`: report it here too.
    if let Err(error) = witness::assemble::Template::load(
        &inputs.workspace.templates,
        &inputs.case.case.report.template,
    ) {
        let diagnostic = if error.field.as_deref() == Some("report.template") {
            let help = error.help.clone().unwrap_or_default();
            inputs
                .case
                .error_at("report.template", error.message.clone())
                .with_help(help)
        } else {
            error
        };
        return Diagnostics(vec![diagnostic.with_code("E004")]);
    }
    let settings = Settings {
        allow_stale: args.allow_stale,
        provenance: witness::render::last_provenance(&inputs),
        ..Settings::from_workspace(&inputs.workspace)
    };
    check::check_with(&inputs, &settings)
}

fn with_load_code(diagnostic: Diagnostic) -> Diagnostic {
    if diagnostic.code.is_some() {
        diagnostic
    } else {
        diagnostic.with_code("E001")
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
