//! `witness new PATH`: a case file with every section in place and prompts for the expert.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use witness::diagnostic::display_path;
use witness::scaffold::{self, NewCase, PLACEHOLDER};

use super::paint::Paint;

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The case file to create, such as cases/smith.toml.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// The country brief to draw on, such as kyrgyzstan (`witness briefs` lists them).
    #[arg(long, value_name = "COUNTRY")]
    pub country: String,
    /// The applicant's profile tags, comma-separated, such as journalist,activist; they choose
    /// the topics and the standard questions.
    #[arg(long, value_name = "TAGS", value_delimiter = ',', required = true)]
    pub profile: Vec<String>,
    /// The tribunal or court: uk-iac, uk-cpr or us-eoir.
    #[arg(long, value_name = "ID", default_value = "uk-iac")]
    pub jurisdiction: String,
    /// The report's reference, which names the PDF (default: from the file's name).
    #[arg(long, value_name = "REF")]
    pub reference: Option<String>,
    /// The applicant's name.
    #[arg(long, value_name = "NAME")]
    pub applicant: Option<String>,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: NewArgs) -> anyhow::Result<ExitCode> {
    let profile: Vec<String> = args
        .profile
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    let draft = scaffold::new_case(
        &args.path,
        &NewCase {
            country: args.country.clone(),
            profile,
            jurisdiction: args.jurisdiction.clone(),
            reference: args.reference.clone(),
            applicant: args.applicant.clone(),
            date: chrono::Local::now().date_naive(),
        },
    )?;
    scaffold::write_case(&args.path, &draft, args.force)?;
    let paint = Paint::stderr();
    let path = display_path(&args.path);
    eprintln!(
        "{} {path}: report {}, {} topics ({}), {} questions",
        paint.green("created"),
        draft.reference,
        draft.topics.len(),
        draft.topics.join(", "),
        draft.questions
    );
    if !draft.uncovered.is_empty() {
        eprintln!(
            "{} the profile also calls for {}, which the {} brief has no section on",
            paint.yellow("note:"),
            draft.uncovered.join(", "),
            args.country
        );
    }
    eprintln!(
        "Replace each \"{PLACEHOLDER}\" prompt in it while watching the PDF follow:\n  \
         witness watch {path}\n\
         (`witness render {path}` makes a draft meanwhile: the prompts are warnings in a draft,\n\
         and errors in a final report, which is not written until every one is replaced.)"
    );
    Ok(ExitCode::SUCCESS)
}
