//! `witness check`: every rule, no typesetting; rustc-style or JSON diagnostics.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use codespan_reporting::term::termcolor::StandardStream;
use witness::check;
use witness::diagnostic::{self, Diagnostic, Diagnostics, plural};
use witness::pipeline::{self, Options};

use super::args::{Format, PolicyArgs};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Case files, folders (every case file below them) or glob patterns.
    #[arg(value_name = "CASE", required = true)]
    pub cases: Vec<PathBuf>,
    /// `text` for people (rustc-style, with a closing count); `json` for editors and scripts:
    /// one object per finding per line on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Treat warnings as errors (exit 1 if there are any).
    #[arg(long)]
    pub deny_warnings: bool,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let cases = witness::batch::collect(&args.cases)?;
    let mut all: Vec<Diagnostic> = Vec::new();
    // A problem in a file cases share (a brief, witness.toml) is reported once, not per case.
    let mut seen = std::collections::HashSet::new();
    for case in &cases {
        all.extend(
            check_one(case, &args)
                .0
                .into_iter()
                .filter(|d| seen.insert(d.to_string())),
        );
    }
    match args.format {
        Format::Json => {
            let mut stdout = std::io::stdout().lock();
            for diagnostic in &all {
                writeln!(stdout, "{}", diagnostic.to_json())?;
            }
        }
        Format::Text => {
            let mut stderr = StandardStream::stderr(diagnostic::stderr_color_choice());
            diagnostic::emit_all(&mut stderr, &all);
            if all.is_empty() {
                eprintln!("{}: no problems found", plural(cases.len(), "case"));
            } else {
                eprintln!("{}", diagnostic::summary(&all));
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

/// Every finding for one case, in file order: what loading found (it goes on past a bad key
/// or value), the template's own problems, and the rules'.
fn check_one(case: &Path, args: &CheckArgs) -> Diagnostics {
    let (inputs, mut found) = match witness::load::load_all(case) {
        Ok((inputs, found)) => (inputs, found),
        Err(found) => {
            return Diagnostics(found.0.into_iter().map(with_load_code).collect()).in_file_order();
        }
    };
    let mut found: Vec<Diagnostic> = found.drain(..).map(with_load_code).collect();
    // A template that does not exist or does not compile stops `render`: report it here too,
    // and fill it, since a template can also fail on this case's data.
    // An addendum whose original cannot be read has nothing to cite (E180 says so).
    let unfillable = matches!(inputs.original, Some(Err(_)));
    match pipeline::load_template(&inputs) {
        Ok(template) => {
            if let (Err(error), false) = (template.assemble(&inputs), unfillable) {
                found.push(error.with_code("E004"));
            }
        }
        Err(error) => found.push(error.with_code("E004")),
    }
    let options = Options {
        allow_stale: args.policy.allow_stale,
        ..Options::default()
    };
    let settings = check::Settings {
        provenance: pipeline::last_provenance(&inputs),
        ..options.check_settings(&inputs)
    };
    let findings = check::check_with(&inputs, &settings).0;
    found.extend(findings.into_iter().filter(|d| !inputs.case.stood_in(d)));
    Diagnostics(found).in_file_order()
}

fn with_load_code(diagnostic: Diagnostic) -> Diagnostic {
    if diagnostic.code.is_some() {
        diagnostic
    } else {
        diagnostic.with_code("E001")
    }
}
