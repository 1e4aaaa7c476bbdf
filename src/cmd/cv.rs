//! `witness cv CASE`: the expert's CV as a PDF of its own, in the house style.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use witness::diagnostic::display_path;
use witness::pipeline::Pdf;

use super::args::{OutputArgs, PolicyArgs};

#[derive(Debug, Args)]
pub struct CvArgs {
    /// The case whose expert's CV to render (its `expert.cv`, or witness.toml's).
    #[arg(value_name = "CASE")]
    pub case: PathBuf,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: CvArgs) -> anyhow::Result<ExitCode> {
    let backend = Pdf {
        typst: args.output.typst.locate()?,
    };
    let options = args
        .output
        .options(&PolicyArgs { allow_stale: false }, false);
    let pdf = witness::cv::make(&args.case, &backend, &options)?;
    eprintln!("wrote {}", display_path(&pdf));
    Ok(ExitCode::SUCCESS)
}
