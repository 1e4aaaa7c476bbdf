//! `witness init [DIR]`: a new workspace with its own briefs, ready for `witness new`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use witness::diagnostic::display_path;
use witness::scaffold::{self, InitOptions};

use super::paint::Paint;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The workspace folder, created if missing (default: the current folder).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Also copy the report templates, to customise them. Without this the built-in templates
    /// serve, and improve with each release of witness.
    #[arg(long)]
    pub templates: bool,
    /// The expert's name, for witness.toml's [expert].
    #[arg(long, value_name = "NAME")]
    pub expert: Option<String>,
}

pub fn run(args: InitArgs) -> anyhow::Result<ExitCode> {
    let written = scaffold::init(
        &args.dir,
        &InitOptions {
            templates: args.templates,
            expert: args.expert.clone(),
        },
    )?;
    let paint = Paint::stderr();
    for file in &written {
        let path = display_path(&file.path);
        if file.created {
            eprintln!("{} {path}", paint.green("created"));
        } else {
            eprintln!("{} {path} (it exists already)", paint.yellow("kept"));
        }
    }
    let dir = display_path(&args.dir);
    let cases = if dir == "." {
        "cases".to_string()
    } else {
        format!("{dir}/cases")
    };
    eprintln!(
        "\nNext:\n  \
         witness render {cases}/example.toml      # the example, to see a finished report\n  \
         witness new {cases}/NAME.toml --country kyrgyzstan --profile journalist\n  \
         witness watch {cases}/NAME.toml          # the PDF follows your edits\n\
         Put your name and qualifications in {}.",
        display_path(&args.dir.join("witness.toml"))
    );
    Ok(ExitCode::SUCCESS)
}
