//! Starting points on disk: a new workspace (`witness init`) and a new case file (`witness new`).
//!
//! Both only ever add files: an existing file is kept as it is and reported, never overwritten
//! (a new case file may replace an old one only when asked to).

mod brief;
pub use brief::{NewBrief, new_brief};
mod case_template;
mod toml_escape;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use include_dir::Dir;
use serde::Deserialize;

use crate::load::case::Case;
use crate::load::toml_file;
use crate::load::tree::{BUILTIN_BRIEFS, BUILTIN_TEMPLATES};
use crate::load::workspace::FILE_NAME;
use crate::load::{Catalogue, Profile, Workspace};

use case_template::{CaseTemplate, Topic};
use toml_escape::basic_string;

/// How every prompt that `witness new` leaves for the expert begins. witness prints case text
/// as it stands, so the marker is what shows in a draft (and what a check can look for) where
/// something is still to be written.
pub const PLACEHOLDER: &str = "TO WRITE:";

/// The example case `witness init` writes: a shortened copy of examples/kyrgyzstan-journalist.
const EXAMPLE_CASE: &str = include_str!("example-case.toml");
const EXAMPLE_CASE_PATH: &str = "cases/example.toml";

/// Standard questions by profile tag, for `witness new`.
const QUESTIONS: &str = include_str!("questions.toml");

/// Built-in template files that are not copied by `witness init --templates`: the bundled
/// fonts are large, and witness hands them to typst from its own copy anyway.
const NOT_COPIED: &[&str] = &["common/fonts"];

/// What `witness init` should make.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// Copy the built-in report templates too, for a workspace that customises them.
    pub templates: bool,
    /// The expert's name for witness.toml's `[expert]`.
    pub expert: Option<String>,
}

/// One file or folder `init` or `new` dealt with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Where it is.
    pub path: PathBuf,
    /// False when the file was there already and was left alone.
    pub created: bool,
}

