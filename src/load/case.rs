//! The case file: one asylum case's facts, instructions, questions and the expert's opinion.
//!
//! Every struct denies unknown keys so a misspelt key is an error with a suggestion, never
//! silently ignored text. docs/case-file.md documents each field.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::prose::{self, Prose, ProseFile};
use super::toml_file::{self, Date};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// One case file's contents, as deserialised from its TOML tables.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The `[report]` table: reference, date, country, jurisdiction and status of the report.
    pub report: Report,
    /// Absent when the workspace's witness.toml supplies the expert.
    pub expert: Option<Expert>,
    /// The `[instructing]` table: the solicitors who instructed the expert and what they asked.
    pub instructing: Instructing,
    /// The `[applicant]` table: the person the report is about.
    pub applicant: Applicant,
    /// The `[[questions]]` put to the expert, with the expert's answers, in the order to answer them.
    #[serde(default)]
    pub questions: Vec<Question>,
    /// How the expert worked and what is within their own knowledge.
    #[serde(default)]
    pub methodology: Methodology,
    /// Case-specific analysis, keyed by topic id: how the conditions bear on this applicant.
    #[serde(default)]
    pub analysis: BTreeMap<String, Prose>,
    /// The `[opinion]` table: conclusions, range of opinion, risk on return and limitations.
    /// A report needs all four (E113–E116); an addendum has none.
    #[serde(default)]
    pub opinion: Opinion,
    /// Documents translated for the tribunal, each with its translator's certificate.
    #[serde(default)]
    pub translations: Vec<Translation>,
    /// Where the opinion stands on each country guidance decision (and CPIN) of the brief
    /// that bears on the report.
    #[serde(default)]
    pub country_guidance: Vec<GuidancePosition>,
    /// For an addendum (`report.kind = "addendum"`): the report it adds to, and the review
    /// it answers.
    pub addendum: Option<Addendum>,
    /// For an addendum: the points of the Respondent's review, each with the response.
    #[serde(default)]
    pub points: Vec<ReviewPoint>,
}

/// The `[addendum]` table: what an addendum adds to and answers.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Addendum {
    /// The original report: the snapshot written beside its served PDF
    /// (`KGZ-2026-014.snapshot.json`), or its case file; relative to this case file.
    pub original: PathBuf,
    /// What the addendum answers, as it should read in a sentence: "the Respondent's review
    /// of 8 January 2027".
    pub answers: String,
    /// The Tribunal's permission to rely on it, where the forum requires one and it has been
    /// given: "granted by the Tribunal on 15 January 2027".
    pub permission: Option<String>,
}

/// One `[[points]]` entry of an addendum: a point of the review and the expert's response.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewPoint {
    /// The review's paragraph (or paragraphs) the point is made in, as the review numbers
    /// them: `"14"`, `"14–16"`.
    pub paragraph: String,
    /// What the review says there, quoted exactly: literal text.
    pub says: String,
    /// The expert's response: Markdown with citations, like the report's own text.
    #[serde(default)]
    pub response: Prose,
    /// The paragraphs of the original the response rests on, by ID (`summons`,
    /// `answer-1.1`) or by part (`freedom-of-speech`, `opinion.risk_on_return`).
    #[serde(default)]
    pub rests_on: Vec<String>,
}

/// One `[[country_guidance]]` entry: the opinion's position on an authority of the brief.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GuidancePosition {
    /// The authority's key, as authorities.toml and the bibliography give it.
    pub authority: String,
    /// Whether the opinion agrees with it, departs from it, or finds it not relevant.
    pub position: Position,
    /// Why: Markdown with citations; a departure needs reasons and cited evidence (E171).
    #[serde(default)]
    pub reasons: Prose,
}

/// The opinion's position on an authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Position {
    /// The opinion is consistent with it.
    Agrees,
    /// The opinion departs from it, on very strong grounds and cogent evidence.
    Departs,
    /// It does not bear on the questions in the case.
    NotRelevant,
}

