//! The case file: one asylum case's facts, instructions, questions and the expert's opinion.
//!
//! Every struct denies unknown keys so a misspelt key is an error with a suggestion, never
//! silently ignored text. docs/case-file.md documents each field.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::toml_file::{self, Date};
use crate::diagnostic::{Diagnostic, Diagnostics};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub report: Report,
    /// Absent when the workspace's witness.toml supplies the expert.
    pub expert: Option<Expert>,
    pub instructing: Instructing,
    pub applicant: Applicant,
    #[serde(default)]
    pub questions: Vec<Question>,
    /// How the expert worked and what is within their own knowledge.
    #[serde(default)]
    pub methodology: Methodology,
    /// Case-specific analysis, keyed by topic id: how the conditions bear on this applicant.
    #[serde(default)]
    pub analysis: BTreeMap<String, String>,
    pub opinion: Opinion,
    /// Documents translated for the tribunal, each with its translator's certificate.
    #[serde(default)]
    pub translations: Vec<Translation>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub reference: String,
    pub date: Date,
    /// Country id: the name of a folder under country-briefs/, such as `kyrgyzstan`.
    pub country: String,
    #[serde(default = "default_template")]
    pub template: String,
    pub jurisdiction: String,
    pub status: Status,
    /// Topic ids in the order they appear; derived from the applicant's profile when absent.
    pub topics: Option<Vec<String>>,
    /// The tribunal's or court's own reference, such as an appeal number.
    pub appeal_number: Option<String>,
    /// For us-eoir: the declaration is signed inside the United States (28 U.S.C. 1746(2)).
    #[serde(default)]
    pub signed_in_united_states: bool,
}

fn default_template() -> String {
    "expert-report".to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Final,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Expert {
    pub name: String,
    pub credentials: Option<String>,
    pub affiliation: Option<String>,
    pub contact: Option<String>,
    /// Short statement of qualifications for the body of the report.
    pub qualifications: Option<String>,
    /// The full curriculum vitae, a Markdown file, printed as an appendix.
    pub cv: Option<PathBuf>,
    /// An image of the expert's signature (PNG, JPEG or SVG) for the signature block.
    pub signature: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Instructing {
    pub firm: String,
    pub solicitor: String,
    pub reference: Option<String>,
    #[serde(default)]
    pub instructions: Vec<Instruction>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Instruction {
    pub date: Date,
    pub kind: InstructionKind,
    pub summary: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InstructionKind {
    Written,
    Oral,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    pub name: String,
    pub date_of_birth: Option<Date>,
    pub nationality: Option<String>,
    pub ethnicity: Option<String>,
    pub religion: Option<String>,
    pub gender: Option<String>,
    /// How the tribunal names the applicant, where it anonymises them (e.g. "DT (Kyrgyzstan)").
    pub tribunal_name: Option<String>,
    /// Profile tags such as `journalist` or `ethnic-minority`; they choose the default topics.
    #[serde(default)]
    pub profile: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub question: String,
    pub answer: String,
    /// Parts of the report the answer rests on (topic ids, or `conclusions`, `risk-on-return`,
    /// `range-of-opinion`, `limitations`); the report cites their paragraph numbers.
    #[serde(default)]
    pub rests_on: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Methodology {
    /// How the material was gathered and assessed.
    pub approach: Option<String>,
    /// Which facts are within the expert's own knowledge and which are not (PD35 3.2(4)).
    pub own_knowledge: Option<String>,
    /// The case documents the expert read, one per entry.
    #[serde(default)]
    pub documents: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// What the document is, e.g. "Summons of the State Committee for National Security".
    pub document: String,
    /// The language translated from.
    pub language: String,
    /// The English translation.
    pub text: String,
    pub translator: Translator,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Translator {
    pub name: String,
    pub address: String,
    pub phone: String,
    /// The date the translator signed the certificate.
    pub date: Date,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Opinion {
    pub conclusions: String,
    pub range_of_opinion: String,
    pub risk_on_return: String,
    pub limitations: String,
}

impl Case {
    /// Every free-text string of the case, for rewriting (anonymisation). Ids and choices
    /// (country, topics, profile tags, jurisdiction) are not text and are left out.
    pub fn texts_mut(&mut self) -> Vec<&mut String> {
        let mut texts: Vec<&mut String> = vec![&mut self.report.reference];
        texts.extend(self.report.appeal_number.as_mut());
        if let Some(expert) = self.expert.as_mut() {
            texts.push(&mut expert.name);
            texts.extend(expert.credentials.as_mut());
            texts.extend(expert.affiliation.as_mut());
            texts.extend(expert.contact.as_mut());
            texts.extend(expert.qualifications.as_mut());
        }
        let instructing = &mut self.instructing;
        texts.push(&mut instructing.firm);
        texts.push(&mut instructing.solicitor);
        texts.extend(instructing.reference.as_mut());
        texts.extend(instructing.instructions.iter_mut().map(|i| &mut i.summary));
        let applicant = &mut self.applicant;
        texts.push(&mut applicant.name);
        for field in [
            &mut applicant.nationality,
            &mut applicant.ethnicity,
            &mut applicant.religion,
            &mut applicant.gender,
            &mut applicant.tribunal_name,
        ] {
            texts.extend(field.as_mut());
        }
        for question in &mut self.questions {
            texts.push(&mut question.question);
            texts.push(&mut question.answer);
        }
        let methodology = &mut self.methodology;
        texts.extend(methodology.approach.as_mut());
        texts.extend(methodology.own_knowledge.as_mut());
        texts.extend(methodology.documents.iter_mut());
        texts.extend(self.analysis.values_mut());
        let opinion = &mut self.opinion;
        texts.extend([
            &mut opinion.conclusions,
            &mut opinion.range_of_opinion,
            &mut opinion.risk_on_return,
            &mut opinion.limitations,
        ]);
        for translation in &mut self.translations {
            texts.push(&mut translation.document);
            texts.push(&mut translation.text);
            let translator = &mut translation.translator;
            texts.extend([
                &mut translator.name,
                &mut translator.address,
                &mut translator.phone,
            ]);
        }
        texts
    }
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
}

impl CaseFile {
    pub fn read(path: &Path) -> Result<Self, Diagnostic> {
        Self::parse(path, super::read_text(path)?)
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
        let file = Self {
            path: path.to_path_buf(),
            text,
            case,
            stand_ins,
        };
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
