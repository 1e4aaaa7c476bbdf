//! `witness briefs`: the country briefs as a table of reviewed dates, or one brief in full.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use witness::brief_status::{Detail, Origin, Overview};
use witness::diagnostic::{self, Diagnostic};
use witness::load::{Catalogue, Workspace};

use super::args::Format;
use super::paint::{self, Paint};

#[derive(Debug, Args)]
pub struct BriefsArgs {
    #[command(subcommand)]
    pub command: Option<BriefsCommand>,
    /// How to print: `text`, a table for people, or `json` for programs.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,
    /// Judge staleness as of this date (default: today), e.g. a report's date.
    #[arg(long, value_name = "DATE", global = true)]
    pub as_of: Option<NaiveDate>,
    /// The folder to look for witness.toml from (default: the current folder).
    #[arg(long, value_name = "DIR", global = true)]
    pub workspace: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum BriefsCommand {
    /// One brief: its sections, the sources in its bibliography, and what cites each.
    Show {
        /// The country's id, such as kyrgyzstan.
        #[arg(value_name = "COUNTRY")]
        country: String,
    },
    /// Start a brief for a new country in the workspace: brief.toml (filled from the
    /// coverage list where the country is on it), a section per catalogue topic and a
    /// bibliography, each with prompts to replace.
    New {
        /// The new country's id: lower-case letters, digits and hyphens, such as armenia.
        #[arg(value_name = "COUNTRY")]
        country: String,
    },
}

pub fn run(args: BriefsArgs) -> anyhow::Result<ExitCode> {
    let start = args.workspace.clone().unwrap_or_else(|| PathBuf::from("."));
    let workspace = Workspace::discover(&start)?;
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    match &args.command {
        None => overview(&workspace, as_of, args.format),
        Some(BriefsCommand::Show { country }) => show(&workspace, country, as_of, args.format),
        Some(BriefsCommand::New { country }) => new(&workspace, country),
    }
}

fn new(workspace: &Workspace, country: &str) -> anyhow::Result<ExitCode> {
    let today = chrono::Local::now().date_naive();
    let made = witness::scaffold::new_brief(workspace, country, today)?;
    let paint = Paint::stderr();
    let folder = diagnostic::display_path(&made.folder);
    let from = match &made.covered {
        Some(c) => format!(" ({}, {}, from the coverage list)", c.name, c.region),
        None => String::new(),
    };
    eprintln!(
        "{} {folder}{from}: brief.toml, {} sections and sources.yml",
        paint.green("created"),
        made.files.len().saturating_sub(2)
    );
    eprintln!(
        "Replace each \"{}\" prompt, cite every claim from sources.yml, and delete the \
         sections the brief does not cover. A case on it lists what is left:\n  \
         witness new cases/NAME.toml --country {country} --profile TAGS\n  \
         witness check cases/NAME.toml",
        witness::scaffold::PLACEHOLDER
    );
    Ok(ExitCode::SUCCESS)
}

fn overview(workspace: &Workspace, as_of: NaiveDate, format: Format) -> anyhow::Result<ExitCode> {
    let overview = Overview::read(workspace, as_of)?;
    report_errors(&overview.errors);
    paint::print(&match format {
        Format::Json => json(&overview)?,
        Format::Text => overview_table(&overview, workspace),
    })?;
    Ok(if overview.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn overview_table(overview: &Overview, workspace: &Workspace) -> String {
    let mut out = String::new();
    let paint = Paint::stdout();
    let staleness = &workspace.config.staleness;
    let topic_width = overview
        .topics
        .iter()
        .map(|t| t.id.len())
        .chain([6])
        .max()
        .unwrap_or(6);
    let widths: Vec<usize> = overview
        .countries
        .iter()
        .map(|c| c.name.chars().count().max(11))
        .collect();

    let mut header = format!("{:<topic_width$}", "topic");
    for (country, width) in overview.countries.iter().zip(&widths) {
        header.push_str(&format!("  {:<width$}", country.name));
    }
    let _ = writeln!(out, "{}", paint.bold(header.trim_end()));
    for topic in &overview.topics {
        let mut line = format!("{:<topic_width$}", topic.id);
        for (country, width) in overview.countries.iter().zip(&widths) {
            let cell = match country.sections.get(&topic.id) {
                Some(cell) if cell.stale => {
                    paint.yellow(&format!("{:<width$}", format!("{}!", cell.reviewed)))
                }
                Some(cell) => format!("{:<width$}", cell.reviewed.to_string()),
                None => paint.dim(&format!("{:<width$}", "-")),
            };
            line.push_str("  ");
            line.push_str(&cell);
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let mut from = format!("{:<topic_width$}", "from");
    for (country, width) in overview.countries.iter().zip(&widths) {
        let origin = match country.origin {
            Origin::Workspace => "workspace",
            Origin::BuiltIn => "built-in",
        };
        from.push_str(&format!("  {origin:<width$}"));
    }
    let _ = writeln!(out, "{}", paint.dim(from.trim_end()));
    // A brief that cannot be read has no column; it is listed, with why, not left out.
    for broken in &overview.broken {
        let _ = writeln!(
            out,
            "{} {}: {}",
            paint.red("broken"),
            broken.id,
            broken.problems.join("; ")
        );
    }

    let overrides: Vec<String> = staleness
        .topics
        .iter()
        .map(|(topic, months)| format!("{topic} {months}"))
        .collect();
    let limits = if overrides.is_empty() {
        format!("{} months", staleness.months)
    } else {
        format!("{} months ({})", staleness.months, overrides.join(", "))
    };
    let summary = match overview.stale_count() {
        0 => paint.green("no section is stale"),
        1 => paint.yellow("1 section is stale"),
        n => paint.yellow(&format!("{n} sections are stale")),
    };
    let _ = writeln!(
        out,
        "\n{summary} on {}: a date marked ! was reviewed more than {limits} before it.",
        overview.as_of
    );
    if overview.countries.iter().any(|c| c.illustrative) {
        let _ = writeln!(
            out,
            "Built-in briefs are illustrative example content: verify every claim before relying on it."
        );
    }
    out
}

fn show(
    workspace: &Workspace,
    country: &str,
    as_of: NaiveDate,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let Some(brief) = witness::load::find_brief(workspace, country)? else {
        return Err(witness::load::unknown_country(workspace, country).for_option("briefs show"));
    };
    let catalogue = Catalogue::read(&workspace.briefs)?;
    let detail = Detail::new(&brief, &catalogue, &workspace.config.staleness, as_of);
    paint::print(&match format {
        Format::Json => json(&detail)?,
        Format::Text => detail_table(&detail),
    })?;
    Ok(ExitCode::SUCCESS)
}

fn detail_table(detail: &Detail) -> String {
    let mut out = String::new();
    let paint = Paint::stdout();
    let origin = match detail.origin {
        Origin::Workspace => "workspace",
        Origin::BuiltIn => "built-in",
    };
    let _ = writeln!(
        out,
        "{} ({}), {}: {origin} brief in {}",
        paint.bold(&detail.name),
        detail.id,
        detail.region,
        detail.folder
    );
    let _ = writeln!(
        out,
        "last reviewed {} by {}{}",
        detail.last_reviewed,
        detail.reviewer,
        if detail.illustrative {
            "; illustrative example content, to be verified"
        } else {
            ""
        }
    );

    let _ = writeln!(
        out,
        "\n{}",
        paint.bold(&format!("Sections (stale as of {})", detail.as_of))
    );
    let topic_width = detail
        .sections
        .iter()
        .map(|s| s.topic.len())
        .chain([5])
        .max()
        .unwrap_or(5);
    let _ = writeln!(
        out,
        "{}",
        paint.dim(&format!(
            "{:<topic_width$}  {:<11}  {:>7}  title",
            "topic", "reviewed", "sources"
        ))
    );
    for section in &detail.sections {
        let reviewed = if section.stale {
            paint.yellow(&format!("{:<11}", format!("{}!", section.reviewed)))
        } else {
            format!("{:<11}", section.reviewed.to_string())
        };
        let _ = writeln!(
            out,
            "{:<topic_width$}  {reviewed}  {:>7}  {}",
            section.topic,
            section.cites.len(),
            section.title
        );
        for key in &section.missing {
            let _ = writeln!(
                out,
                "{:<topic_width$}  {}",
                "",
                paint.red(&format!("cites @{key}, which the bibliography lacks"))
            );
        }
    }

    let _ = writeln!(
        out,
        "\n{}",
        paint.bold(&format!(
            "Sources ({} in {})",
            detail.sources.len(),
            detail.bibliography
        ))
    );
    let key_width = detail
        .sources
        .iter()
        .map(|s| s.source.key.len())
        .chain([3])
        .max()
        .unwrap_or(3);
    for detail in &detail.sources {
        let source = &detail.source;
        let cited = if detail.cited_by.is_empty() {
            paint.yellow("not cited")
        } else {
            format!("cited by {}", detail.cited_by.join(", "))
        };
        let described: Vec<&str> = [&source.publisher, &source.title, &source.published]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let _ = writeln!(out, "{:<key_width$}  {cited}", source.key);
        if !described.is_empty() {
            let _ = writeln!(
                out,
                "{:<key_width$}  {}",
                "",
                paint.dim(&described.join(", "))
            );
        }
    }
    out
}

fn json<T: serde::Serialize>(value: &T) -> anyhow::Result<String> {
    let json = serde_json::to_string_pretty(value).context("cannot write JSON")?;
    Ok(json + "\n")
}

fn report_errors(errors: &[Diagnostic]) {
    if errors.is_empty() {
        return;
    }
    let mut stderr = codespan_reporting::term::termcolor::StandardStream::stderr(
        diagnostic::stderr_color_choice(),
    );
    diagnostic::emit_all(&mut stderr, errors);
}