/// The `[report]` table of a case file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The report's own reference; it names the output PDF and appears on the cover and page headers.
    pub reference: String,
    /// The date of the report, printed as e.g. "20 November 2026".
    pub date: Date,
    /// Country id: the name of a folder under country-briefs/, such as `kyrgyzstan`.
    pub country: String,
    /// A report, or an addendum to one.
    #[serde(default)]
    pub kind: Kind,
    /// Name of the report template to typeset with; by default `expert-report` for a report
    /// and `addendum` for an addendum.
    #[serde(default)]
    pub template: Option<String>,
    /// Jurisdiction id (`uk-iac`, `uk-cpr` or `us-eoir`); it sets tribunal, paper size and declarations.
    pub jurisdiction: String,
    /// Whether the report is a draft or final.
    pub status: Status,
    /// Topic ids in the order they appear; derived from the applicant's profile when absent.
    pub topics: Option<Vec<String>>,
    /// The tribunal's or court's own reference, such as an appeal number.
    pub appeal_number: Option<String>,
    /// For us-eoir: the declaration is signed inside the United States (28 U.S.C. 1746(2)).
    #[serde(default)]
    pub signed_in_united_states: bool,
    /// How sources are cited: one of the ways to fit a page limit.
    #[serde(default)]
    pub citations: Citations,
    /// Where the CV goes: as Appendix A, or as a document of its own.
    #[serde(default)]
    pub cv: CvPlacement,
    /// The case's own bibliography (Hayagriva YAML or BibLaTeX), beside the case file; read
    /// with the brief's for this report only. Without it, a `case.toml` reads the
    /// `sources.yml`, `sources.yaml` or `sources.bib` in its folder, if there is one.
    pub sources: Option<PathBuf>,
}

/// How sources are cited, each a way of spending pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Citations {
    /// A full reference in the first note on a source, a short one after, and a bibliography.
    #[default]
    NotesAndBibliography,
    /// A full reference in the first note on a source and no separate bibliography.
    FullNotes,
    /// Short notes (publisher and title) throughout, with the full references in the
    /// bibliography.
    ShortNotes,
}

/// Where the expert's CV goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CvPlacement {
    /// Printed as Appendix A.
    #[default]
    Appendix,
    /// Served as a document of its own; the report says so, and its pages do not count.
    Separate,
}

/// What a case file makes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An expert report.
    #[default]
    Report,
    /// An addendum to a served report, answering the other side's review of it.
    Addendum,
}

impl Report {
    /// The report template to typeset with: the case's own choice, or its kind's.
    pub fn template_name(&self) -> &str {
        match (&self.template, self.kind) {
            (Some(name), _) => name,
            (None, Kind::Report) => "expert-report",
            (None, Kind::Addendum) => "addendum",
        }
    }

    /// Whether this is an addendum.
    pub fn is_addendum(&self) -> bool {
        self.kind == Kind::Addendum
    }
}

/// Whether a report is still a draft or ready to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Work in progress: watermarked DRAFT; `--force` may render it past errors; stale material only warns.
    Draft,
    /// Ready to serve: no watermark, and any error (including stale material) stops it.
    Final,
}

/// The `[expert]` table: the expert who writes and signs the report.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Expert {
    /// The expert's name as printed on the cover and signature block.
    pub name: String,
    /// Post-nominal credentials, such as "PhD (Central Asian Politics)", printed after the name.
    pub credentials: Option<String>,
    /// Institution the expert belongs to, printed under the signature.
    pub affiliation: Option<String>,
    /// How to reach the expert, such as an email address; the built-in template does not print it.
    pub contact: Option<String>,
    /// Short statement of qualifications for the body of the report.
    pub qualifications: Option<Prose>,
    /// The full curriculum vitae, a Markdown file, printed as an appendix.
    pub cv: Option<PathBuf>,
    /// An image of the expert's signature (PNG, JPEG or SVG) for the signature block.
    pub signature: Option<PathBuf>,
    /// The report is signed by hand on paper: the signature block prints a line to sign and a
    /// line for the date. A final report needs this or a `signature` image.
    #[serde(default)]
    pub signed_by_hand: bool,
}

/// The `[instructing]` table: who instructed the expert.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Instructing {
    /// The instructing firm of solicitors.
    pub firm: String,
    /// The solicitor at the firm who gave the instructions.
    pub solicitor: String,
    /// The firm's own reference for the case.
    pub reference: Option<String>,
    /// Each instruction given, written or oral, in the order shown in the report.
    #[serde(default)]
    pub instructions: Vec<Instruction>,
}

/// One `[[instructing.instructions]]` entry: an instruction the expert received.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Instruction {
    /// When the instruction was given.
    pub date: Date,
    /// Whether it was given in writing or orally.
    pub kind: InstructionKind,
    /// One-line account of what the instruction said or asked.
    pub summary: String,
}

/// How an instruction was given to the expert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InstructionKind {
    /// By letter or other document.
    Written,
    /// In a call or meeting.
    Oral,
}

