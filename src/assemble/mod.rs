//! Stage 3, assemble: fill the report templates with the case and brief to make Typst source.

pub mod escape;
pub mod markdown;
pub mod prose;

use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason,
};
use serde_json::{Value, json};

use crate::diagnostic::Diagnostic;
use crate::load::tree::Layers;
use crate::load::{Inputs, Section};

/// Partials and static files shared by every report template.
pub const COMMON: &str = "common";

/// Typst source and the files it reads, ready to be written into a build folder.
#[derive(Debug, Clone)]
pub struct Assembly {
    pub main: String,
    /// Files next to main.typ: style, citation style, bibliography. Relative path and bytes.
    pub files: Vec<(String, Vec<u8>)>,
}

/// A report template, compiled once and used for any number of cases.
pub struct Template {
    pub name: String,
    registry: Handlebars<'static>,
    static_files: Vec<(String, Vec<u8>)>,
}

impl Template {
    /// Loads template `name` from the layers (workspace over built-in).
    pub fn load(templates: &Layers, name: &str) -> Result<Self, Diagnostic> {
        let main_path = format!("{name}/main.typ.hbs");
        let main = templates.read_text(&main_path)?.ok_or_else(|| {
            let known: Vec<String> = templates
                .folders()
                .into_iter()
                .filter(|f| {
                    templates
                        .read_text(&format!("{f}/main.typ.hbs"))
                        .ok()
                        .flatten()
                        .is_some()
                })
                .collect();
            Diagnostic::error(main_path.clone(), format!("no report template `{name}`"))
                .with_field("report.template")
                .with_help(format!("templates available: {}", known.join(", ")))
        })?;

        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(escape::markup);
        registry.register_helper("typst-string", Box::new(typst_string));
        let register = |registry: &mut Handlebars<'static>,
                        name: &str,
                        source: &crate::load::tree::SourceText| {
            registry
                .register_template_string(name, source.text.as_ref())
                .map_err(|error| {
                    let span = error.pos().map(|(line, column)| {
                        let start: usize = source
                            .text
                            .split_inclusive('\n')
                            .take(line.saturating_sub(1))
                            .map(str::len)
                            .sum();
                        let at = start + column.saturating_sub(1);
                        at..at + 1
                    });
                    Diagnostic::error(&source.path, format!("template error: {}", error.reason()))
                        .at(source.text.clone(), span)
                })
        };
        register(&mut registry, "main", &main)?;

        let mut static_files = Vec::new();
        for folder in [COMMON.to_string(), name.to_string()] {
            for file in templates.files_in(&folder) {
                let path = format!("{folder}/{file}");
                if file.ends_with(".hbs") {
                    continue;
                }
                if let Some(bytes) = templates.read_bytes(&path)? {
                    static_files.push((file, bytes));
                }
            }
            let partials = format!("{folder}/partials");
            for file in templates.files_in(&partials) {
                let Some(partial) = file.strip_suffix(".typ.hbs") else {
                    continue;
                };
                let source = templates
                    .read_text(&format!("{partials}/{file}"))?
                    .expect("listed");
                register(&mut registry, partial, &source)?;
            }
        }
        Ok(Self {
            name: name.to_string(),
            registry,
            static_files,
        })
    }

    /// Renders the report for one case.
    pub fn assemble(&self, inputs: &Inputs) -> Result<Assembly, Diagnostic> {
        let context = context(inputs);
        let main = self.registry.render("main", &context).map_err(|error| {
            let template = error.template_name.clone().unwrap_or_else(|| "main".into());
            Diagnostic::error(
                format!("report-templates/{}/{template}", self.name),
                format!(
                    "template failed at line {}: {}",
                    error.line_no.unwrap_or(0),
                    error.reason()
                ),
            )
        })?;
        let mut files = self.static_files.clone();
        let bibliography = &inputs.brief.bibliography;
        files.push((
            bibliography.file_name.clone(),
            bibliography.text.as_bytes().to_vec(),
        ));
        Ok(Assembly { main, files })
    }
}

/// `{{typst-string value}}`: the value as a Typst string literal, for use in code.
fn typst_string(
    helper: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let value = helper
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("typst-string", 0))?
        .value();
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    out.write(&escape::string(&text))?;
    Ok(())
}