/// Sets up a workspace in `dir`, creating the folder if need be.
///
/// Refuses a folder that already has a witness.toml, so running it twice does nothing by
/// accident; other files that already exist are kept, and reported as kept.
pub fn init(dir: &Path, options: &InitOptions) -> Result<Vec<Written>> {
    let config = dir.join(FILE_NAME);
    if config.exists() {
        bail!(
            "{} already exists: {} is a witness workspace already\n  \
             help: edit witness.toml, or run `witness init` in another folder",
            config.display(),
            dir.display()
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    written.push(write_new(&config, workspace_config(options).as_bytes())?);
    written.push(copy_builtin(
        &BUILTIN_BRIEFS,
        &dir.join("country-briefs"),
        &[],
    )?);
    if options.templates {
        written.push(copy_builtin(
            &BUILTIN_TEMPLATES,
            &dir.join("report-templates"),
            NOT_COPIED,
        )?);
    }
    let example = dir.join(EXAMPLE_CASE_PATH);
    std::fs::create_dir_all(example.parent().expect("has a folder"))?;
    written.push(write_new(&example, EXAMPLE_CASE.as_bytes())?);
    written.push(write_new(&dir.join(".gitignore"), GITIGNORE.as_bytes())?);
    Ok(written)
}

const GITIGNORE: &str = "\
# witness output: PDFs and provenance, kept Typst sources, build folders of running renders.
out/
*.typst/
.witness-build-*
";

/// witness.toml for a new workspace: every key present, the optional ones commented out.
fn workspace_config(options: &InitOptions) -> String {
    let name = options
        .expert
        .as_deref()
        .map(basic_string)
        .unwrap_or_else(|| basic_string(&format!("{PLACEHOLDER} your name")));
    let templates = if options.templates { "" } else { "# " };
    format!(
        r#"# The witness workspace: folders and defaults for every case file in or below this folder.
# docs/case-file.md, section "witness.toml", describes every key.

[folders]
briefs = "country-briefs"          # your copy of the country briefs: review, extend, add countries
output = "out"                     # where `witness render` puts PDFs
{templates}templates = "report-templates"  # your own report templates (`witness init --templates`)
# fonts = "fonts"                  # a folder of extra fonts for typst

# The expert, for every case without an [expert] table of its own.
[expert]
name = {name}
# credentials = "PhD (Central Asian Politics)"
# affiliation = "University of ..."
# contact = "you@example.org"
# The report needs a signature (E140 in a final report): sign the printed copy in ink, or give
# an image of your signature beside this file instead: signature = "signature.png".
signed_by_hand = true
qualifications = """
{PLACEHOLDER} your qualifications and experience as an expert on the countries you write about,
in a paragraph or two. A blank line starts a new paragraph.
"""

# The practice or agency the reports come from, for `witness sample`.
[brand]
# name = "Eastbridge Country Evidence"
# tagline = "Independent country evidence"
# website = "eastbridge.example.org"
# email = "reports@eastbridge.example.org"
# phone = "+44 20 7946 0000"
# logo = "brand/logo.png"          # inside this folder
# colour = '#1f2a44'               # the web article's header and headings
# accent = '#b5651d'               # its links and marks

# How long a brief section stays current after its `reviewed` date; `witness briefs` marks
# older sections as stale.
[staleness]
months = 12

[staleness.topics]                 # limits for particular topics, in months
history = 36                       # background changes slowly
"#
    )
}

/// Writes a file that must not exist yet; an existing one is kept and reported as kept.
fn write_new(path: &Path, bytes: &[u8]) -> Result<Written> {
    use std::io::Write;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(mut file) => {
            file.write_all(bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(Written {
                path: path.to_path_buf(),
                created: true,
            })
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(Written {
            path: path.to_path_buf(),
            created: false,
        }),
        Err(error) => Err(error).with_context(|| format!("cannot create {}", path.display())),
    }
}

/// Copies a folder built into the binary to `target`, unless `target` already exists: a
/// workspace's own folder is the expert's work, never to be mixed with a fresh copy.
fn copy_builtin(dir: &'static Dir<'static>, target: &Path, skip: &[&str]) -> Result<Written> {
    if target.exists() {
        return Ok(Written {
            path: target.to_path_buf(),
            created: false,
        });
    }
    fn copy(dir: &Dir, target: &Path, skip: &[&str]) -> Result<()> {
        for file in dir.files() {
            let path = target.join(file.path());
            std::fs::create_dir_all(path.parent().expect("has a folder"))
                .with_context(|| format!("cannot create the folder of {}", path.display()))?;
            std::fs::write(&path, file.contents())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        for sub in dir.dirs() {
            if !skip.iter().any(|s| sub.path() == Path::new(s)) {
                copy(sub, target, skip)?;
            }
        }
        Ok(())
    }
    copy(dir, target, skip)?;
    Ok(Written {
        path: target.to_path_buf(),
        created: true,
    })
}

/// What `witness new` should put in a case file.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The country id, which names the brief, such as `kyrgyzstan`.
    pub country: String,
    /// Profile tags from the catalogue, such as `journalist`.
    pub profile: Vec<String>,
    /// The jurisdiction profile's id, such as `uk-iac`.
    pub jurisdiction: String,
    /// Default: made from the file's name.
    pub reference: Option<String>,
    /// The applicant's name; without it the file prompts for one.
    pub applicant: Option<String>,
    /// The report's date.
    pub date: chrono::NaiveDate,
}

/// A case file ready to write, with what went into it for the summary `witness new` prints.
#[derive(Debug, Clone)]
pub struct CaseDraft {
    /// The case file's text, already read back as `render` reads it.
    pub text: String,
    /// The report's reference, given or made from the file's name.
    pub reference: String,
    /// The topics the report covers, in report order.
    pub topics: Vec<String>,
    /// Topics the profile calls for that the country's brief has no section on.
    pub uncovered: Vec<String>,
    /// How many standard questions the file starts with.
    pub questions: usize,
}

/// The standard questions, by where they go.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Questions {
    opening: Vec<String>,
    closing: Vec<String>,
    profiles: BTreeMap<String, Vec<String>>,
}

/// Makes the text of a new case file for `path`, checking the country, the profile tags and
/// the jurisdiction against the workspace that `path` would belong to.
pub fn new_case(path: &Path, case: &NewCase) -> Result<CaseDraft> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // The case's folder may not exist yet: look for the workspace from its nearest ancestor.
    let absolute = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
    let existing = absolute
        .ancestors()
        .find(|dir| dir.is_dir())
        .unwrap_or(Path::new("."));
    let workspace = Workspace::discover(existing)?;
    let catalogue = Catalogue::read(&workspace.briefs)?;

    let brief = crate::load::find_brief(&workspace, &case.country)?.ok_or_else(|| {
        crate::load::unknown_country(&workspace, &case.country).for_option("--country")
    })?;

    let tags: Vec<String> = catalogue.profiles.keys().cloned().collect();
    for tag in &case.profile {
        if !catalogue.profiles.contains_key(tag) {
            bail!(
                "--profile: unknown profile tag `{tag}`\n  help: {}",
                crate::lookup::help(tag, &tags, "profile tags")
            );
        }
    }

    let profile = jurisdiction(&workspace, &case.jurisdiction)?;

    let wanted = catalogue.topics_for_profile(&case.profile);
    let (topics, uncovered): (Vec<String>, Vec<String>) = wanted
        .into_iter()
        .partition(|topic| brief.section(topic).is_some());

    let questions = standard_questions(&case.profile)?;
    let fill = |q: &str| {
        q.replace("{country}", &brief.info.name)
            .replace("{applicant}", &profile.applicant_label)
    };
    let questions: Vec<String> = questions.iter().map(|q| fill(q)).collect();

    let reference = case
        .reference
        .clone()
        .unwrap_or_else(|| reference_from_path(path));
    let text = CaseTemplate {
        date: case.date,
        reference: &reference,
        country: &case.country,
        country_name: &brief.info.name,
        adjective: &brief.info.adjective,
        jurisdiction: &case.jurisdiction,
        tribunal: &profile.tribunal,
        applicant_label: &profile.applicant_label,
        profile: &case.profile,
        topics: topics
            .iter()
            .map(|id| Topic {
                id,
                title: catalogue
                    .topic(id)
                    .map_or(id.as_str(), |t| t.title.as_str()),
            })
            .collect(),
        uncovered: &uncovered,
        questions: &questions,
        workspace_expert: workspace.config.expert.is_some(),
        // A blank name is no name: prompt for one, rather than write a file that `render`
        // refuses for its empty applicant.name.
        applicant: case.applicant.as_deref().filter(|a| !a.trim().is_empty()),
        country_guidance: brief
            .authorities
            .binding(&topics)
            .filter(|_| profile.country_guidance)
            .map(|a| case_template::Guidance {
                key: &a.key,
                citation: &a.citation,
            })
            .collect(),
    }
    .render()?;

    // witness must never write a case file it cannot read back: parse it as `render` would.
    let parsed: Arc<str> = Arc::from(text.as_str());
    toml_file::parse::<Case>(path, &parsed).map_err(|d| {
        anyhow::anyhow!("witness made a case file it cannot read (a bug in witness): {d}")
    })?;

    Ok(CaseDraft {
        text,
        reference,
        topics,
        uncovered,
        questions: questions.len(),
    })
}

/// Writes a drafted case file, refusing to replace an existing file unless `replace`.
pub fn write_case(path: &Path, draft: &CaseDraft, replace: bool) -> Result<()> {
    if path.is_dir() {
        bail!(
            "{} is a folder; give the case file's name, such as {}",
            path.display(),
            path.join("case.toml").display()
        );
    }
    if path.exists() && !replace {
        bail!(
            "{} already exists\n  help: choose another name, or pass --force to replace it",
            path.display()
        );
    }
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    crate::write::atomic_write(path, draft.text.as_bytes())
}

/// The jurisdiction profile `id`, read as `render` reads it.
fn jurisdiction(workspace: &Workspace, id: &str) -> Result<Profile> {
    Profile::find(&workspace.templates, id)?.ok_or_else(|| {
        crate::load::profile::unknown_jurisdiction(&workspace.templates, id)
            .for_option("--jurisdiction")
    })
}

/// The opening questions, those of each tag in the order given, then the closing ones; each
/// question once.
fn standard_questions(tags: &[String]) -> Result<Vec<String>> {
    let text: Arc<str> = Arc::from(QUESTIONS);
    let questions: Questions = toml_file::parse(Path::new("<built-in>/questions.toml"), &text)?;
    let mut all: Vec<String> = questions.opening.clone();
    for tag in tags {
        all.extend(questions.profiles.get(tag).into_iter().flatten().cloned());
    }
    all.extend(questions.closing.iter().cloned());
    let mut seen = Vec::new();
    all.retain(|q| {
        let new = !seen.contains(q);
        seen.push(q.clone());
        new
    });
    Ok(all)
}

/// A report reference from the case file's name: `cases/smith.toml` gives `smith`, and
/// `cases/smith/case.toml` gives `smith`. Characters that cannot be in a file name become `-`.
pub fn reference_from_path(path: &Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let name = if stem.eq_ignore_ascii_case("case") || stem.is_empty() {
        std::path::absolute(path)
            .ok()
            .and_then(|p| {
                p.parent()
                    .and_then(|f| f.file_name())
                    .and_then(|f| f.to_str())
                    .map(str::to_string)
            })
            .unwrap_or_default()
    } else {
        stem.to_string()
    };
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | ' ') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '-' || c.is_whitespace());
    if cleaned.is_empty() {
        "CASE-001".to_string()
    } else {
        cleaned.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_questions_parse_and_cover_every_catalogue_tag() {
        let catalogue = Catalogue::read(&Workspace::builtin_only().briefs).unwrap();
        let text: Arc<str> = Arc::from(QUESTIONS);
        let questions: Questions = toml_file::parse(Path::new("questions.toml"), &text).unwrap();
        for tag in catalogue.profiles.keys() {
            assert!(
                questions.profiles.contains_key(tag),
                "no questions for {tag}"
            );
        }
        for tag in questions.profiles.keys() {
            assert!(catalogue.profiles.contains_key(tag), "{tag} is not a tag");
        }
    }

    #[test]
    fn references_come_from_the_file_or_its_folder() {
        assert_eq!(reference_from_path(Path::new("cases/smith.toml")), "smith");
        assert_eq!(
            reference_from_path(Path::new("cases/KGZ 2026/case.toml")),
            "KGZ 2026"
        );
        assert_eq!(reference_from_path(Path::new("a/b:c?.toml")), "b-c");
        assert_eq!(reference_from_path(Path::new("?.toml")), "CASE-001");
    }

    #[test]
    fn a_new_case_parses_and_has_the_profile_topics() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("smith.toml");
        let draft = new_case(
            &path,
            &NewCase {
                country: "kazakhstan".into(),
                profile: vec!["journalist".into(), "lgbt".into()],
                jurisdiction: "us-eoir".into(),
                reference: None,
                applicant: None,
                date: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            },
        )
        .unwrap();
        assert_eq!(draft.reference, "smith");
        assert_eq!(
            draft.topics,
            ["history", "freedom-of-speech", "surveillance", "minorities"]
        );
        assert_eq!(draft.uncovered, ["returnees"]);
        assert!(draft.text.contains("the Respondent's account"));
        let case: Case = toml::from_str(&draft.text).unwrap();
        assert_eq!(case.questions.len(), draft.questions);
        assert_eq!(case.analysis.len(), 4);
    }

    #[test]
    fn hostile_names_and_references_come_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.toml");
        for hostile in [
            "Name \"quoted\" \\ back",
            "a\nb\r\nc\td\u{7}",
            "ends with a quote\"",
            "x \"\"\" y \"\"\"\" z '''",
            "{{applicant}} }} {{ {{{to_write}}} {{#if x}}",
            // A line break must not end the comment that shows the reference and start TOML.
            "x\nappeal_number = \"INJECTED\"\n#",
        ] {
            let draft = new_case(
                &path,
                &NewCase {
                    country: "kyrgyzstan".into(),
                    profile: vec!["journalist".into()],
                    jurisdiction: "uk-iac".into(),
                    reference: Some(hostile.into()),
                    applicant: Some(hostile.into()),
                    date: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
                },
            )
            .unwrap();
            write_case(&path, &draft, true).unwrap();
            let text: Arc<str> = Arc::from(std::fs::read_to_string(&path).unwrap());
            let case: Case = toml_file::parse(&path, &text).unwrap();
            assert_eq!(case.applicant.name, hostile);
            assert_eq!(case.report.reference, hostile);
            assert_eq!(draft.reference, hostile);
            assert_eq!(case.report.appeal_number, None, "{text}");
        }
    }

    #[test]
    fn unknown_choices_are_refused_with_a_suggestion() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.toml");
        let base = NewCase {
            country: "kyrgyzstan".into(),
            profile: vec!["journalist".into()],
            jurisdiction: "uk-iac".into(),
            reference: None,
            applicant: None,
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        };
        let error = |case: NewCase| new_case(&path, &case).unwrap_err().to_string();
        let e = error(NewCase {
            country: "kyrgystan".into(),
            ..base.clone()
        });
        assert!(e.contains("--country") && e.contains("`kyrgyzstan`"), "{e}");
        let e = error(NewCase {
            profile: vec!["journalst".into()],
            ..base.clone()
        });
        assert!(e.contains("--profile") && e.contains("`journalist`"), "{e}");
        let e = error(NewCase {
            jurisdiction: "uk-ica".into(),
            ..base
        });
        assert!(
            e.contains("--jurisdiction") && e.contains("`uk-iac`"),
            "{e}"
        );
    }
}
