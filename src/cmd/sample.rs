//! `witness sample`: sample reports for an agency's website, checked for leaks.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use witness::diagnostic::{self, display_path};
use witness::load::Workspace;
use witness::sample::{self, Options, Subject};

use super::TypstArgs;

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
    /// Folder for the PDFs (default: the workspace's output folder, or ./out).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Exact output file, for a single sample.
    #[arg(short, long, value_name = "FILE", conflicts_with = "all")]
    pub output: Option<PathBuf>,
    /// Stop typst after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,
    #[command(flatten)]
    pub typst: TypstArgs,
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
    let typst = args.typst.locate()?;
    let options = Options {
        out_dir: args
            .out_dir
            .clone()
            .or_else(|| workspace.output_folder())
            .unwrap_or_else(|| PathBuf::from("out")),
        output: args.output.clone(),
        timeout: Duration::from_secs(args.timeout),
    };
    let mut failed = 0;
    for subject in &subjects {
        match sample::make(subject, &workspace, &typst, &options) {
            Ok(pdf) => eprintln!("wrote {}", display_path(&pdf)),
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