/// The `[applicant]` table: the asylum applicant the report is about.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    /// The applicant's full name, printed on the cover unless `tribunal_name` replaces it.
    pub name: String,
    /// The applicant's date of birth.
    pub date_of_birth: Option<Date>,
    /// The applicant's nationality as an adjective, e.g. "Kyrgyz" (the cover reads "..., Kyrgyz national").
    pub nationality: Option<String>,
    /// The applicant's ethnic group.
    pub ethnicity: Option<String>,
    /// The applicant's religion, as the case describes it.
    pub religion: Option<String>,
    /// The applicant's gender.
    pub gender: Option<String>,
    /// How the tribunal names the applicant, where it anonymises them (e.g. "DT (Kyrgyzstan)").
    pub tribunal_name: Option<String>,
    /// Profile tags such as `journalist` or `ethnic-minority`; they choose the default topics.
    #[serde(default)]
    pub profile: Vec<String>,
}

/// One `[[questions]]` entry: a question put to the expert and the expert's answer.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The question as put by the instructing solicitors.
    pub question: String,
    /// The expert's answer: Markdown with citations.
    pub answer: Prose,
    /// Parts of the report the answer rests on (topic ids, or `conclusions`, `risk-on-return`,
    /// `range-of-opinion`, `limitations`); the report cites their paragraph numbers.
    #[serde(default)]
    pub rests_on: Vec<String>,
}

/// The `[methodology]` table; every key is optional and a default is printed when one is absent.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Methodology {
    /// How the material was gathered and assessed.
    pub approach: Option<Prose>,
    /// Which facts are within the expert's own knowledge and which are not (PD35 3.2(4)).
    pub own_knowledge: Option<Prose>,
    /// The case documents the expert read, one per entry.
    #[serde(default)]
    pub documents: Vec<String>,
}

/// One `[[translations]]` entry: a document translated for the tribunal, printed as an appendix.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// What the document is, e.g. "Summons of the State Committee for National Security".
    pub document: String,
    /// The language translated from.
    pub language: String,
    /// The English translation.
    pub text: String,
    /// Who made the translation, printed under the translator's certificate.
    pub translator: Translator,
}

/// The translator who certifies a translation.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Translator {
    /// The translator's name.
    pub name: String,
    /// The translator's postal address.
    pub address: String,
    /// The translator's telephone number.
    pub phone: String,
    /// The date the translator signed the certificate.
    pub date: Date,
    /// An image of the translator's signature (PNG, JPEG or SVG), beside the case file.
    pub signature: Option<PathBuf>,
    /// The certificate is signed by hand on paper: it prints a line to sign.
    #[serde(default)]
    pub signed_by_hand: bool,
}

/// The `[opinion]` table: the expert's opinion; a report needs all four keys.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Opinion {
    /// Summary of conclusions; it opens the report, before the instructions.
    pub conclusions: Prose,
    /// Where informed opinion differs: the range, and the reasons for the expert's own view.
    pub range_of_opinion: Prose,
    /// The expert's assessment of the risk the applicant would face on return, and from whom.
    pub risk_on_return: Prose,
    /// Qualifications to the opinion: what the expert has not seen or done, what could change it.
    pub limitations: Prose,
}

/// A case file as read from disk, with its text kept for locating later diagnostics.
#[derive(Debug, Clone)]
pub struct CaseFile {
    /// Where the case file is.
    pub path: PathBuf,
    /// Its text, for locating findings.
    pub text: Arc<str>,
    /// What it says.
    pub case: Case,
    /// Fields whose value loading stood in for after reporting a problem with them.
    pub stand_ins: Vec<String>,
    /// The fields whose Markdown was read from a file beside the case.
    pub prose_files: Vec<ProseFile>,
}

