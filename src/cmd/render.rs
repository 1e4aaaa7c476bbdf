//! `witness render`: case files to PDF reports.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use witness::diagnostic::{self, display_path};
use witness::render::{self, Options};

use super::TypstArgs;

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The case file (TOML) to render.
    #[arg(value_name = "CASE", required = true)]
    pub cases: Vec<PathBuf>,
    /// Write the PDF here instead of `<out-dir>/<reference>.pdf`.
    #[arg(short, long, value_name = "FILE", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// Folder for `<reference>.pdf` (default: the workspace's output folder, or `out/` beside the case).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Keep the generated Typst source and its build folder as `<reference>.typst/`.
    #[arg(long)]
    pub keep_typ: bool,
    /// Render a draft even if checks find errors.
    #[arg(long)]
    pub force: bool,
    /// Stop typst after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,
    /// Print nothing but errors and warnings.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub typst: TypstArgs,
}

pub fn run(args: RenderArgs) -> anyhow::Result<ExitCode> {
    if args.output.is_some() && args.cases.len() > 1 {
        anyhow::bail!("-o names one file; with several cases use --out-dir");
    }
    let typst = args.typst.locate()?;
    let options = Options {
        output: args.output.clone(),
        out_dir: args.out_dir.clone(),
        keep_typ: args.keep_typ,
        force: args.force,
        timeout: Duration::from_secs(args.timeout),
    };
    let mut failed = 0;
    for case in &args.cases {
        let started = Instant::now();
        match render::render_case(case, &typst, &options) {
            Ok(rendered) => {
                let mut stderr = codespan_reporting::term::termcolor::StandardStream::stderr(
                    diagnostic::stderr_color_choice(),
                );
                diagnostic::emit_all(&mut stderr, &rendered.warnings);
                for warning in &rendered.typst_warnings {
                    eprintln!("typst: {warning}");
                }
                if !args.quiet {
                    let pages = rendered
                        .pages
                        .map_or(String::new(), |p| format!(", {p} pages"));
                    eprintln!(
                        "wrote {}{pages} in {:.2} s",
                        display_path(&rendered.pdf),
                        started.elapsed().as_secs_f64()
                    );
                    if let Some(build) = &rendered.build_folder {
                        eprintln!(
                            "kept the Typst source in {}",
                            display_path(&build.join("main.typ"))
                        );
                    }
                }
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
