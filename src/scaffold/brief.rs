//! `witness briefs new COUNTRY`: a new country brief in the workspace, every file in place and
//! a prompt wherever the expert has to write.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;

use super::PLACEHOLDER;
use super::toml_escape::{basic_string, comment};
use crate::load::{Catalogue, Workspace};
use crate::sample::CoveredCountry;

/// What `briefs new` wrote.
#[derive(Debug)]
pub struct NewBrief {
    /// The brief's folder.
    pub folder: PathBuf,
    /// Every file written, in the order written.
    pub files: Vec<PathBuf>,
    /// The coverage entry the brief was filled from, if the country is on the list.
    pub covered: Option<CoveredCountry>,
}

/// Writes a brief for `country` (an id such as `armenia`) into the workspace's briefs folder:
/// brief.toml, one section per catalogue topic, and a bibliography with one example entry
/// in comments. Refuses a country the workspace already has a brief for.
pub fn new_brief(workspace: &Workspace, country: &str, today: NaiveDate) -> Result<NewBrief> {
    if !crate::lookup::is_plain_name(country) {
        bail!(
            "`{country}` cannot be a country id\n  help: use lower-case letters, digits and \
             hyphens, such as `south-sudan`"
        );
    }
    let Some(root) = &workspace.root else {
        bail!(
            "there is no workspace here to write the brief into\n  help: run `witness init` \
             to make one (or pass --workspace DIR)"
        );
    };
    let Some(briefs) = &workspace.config.folders.briefs else {
        bail!(
            "witness.toml names no briefs folder\n  help: add `[folders]` with \
             `briefs = \"country-briefs\"` to {}",
            crate::diagnostic::display_path(&root.join(crate::load::workspace::FILE_NAME))
        );
    };
    let folder = root.join(briefs).join(country);
    // A built-in brief of that name would be replaced, unseen, by a folder of prompts.
    if !folder.exists() && workspace.briefs.folders().iter().any(|id| id == country) {
        bail!(
            "witness has a built-in brief for `{country}`\n  help: copy it into the workspace \
             (`witness init` does, for every built-in brief) and edit that copy, or choose \
             another id"
        );
    }
    if folder.exists() {
        bail!(
            "{} already exists\n  help: edit that brief, or choose another id",
            crate::diagnostic::display_path(&folder)
        );
    }
    let catalogue = Catalogue::read(&workspace.briefs)?;
    let covered = covered_country(workspace, country)?;

    let mut files = vec![(
        folder.join("brief.toml"),
        brief_toml(country, covered.as_ref(), today),
    )];
    for topic in &catalogue.topics {
        files.push((
            folder.join(format!("{}.md", topic.id)),
            section(&topic.title, &topic.description, today),
        ));
    }
    files.push((folder.join("sources.yml"), SOURCES.to_string()));

    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let mut written = Vec::new();
    for (path, text) in files {
        crate::write::atomic_write(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(NewBrief {
        folder,
        files: written,
        covered,
    })
}

/// The coverage list's entry for `country`: its name, with hyphens as spaces, in any case.
fn covered_country(workspace: &Workspace, country: &str) -> Result<Option<CoveredCountry>> {
    let Some(coverage) = crate::sample::read_coverage(workspace)? else {
        return Ok(None);
    };
    let wanted = country.replace('-', " ");
    Ok(coverage
        .countries
        .into_iter()
        .find(|c| c.name.to_lowercase().replace('-', " ") == wanted))
}

fn brief_toml(country: &str, covered: Option<&CoveredCountry>, today: NaiveDate) -> String {
    let prompt = |what: &str| basic_string(&format!("{PLACEHOLDER} {what}"));
    let (name, region) = match covered {
        Some(c) => (basic_string(&c.name), basic_string(&c.region)),
        None => (
            prompt("the country's name, as printed"),
            prompt("the region, such as \"Central Asia\""),
        ),
    };
    let focus = covered.map_or(String::new(), |c| {
        format!("# The coverage list's note on it: {}\n", comment(&c.focus))
    });
    format!(
        "# The brief on {country}: what it is and when it was last reviewed (docs/briefs.md).\n\
         # Replace each \"{PLACEHOLDER}\" prompt; `witness check` lists those left.\n\
         name = {name}\n\
         adjective = {adjective}\n\
         region = {region}\n\
         {focus}\
         summary = {summary}\n\
         last_reviewed = {today}\n\
         reviewer = {reviewer}\n\
         # Set `illustrative = true` (with an `illustrative_note`) for example material that\n\
         # nobody has verified: a final report cannot rest on it (E130).\n\
         illustrative = false\n",
        adjective = prompt("the adjective for its nationals, such as \"Kyrgyz\""),
        summary = prompt("one paragraph on conditions in the country"),
        reviewer = prompt("your name"),
    )
}

fn section(title: &str, description: &str, today: NaiveDate) -> String {
    format!(
        "+++\ntitle = {}\nreviewed = {today}\n+++\n\n{PLACEHOLDER} {}\n\n\
         > [!NOTE]\n\
         > Cite each claim from sources.yml, as [\\@key, p. 3]. Delete this file if the brief\n\
         > does not cover the topic, and this note once the section is written.\n",
        basic_string(title),
        description.trim()
    )
}

/// The bibliography a new brief starts with: one example entry, in comments.
const SOURCES: &str = "\
# The brief's bibliography, Hayagriva YAML (docs/briefs.md); or replace this file with
# sources.bib from Zotero's Better BibTeX export. Every entry needs a publisher or author,
# a title, the date of publication, the address and the date you accessed it (E202):
#
# hrw-wr-2026:
#   type: web
#   title: \"World Report 2026: Country\"
#   publisher: Human Rights Watch
#   date: 2026-01-15
#   url:
#     value: https://www.hrw.org/world-report/2026
#     date: 2026-11-01      # accessed
";