impl CaseFile {
    /// Reads and parses the case file at `path`, stopping at the first problem.
    pub fn read(path: &Path) -> Result<Self, Diagnostic> {
        let mut file = Self::parse(path, super::read_text(path)?)?;
        match file.read_prose_files().into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(file),
        }
    }

    /// Reads the files that file-backed Markdown fields name into the fields; the problems,
    /// one per field that cannot be read.
    fn read_prose_files(&mut self) -> Vec<Diagnostic> {
        let folder = self.folder().to_path_buf();
        let mut problems = Vec::new();
        let mut files = Vec::new();
        let (path, text) = (self.path.clone(), self.text.clone());
        for (field, prose) in self.case.markdown_fields_mut() {
            let at_field = |message: String| {
                Diagnostic::error(&path, message)
                    .with_field(&field)
                    .at(text.clone(), toml_file::locate(&text, &field))
            };
            match prose::read_file(&folder, &field, prose, at_field) {
                Ok(Some(file)) => files.push(file),
                Ok(None) => {}
                Err(problem) => problems.push(problem),
            }
        }
        self.prose_files = files;
        problems
    }

    /// The file a file-backed field's Markdown was read from.
    pub fn prose_file(&self, field: &str) -> Option<&ProseFile> {
        self.prose_files.iter().find(|f| f.field == field)
    }

    /// A case file from text already read; `path` names it in messages and places the
    /// files it refers to. (Separate from [`CaseFile::read`] so the fuzz targets can parse
    /// without touching the disk.)
    pub fn parse(path: &Path, text: Arc<str>) -> Result<Self, Diagnostic> {
        let case = toml_file::parse::<Case>(path, &text)?;
        let file = Self {
            path: path.to_path_buf(),
            text,
            case,
            stand_ins: Vec::new(),
            prose_files: Vec::new(),
        };
        file.validate_values()?;
        Ok(file)
    }

    /// Reads a case file, going on past what [`toml_file::parse_all`] can stand in for:
    /// the case as parsed with stand-ins, and every problem found. `Err` when too little
    /// parsed to go on.
    pub fn read_all(path: &Path) -> Result<(Self, Vec<Diagnostic>), Diagnostics> {
        let text = super::read_text(path)?;
        let parsed = toml_file::parse_all::<Case>(path, &text);
        let (mut problems, stand_ins) = (parsed.problems, parsed.stand_ins);
        let Some(case) = parsed.value else {
            return Err(Diagnostics(problems));
        };
        let mut file = Self {
            path: path.to_path_buf(),
            text,
            case,
            stand_ins,
            prose_files: Vec::new(),
        };
        problems.extend(file.read_prose_files());
        let more: Vec<Diagnostic> = file
            .value_problems()
            .into_iter()
            .filter(|d| !file.stood_in(d))
            .collect();
        problems.extend(more);
        Ok((file, problems))
    }

    /// Whether `finding` is about a value that loading stood in for, so a knock-on of a
    /// problem already reported.
    pub fn stood_in(&self, finding: &Diagnostic) -> bool {
        finding.file == self.path
            && toml_file::Parsed::<()>::stood_in(&self.stand_ins, finding.field.as_deref())
    }

    /// An error located at `field` in this case file.
    pub fn error_at(&self, field: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.path, message)
            .with_field(field)
            .at(self.text.clone(), toml_file::locate(&self.text, field))
    }

    /// An error at `needle` inside the string value of `field` (such as one citation in an
    /// analysis), falling back to the whole value when the raw text differs (escapes).
    pub fn error_at_text(
        &self,
        field: &str,
        needle: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        if let Some(file) = self.prose_file(field) {
            return file.error_at(needle, message);
        }
        let value = toml_file::locate(&self.text, field);
        let span = value.clone().and_then(|range| {
            let raw = self.text.get(range.clone())?;
            raw.find(needle)
                .map(|at| range.start + at..range.start + at + needle.len())
        });
        Diagnostic::error(&self.path, message)
            .with_field(field)
            .at(self.text.clone(), span.or(value))
    }

    /// The folder the case file lives in; relative paths in the case resolve against it.
    pub fn folder(&self) -> &Path {
        // A bare file name has an empty parent, which cannot be resolved: use ".".
        self.path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }

    /// Rules on values that serde's types cannot express.
    fn validate_values(&self) -> Result<(), Diagnostic> {
        match self.value_problems().into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    /// Values that parse but cannot be used.
    fn value_problems(&self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let reference = &self.case.report.reference;
        if reference.trim().is_empty() {
            problems.push(self.error_at("report.reference", "the report reference is empty"));
        } else if reference.starts_with('.')
            // The reference names the output file, so it must be a plain file name.
            || reference.chars().any(|c| {
                c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
            })
        {
            problems.push(
                self.error_at(
                    "report.reference",
                    format!("`{reference}` cannot be used as a file name"),
                )
                .with_help(
                    "use letters, digits, spaces, hyphens and underscores, e.g. KGZ-2026-014",
                ),
            );
        }
        if self.case.applicant.name.trim().is_empty() {
            problems.push(self.error_at("applicant.name", "the applicant's name is empty"));
        }
        problems
    }
}
