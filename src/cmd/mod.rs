//! Subcommands, one file each; each is a thin layer over the library's pipeline.

mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Expert witness reports on country conditions, typeset from a case file and country briefs.
#[derive(Debug, Parser)]
#[command(name = "witness", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Render a case file to a PDF report.
    Render(render::RenderArgs),
}

/// How to find the typst CLI; shared by every command that typesets.
#[derive(Debug, Clone, Args)]
pub struct TypstArgs {
    /// Path to the typst binary (default: WITNESS_TYPST, `typst` on PATH, or witness's own copy).
    #[arg(long, value_name = "PATH")]
    pub typst: Option<PathBuf>,
    /// Never install typst; fail with instructions instead (also WITNESS_NO_INSTALL=1).
    #[arg(long)]
    pub no_install: bool,
}

impl TypstArgs {
    pub fn locate(&self) -> anyhow::Result<witness::typeset::Typst> {
        witness::typeset::locate::locate(&witness::typeset::locate::Options {
            explicit: self.typst.clone(),
            no_install: self.no_install,
        })
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Render(args) => render::run(args),
    }
}
