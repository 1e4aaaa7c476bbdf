//! Subcommands, one file each; each is a thin layer over the library's pipeline.

mod args;
mod check;
mod cv;
mod diff;
mod render;
mod sample;
// The authoring loop: start a workspace or case, watch it, inspect briefs and set-up.
mod briefs;
mod completions;
mod doctor;
mod init;
mod man;
mod new;
mod paint;
mod watch;

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
    /// Set up a workspace: witness.toml, a copy of the country briefs, an example case.
    Init(init::InitArgs),
    /// Start a case file with every section in place and prompts for what to write.
    New(new::NewArgs),
    /// Render a case, then render it again whenever it, its brief or the templates change.
    Watch(watch::WatchArgs),
    /// List the country briefs and when each section was last reviewed.
    Briefs(briefs::BriefsArgs),
    /// Show what witness finds and uses: typst, fonts, workspace, briefs, templates.
    Doctor(doctor::DoctorArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the manual page, or write one per subcommand with --out-dir.
    Man(man::ManArgs),
    /// Check case files for what would get a report excluded or discounted, without typesetting.
    Check(check::CheckArgs),
    /// Make a sample report for marketing: a country's brief, or a real case anonymised.
    Sample(sample::SampleArgs),
    /// Render the expert's CV as a document of its own, in the report's house style.
    Cv(cv::CvArgs),
    /// Compare a served version's snapshot with the report now: a summary and a redline PDF.
    Diff(diff::DiffArgs),
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
        Command::Init(args) => init::run(args),
        Command::New(args) => new::run(args),
        Command::Watch(args) => watch::run(args),
        Command::Briefs(args) => briefs::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
        Command::Check(args) => check::run(args),
        Command::Sample(args) => sample::run(args),
        Command::Cv(args) => cv::run(args),
        Command::Diff(args) => diff::run(args),
    }
}
