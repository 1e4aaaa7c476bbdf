//! `witness sample`: sample reports for an agency's website, checked for leaks.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use witness::diagnostic::{self, display_path};
use witness::load::Workspace;
use witness::pipeline::Pdf;
use witness::sample::{self, Subject};

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
    #[command(flatten)]
    pub output: OutputArgs,
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
    let backend = Pdf {
        typst: args.output.typst.locate()?,
    };
    // Samples are not checked as reports are (they have no applicant of their own), so no
    // check policy applies; the leak check decides instead.
    let mut options = args
        .output
        .options(&PolicyArgs { allow_stale: false }, false);
    options.out_dir = options.out_dir.or_else(|| workspace.output_folder());
    let mut failed = 0;
    for subject in &subjects {
        match sample::make(subject, &workspace, &backend, &options, args.demo) {
            Ok(made) => {
                for warning in &made.warnings {
                    eprintln!("warning: {warning}");
                }
                eprintln!("wrote {}", display_path(&made.pdf));
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
