//! Flags that several subcommands share, declared once and flattened into each (as typst-cli
//! flattens `CompileArgs` into `WatchCommand`), so a flag means one thing everywhere.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use witness::pipeline::Options;

use super::TypstArgs;

/// Where the output goes and how typst makes it: `render`, `watch` and `sample`.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Write the output here instead of `<out-dir>/<reference>.pdf` (one case only).
    #[arg(short, long, value_name = "FILE", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// Folder for the output (default: the workspace's output folder, or `out/` beside the case).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Keep the generated Typst source and its build folder as `<reference>.typst/`.
    #[arg(long)]
    pub keep_typ: bool,
    /// Make the PDF conform to a standard: a-2b for archiving (PDF/A-2b), ua-1 for
    /// accessibility (PDF/UA-1). Repeat for both.
    #[arg(long, value_name = "STANDARD", value_parser = ["a-2b", "a-3b", "a-4", "ua-1"])]
    pub standard: Vec<String>,
    /// Stop typst after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,
    #[command(flatten)]
    pub typst: TypstArgs,
}

/// How check findings are treated: `render`, `watch` and `check`.
#[derive(Debug, Clone, Args)]
pub struct PolicyArgs {
    /// Accept stale sections and sources in a final report (they stay warnings).
    #[arg(long)]
    pub allow_stale: bool,
}

impl OutputArgs {
    /// The pipeline's options for these flags; `force` typesets a draft despite errors.
    pub fn options(&self, policy: &PolicyArgs, force: bool) -> Options {
        Options {
            output: self.output.clone(),
            out_dir: self.out_dir.clone(),
            keep_typ: self.keep_typ,
            force,
            allow_stale: policy.allow_stale,
            pdf_standards: self.standard.clone(),
            timeout: Duration::from_secs(self.timeout),
        }
    }
}

/// How a verb prints its results: the same two words for every verb.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: aligned text, colour on a terminal.
    #[default]
    Text,
    /// For programs: JSON on stdout.
    Json,
}

/// Refuses `-o` naming a file of another kind than the one asked for: `-o report.pdf --to
/// docx` would put a Word document under a PDF's name.
pub fn refuse_other_kind(output: Option<&std::path::Path>, extension: &str) -> anyhow::Result<()> {
    match output {
        Some(path)
            if path
                .extension()
                .is_some_and(|e| !e.eq_ignore_ascii_case(extension)) =>
        {
            anyhow::bail!(
                "-o {} does not end in .{extension}, the kind --to asks for",
                witness::diagnostic::display_path(path)
            )
        }
        _ => Ok(()),
    }
}
