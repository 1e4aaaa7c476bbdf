//! The `witness` command line: parse arguments, run a subcommand, report errors.

mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(error) => {
            witness::diagnostic::report_error(&error);
            ExitCode::FAILURE
        }
    }
}
