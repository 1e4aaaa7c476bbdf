//! `witness completions SHELL`: a shell completion script on stdout.

use std::process::ExitCode;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}

pub fn run(args: CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut command = super::Cli::command();
    // Made in memory first: writing straight to a closed pipe would panic.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "witness", &mut script);
    super::paint::print(&String::from_utf8_lossy(&script))?;
    Ok(ExitCode::SUCCESS)
}
