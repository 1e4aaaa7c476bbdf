//! Jurisdiction profiles: what a tribunal or court requires of a report, as data.
//!
//! One file per jurisdiction under report-templates/jurisdictions/, so a new jurisdiction
//! is a new file, not new code.

use serde::{Deserialize, Serialize};

use super::case::CaseFile;
use super::toml_file;
use super::tree::Layers;
use crate::diagnostic::Diagnostic;

/// Name of the folder within the templates that holds one TOML profile per jurisdiction.
pub const FOLDER: &str = "jurisdictions";

/// What one jurisdiction requires of a report, from `jurisdictions/ID.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The tribunal or court, as named on the cover.
    pub tribunal: String,
    /// The line the report is addressed with: always the tribunal, never the instructing party.
    pub addressee: String,
    /// Typst paper name: `a4` or `us-letter`.
    pub paper: String,
    /// How the report refers to the applicant ("the Appellant", "the Respondent").
    pub applicant_label: String,
    /// Pages the tribunal accepts without leave, if it sets a limit.
    pub page_limit: Option<u32>,
    /// The expert's declaration of duty, one paragraph per entry.
    pub duty_declaration: Vec<String>,
    /// The heading over the statement of truth.
    #[serde(default = "default_statement_heading")]
    pub statement_heading: String,
    /// The statement of truth, in the exact words the rules prescribe.
    pub statement_of_truth: String,
    /// The form used instead when the case says the report is signed in the United States.
    pub statement_of_truth_in_united_states: Option<String>,
    /// Whether the signature block says "Executed on <date>" (28 U.S.C. 1746).
    #[serde(default)]
    pub executed_on: bool,
    /// Whether the forum is bound by the Upper Tribunal's country guidance, so that a report
    /// must say where it stands on each current decision on its topics (E170).
    #[serde(default)]
    pub country_guidance: bool,
    /// Parts of the report the rules require; `witness check` reports those missing.
    #[serde(default)]
    pub required: Vec<String>,
    /// The small print at the foot of the cover.
    pub cover_note: Option<String>,
    /// Where an addendum needs the forum's permission: what it takes, in a phrase that
    /// follows "served with" ("a written application, with reasons, for the Tribunal's
    /// permission to rely on it (Practice Direction, para 9.2)").
    pub addendum_permission: Option<String>,
    /// The rules the profile follows, shown in the methodology section.
    pub rules: String,
    /// What the forum's rules say of the printed page; the house style follows it, and the
    /// preflight holds the PDF to it.
    #[serde(default)]
    pub typography: Typography,
    /// Parts that do not count toward `page_limit` (`appendices`, `bibliography`); by default
    /// every page counts, as the rules say.
    #[serde(default)]
    pub page_limit_excludes: Vec<String>,
    /// What to do when a report must be longer, said with the page-limit warning.
    pub over_limit: Option<String>,
    /// The forum's own words for the people, numbers and documents the report names.
    #[serde(default)]
    pub words: Words,
}

/// What a forum calls things, so that nothing from one forum's vocabulary prints on another's
/// document: a US declaration has a Respondent and an A-number, not an Appellant and an
/// appeal number.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Words {
    /// The person the report is about, as a label: "Appellant", "Claimant", "Respondent".
    pub person: String,
    /// The other party: "the Secretary of State for the Home Department", "the Defendant",
    /// "the Department of Homeland Security (DHS)".
    pub other_party: String,
    /// What the forum's own case number is called: "Appeal number", "Claim number", "A-number".
    pub case_number: String,
    /// The forum, as a label: "Tribunal", "Court", "Immigration Court".
    pub forum: String,
    /// How the instructing party is introduced: "Instructed by" or "Retained by".
    pub instructed_by: String,
    /// The same, in the expert's first person: "I am instructed by", "I have been retained by".
    pub i_am_instructed_by: String,
    /// What the document is: "Expert report" or "Declaration".
    pub document: String,
}

impl Default for Words {
    /// The words of UK proceedings, where most reports are written.
    fn default() -> Self {
        Self {
            person: "Appellant".into(),
            other_party: "the Secretary of State for the Home Department".into(),
            case_number: "Appeal number".into(),
            forum: "Tribunal".into(),
            instructed_by: "Instructed by".into(),
            i_am_instructed_by: "I am instructed by".into(),
            document: "Expert report".into(),
        }
    }
}

/// A forum's rules on type and spacing. Each field is `None` where the rules say nothing:
/// nothing is invented.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Typography {
    /// The smallest text allowed anywhere on the page, in points: body, footnotes, headers,
    /// footers, tables and paragraph numbers alike.
    pub min_text_size: Option<f64>,
    /// Line spacing as a word processor means it: 1.5 is one and a half times single spacing,
    /// single spacing being the font's ascender to descender.
    pub line_spacing: Option<f64>,
    /// The rule these come from, for messages ("Practice Direction of 1 November 2024, para 1.6").
    pub rule: Option<String>,
}

/// The sizes the house style sets when a forum sets no minimum, in points: what a reader of
/// a printed A4 report expects.
pub const HOUSE_BODY: f64 = 11.0;
/// Footnotes, headers and footers in the house style.
pub const HOUSE_SMALL: f64 = 8.5;

impl Typography {
    /// Body text size: the house size, or the forum's minimum where that is larger.
    pub fn body_size(&self) -> f64 {
        self.min_text_size.map_or(HOUSE_BODY, |m| m.max(HOUSE_BODY))
    }

    /// Footnotes, headers, footers, paragraph numbers: never below the forum's minimum.
    pub fn small_size(&self) -> f64 {
        self.min_text_size
            .map_or(HOUSE_SMALL, |m| m.max(HOUSE_SMALL))
    }
}

fn default_statement_heading() -> String {
    "Statement of truth".to_string()
}

impl Profile {
    /// The profile the case's `report.jurisdiction` names, or an error there.
    pub fn read(templates: &Layers, case: &CaseFile) -> Result<Self, Diagnostic> {
        let id = &case.case.report.jurisdiction;
        Self::find(templates, id)?
            .ok_or_else(|| unknown_jurisdiction(templates, id).at(case, "report.jurisdiction"))
    }

    /// The profile `id`, `None` when there is none.
    pub fn find(templates: &Layers, id: &str) -> Result<Option<Self>, Diagnostic> {
        if !crate::lookup::is_plain_name(id) {
            return Ok(None);
        }
        match templates.read_text(&format!("{FOLDER}/{id}.toml"))? {
            Some(source) => toml_file::parse(&source.path, &source.text).map(Some),
            None => Ok(None),
        }
    }
}

/// Why `id` has no profile, with the near miss or the jurisdictions there are.
pub fn unknown_jurisdiction(templates: &Layers, id: &str) -> crate::load::Unknown {
    let known: Vec<String> = templates
        .files_in(FOLDER)
        .into_iter()
        .filter_map(|f| f.strip_suffix(".toml").map(str::to_string))
        .collect();
    crate::load::Unknown {
        message: format!("unknown jurisdiction `{id}`"),
        help: crate::lookup::help(id, &known, "jurisdictions with a profile"),
    }
}
