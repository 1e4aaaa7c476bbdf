//! `witness sample`: sample reports for an agency's website, checked for leaks.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use witness::diagnostic::{self, display_path};
use witness::load::Workspace;
use witness::pipeline::{Html, Pdf};
use witness::sample::{self, Output, Subject};

use super::args::{OutputArgs, PolicyArgs};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["country", "from", "all"])))]
pub struct SampleArgs {
    /// The country to make a sample for (a folder under country-briefs/).
    pub country: Option<String>,
    /// Make an anonymised sample from a real case file.
    #[arg(long, value_name = "CASE")]
    pub from: Option<PathBuf>,
    /// Make one sample per country with a brief.
    #[arg(long)]
    pub all: bool,
    /// Brand the sample as the fictional agency of witness's example, instead of the
    /// workspace's own [brand].
    #[arg(long)]
    pub demo: bool,
    /// What to make: the sample report as a PDF, or the agency's web article as one
    /// self-contained HTML page.
    #[arg(long, value_enum, default_value_t = Kind::Pdf)]
    pub to: Kind,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The kinds of sample `--to` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// The sample report, typeset by typst.
    Pdf,
    /// The web article: one HTML page, with no other file.
    Html,
}

pub fn run(args: SampleArgs) -> anyhow::Result<ExitCode> {
    let start = match &args.from {
        Some(case) => case.parent().map(PathBuf::from).unwrap_or_default(),
        None => std::env::current_dir()?,
    };
    let workspace = Workspace::discover(&start)?;
    let subjects: Vec<Subject> = if args.all {
        sample::countries(&workspace)
            .into_iter()
            .map(Subject::Country)
            .collect()
    } else if let Some(case) = &args.from {
        vec![Subject::Case(case.clone())]
    } else {
        vec![Subject::Country(
            args.country.clone().expect("clap requires one"),
        )]
    };
    if args.all && args.output.output.is_some() {
        anyhow::bail!("-o names one file, but --all makes one sample per country; use --out-dir");
    }
    let extension = match args.to {
        Kind::Pdf => "pdf",
        Kind::Html => "html",
    };
    super::args::refuse_other_kind(args.output.output.as_deref(), extension)?;
    // A web page needs no typst, so none is looked for (or installed).
    let output = match args.to {
        Kind::Pdf => Output::Pdf(Pdf {
            typst: args.output.typst.locate()?,
        }),
        Kind::Html if !args.output.standard.is_empty() => {
            anyhow::bail!("--standard is a PDF standard; a web page (--to html) has none")
        }
        Kind::Html => Output::Html(Html),
    };
    // Samples are not checked as reports are (they have no applicant of their own), so no
    // check policy applies; the leak check decides instead.
    let mut options = args
        .output
        .options(&PolicyArgs { allow_stale: false }, false);
    options.out_dir = options.out_dir.or_else(|| workspace.output_folder());
    let mut failed = 0;
    for subject in &subjects {
        match sample::make(subject, &workspace, &output, &options, args.demo) {
            Ok(made) => {
                for warning in &made.warnings {
                    eprintln!("warning: {warning}");
                }
                eprintln!("wrote {}", display_path(&made.file));
            }
            Err(error) => {
                failed += 1;
                diagnostic::report_error(&error);
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