/// The data the templates see. Plain strings are escaped by `{{ }}`; fields ending in
/// `_typst` are already Typst markup, made here from literal text, for `{{{ }}}`.
fn context(inputs: &Inputs) -> Value {
    let case = &inputs.case.case;
    let case_path = inputs.case.path.display().to_string();
    let origin = |field: &str| format!("{case_path}: {field}");
    let numbered = |text: &str, field: &str| prose::to_typst(text, true, &origin(field));
    let expert = case
        .expert
        .as_ref()
        .or(inputs.workspace.config.expert.as_ref());
    let brief = &inputs.brief;

    let topics: Vec<Value> = inputs
        .topics()
        .iter()
        .filter_map(|id| brief.section(id))
        .map(|section| {
            let analysis = case.analysis.get(&section.topic);
            json!({
                "id": section.topic,
                "title": section.info.title,
                "reviewed": section.info.reviewed.to_string(),
                "body_typst": section_typst(section),
                "analysis_typst": analysis.map(|a| numbered(a, &format!("analysis.{}", section.topic))),
            })
        })
        .collect();

    let questions: Vec<Value> = case
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            json!({
                "number": i + 1,
                "question_typst": prose::inline(&q.question),
                "answer_typst": numbered(&q.answer, &format!("questions[{i}].answer")),
            })
        })
        .collect();

    let instructions: Vec<Value> = case
        .instructing
        .instructions
        .iter()
        .map(|instruction| {
            json!({
                "date": instruction.date.to_string(),
                "kind": match instruction.kind {
                    crate::load::case::InstructionKind::Written => "Written",
                    crate::load::case::InstructionKind::Oral => "Oral",
                },
                "summary_typst": prose::inline(&instruction.summary),
            })
        })
        .collect();

    let opinion = &case.opinion;
    json!({
        "witness_version": env!("CARGO_PKG_VERSION"),
        "report": {
            "reference": case.report.reference,
            "date": case.report.date.to_string(),
            "year": case.report.date.0.format("%Y").to_string(),
            "month": case.report.date.0.format("%-m").to_string(),
            "day": case.report.date.0.format("%-d").to_string(),
            "draft": case.report.status == crate::load::case::Status::Draft,
            "status": match case.report.status {
                crate::load::case::Status::Draft => "Draft",
                crate::load::case::Status::Final => "Final",
            },
            "jurisdiction": case.report.jurisdiction,
        },
        "profile": inputs.profile,
        "expert": expert.map(|e| json!({
            "name": e.name,
            "credentials": e.credentials,
            "affiliation": e.affiliation,
            "contact": e.contact,
            "qualifications_typst": e.qualifications.as_ref().map(|q| numbered(q, "expert.qualifications")),
        })),
        "instructing": {
            "firm": case.instructing.firm,
            "solicitor": case.instructing.solicitor,
            "reference": case.instructing.reference,
            "instructions": instructions,
        },
        "applicant": {
            "name": case.applicant.name,
            "date_of_birth": case.applicant.date_of_birth.map(|d| d.to_string()),
            "nationality": case.applicant.nationality,
            "ethnicity": case.applicant.ethnicity,
            "religion": case.applicant.religion,
            "gender": case.applicant.gender,
            "profile": case.applicant.profile,
        },
        "questions": questions,
        "topics": topics,
        "opinion": {
            "conclusions_typst": numbered(&opinion.conclusions, "opinion.conclusions"),
            "range_of_opinion_typst": numbered(&opinion.range_of_opinion, "opinion.range_of_opinion"),
            "risk_on_return_typst": numbered(&opinion.risk_on_return, "opinion.risk_on_return"),
            "limitations_typst": numbered(&opinion.limitations, "opinion.limitations"),
        },
        "brief": {
            "name": brief.info.name,
            "adjective": brief.info.adjective,
            "summary": brief.info.summary,
            "last_reviewed": brief.info.last_reviewed.to_string(),
            "illustrative": brief.info.illustrative,
            "illustrative_note": brief.info.illustrative_note,
        },
        "bibliography_file": brief.bibliography.file_name,
        "document_title": format!("{}: expert report on {}", case.report.reference, brief.info.name),
    })
}

fn section_typst(section: &Section) -> String {
    let first_line = section.text[..section.body_start].matches('\n').count() + 1;
    markdown::to_typst(
        section.body(),
        &markdown::Settings {
            // A topic is a level-2 heading, so a brief's `##` sits at level 3 below it.
            heading_base: 2,
            numbered: true,
            origin: section.path.display().to_string(),
            first_line,
        },
    )
}
