//! `witness diff OLD NEW`: what changed since a served version, as a summary and a redline PDF.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use witness::diagnostic::display_path;
use witness::pipeline::Pdf;
use witness::redline::{self, Comparison};
use witness::served::Snapshot;

use super::args::{Format, OutputArgs, PolicyArgs};

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The served version: the `.snapshot.json` written beside its PDF.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The new version: a case file (as it is now), or another snapshot.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Print the summary only; typeset no redline.
    #[arg(long)]
    pub summary_only: bool,
    /// How to print the summary: text, or JSON on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let (old, _) = Snapshot::from_path(&args.old)?;
    let (new, inputs) = Snapshot::from_path(&args.new)?;
    let comparison = Comparison::of(&old, &args.old, &new, &args.new);
    let pdf = if args.summary_only {
        None
    } else {
        let inputs = match inputs {
            Some(inputs) => inputs,
            None => redline::case_of(&new, &args.new)?,
        };
        let options = args
            .output
            .options(&PolicyArgs { allow_stale: false }, false);
        let backend = Pdf {
            typst: args.output.typst.locate()?,
        };
        let destination = redline::destination(&inputs, &options);
        Some(redline::make(
            &inputs,
            &comparison,
            &old,
            &new,
            destination,
            &backend,
            &options,
        )?)
    };
    match args.format {
        Format::Json => {
            let mut json = serde_json::to_value(&comparison)?;
            json["redline"] = pdf.as_deref().map(display_path).into();
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        Format::Text => {
            println!("{}", comparison.one_line());
            if let Some(pdf) = &pdf {
                eprintln!("wrote {}", display_path(pdf));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
