//! Stage 3, assemble: fill the report templates with the case and brief to make Typst source.

mod addendum;
mod bibliography;
pub mod cite;
pub mod escape;
mod guidance;
pub mod markdown;
pub mod prose;

use std::sync::Arc;

use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason,
};
use serde_json::{Value, json};

use crate::diagnostic::Diagnostic;
use crate::load::prose::Prose;
use crate::load::tree::Layers;
use crate::load::{Inputs, Section};
use bibliography::{bibliography_files, in_text_names};

/// Partials and static files shared by every report template.
pub const COMMON: &str = "common";

/// Typst source and the files it reads, ready to be written into a build folder.
#[derive(Debug, Clone)]
pub struct Assembly {
    /// The generated Typst source, written as main.typ; for the HTML back-end, the finished
    /// page itself.
    pub main: String,
    /// Files next to main.typ: style, citation style, bibliography. Relative path and bytes.
    pub files: Vec<(String, Vec<u8>)>,
}

/// The name of the Typst source in a build folder.
pub const MAIN: &str = "main.typ";

impl Assembly {
    /// Every file of the build folder as name and bytes, main.typ last: a typst that watches
    /// the folder then compiles the new main.typ against the new files, never the old ones.
    pub fn build_files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files
            .iter()
            .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
            .chain([(MAIN, self.main.as_bytes())])
    }
}

/// A report template, compiled once and used for any number of cases.
pub struct Template {
    /// The template's name, as a case's `report.template` gives it.
    pub name: String,
    registry: Handlebars<'static>,
    static_files: Vec<(String, Vec<u8>)>,
    /// Each registered template's file, by its Handlebars name, so that an error in filling
    /// it names the file and line where it is.
    sources: std::collections::HashMap<String, crate::load::tree::SourceText>,
}

impl Template {
    /// Loads template `name` from the layers (workspace over built-in).
    pub fn load(templates: &Layers, name: &str) -> Result<Self, Diagnostic> {
        let main_path = format!("{name}/main.typ.hbs");
        // The name becomes a path below the templates folder: a name such as `../../etc`
        // must not reach outside it, so only a plain folder name is looked up.
        let found = if crate::lookup::is_plain_name(name) {
            templates.read_text(&main_path)?
        } else {
            None
        };
        let main = found.ok_or_else(|| {
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
                        let at = line_start(&source.text, line) + column.saturating_sub(1);
                        at..at + 1
                    });
                    Diagnostic::error(&source.path, format!("template error: {}", error.reason()))
                        .at(source.text.clone(), span)
                })
        };
        register(&mut registry, "main", &main)?;
        let mut sources = std::collections::HashMap::new();
        sources.insert("main".to_string(), main.clone());

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
                sources.insert(partial.to_string(), source);
            }
        }
        Ok(Self {
            name: name.to_string(),
            registry,
            static_files,
            sources,
        })
    }

    /// Renders the report for one case.
    pub fn assemble(&self, inputs: &Inputs) -> Result<Assembly, Diagnostic> {
        self.assemble_with(inputs, serde_json::Map::new(), Vec::new())
    }

    /// Renders with `extra` merged into the template data and `extra_files` placed beside
    /// main.typ; sample reports use it for the agency's brand, logo and coverage list.
    pub fn assemble_with(
        &self,
        inputs: &Inputs,
        extra: serde_json::Map<String, Value>,
        extra_files: Vec<(String, Vec<u8>)>,
    ) -> Result<Assembly, Diagnostic> {
        let mut context = context(inputs);
        if let Value::Object(map) = &mut context {
            map.extend(extra);
        }
        let main = self.registry.render("main", &context).map_err(|error| {
            let template = error.template_name.clone().unwrap_or_else(|| "main".into());
            let message = format!("template failed: {}", error.reason());
            match self.sources.get(&template) {
                // The template's own file, at the line Handlebars names.
                Some(source) => {
                    let span = error.line_no.map(|line| {
                        let start = line_start(&source.text, line);
                        start..start + 1
                    });
                    Diagnostic::error(&source.path, message).at(source.text.clone(), span)
                }
                None => Diagnostic::error(format!("report-templates/{}", self.name), message),
            }
        })?;
        let mut files = self.static_files.clone();
        for (name, bibliography) in bibliography_files(inputs) {
            files.push((name, bibliography.text.as_bytes().to_vec()));
        }
        if let Some((bytes, extension)) = &inputs.attachments.signature {
            files.push((format!("signature.{extension}"), bytes.clone()));
        }
        for (i, signature) in inputs.attachments.translator_signatures.iter().enumerate() {
            if let (Some((bytes, _)), Some(name)) =
                (signature, translator_signature_file(inputs, i))
            {
                files.push((name, bytes.clone()));
            }
        }
        files.extend(extra_files);
        Ok(Assembly { main, files })
    }
}

/// The byte offset at which 1-based `line` of `text` starts.
pub(crate) fn line_start(text: &str, line: usize) -> usize {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum()
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

/// Parts of a report that answers may rest on, besides the topics.
pub const OPINION_PARTS: [&str; 4] = [
    "conclusions",
    "risk-on-return",
    "range-of-opinion",
    "limitations",
];

/// The marker id of a topic's section, for paragraph cross-references.
fn topic_mark(topic: &str) -> String {
    format!("topic-{topic}")
}

/// `#paras("a", "b")`: "paras 12–15 and 20" in the report, counted by Typst.
fn paras_call(parts: &[String], inputs: &Inputs) -> Option<String> {
    let marks: Vec<String> = parts
        .iter()
        .map(|part| {
            if OPINION_PARTS.contains(&part.as_str()) || inputs.catalogue.background.contains(part)
            {
                part.clone()
            } else {
                topic_mark(part)
            }
        })
        .map(|mark| escape::string(&mark))
        .collect();
    (!marks.is_empty()).then(|| format!("#paras({})", marks.join(", ")))
}

/// The build file of the `i`-th translator's signature image, if there is one.
fn translator_signature_file(inputs: &Inputs, i: usize) -> Option<String> {
    let (_, extension) = inputs.attachments.translator_signatures.get(i)?.as_ref()?;
    Some(format!("translator-signature-{}.{extension}", i + 1))
}

/// The house style's sizes for a forum's rules, as Typst lengths for `report-style`.
fn typography(rules: &crate::load::profile::Typography) -> Value {
    json!({
        "body_size": format!("{}pt", rules.body_size()),
        "small_size": format!("{}pt", rules.small_size()),
        // Typst's leading is the gap between one line's descender and the next one's
        // ascender, so with those as the line's edges, `spacing` lines is a leading of
        // (spacing - 1) single lines; `none` keeps the house leading.
        "line_spacing": rules.line_spacing.map(|s| format!("{s}")),
    })
}

/// The data the templates see. Plain strings are escaped by `{{ }}`; fields ending in
/// `_typst` are already Typst markup, made here from literal text, for `{{{ }}}`.
fn context(inputs: &Inputs) -> Value {
    let case = &inputs.case.case;
    let case_path = crate::diagnostic::display_path(&inputs.case.path);
    // `case.toml:45 (analysis.speech)`: a typst error in this text is traced back to it.
    let origin = |field: &str| {
        let text = &inputs.case.text;
        match crate::load::toml_file::locate(text, field) {
            Some(span) => {
                let (line, _) = crate::diagnostic::line_column(text, span.start);
                format!("{case_path}:{line} ({field})")
            }
            None => format!("{case_path} ({field})"),
        }
    };
    let names = in_text_names(inputs);
    let numbered = |text: &str, field: &str| {
        let ids = crate::served::id_prefix(field);
        prose::to_typst(text, Some(&ids), &origin(field))
    };
    let plain = |text: &str, field: &str| prose::to_typst(text, None, &origin(field));
    // The expert's own text is Markdown; its headings sit one level below the heading of
    // the part that holds it (`heading_base`).
    let own = |prose: &Prose, field: &str, heading_base: usize| -> String {
        // The field's own file: the case's, or witness.toml's for the workspace expert.
        let file = inputs.case.prose_file(field).or_else(|| {
            inputs
                .workspace
                .prose_files
                .iter()
                .find(|f| f.field == field && inputs.case.case.expert.is_none())
        });
        let (origin, first_line) = match file {
            Some(file) => (crate::diagnostic::display_path(&file.path), 1),
            None => (
                case_path.clone(),
                inline_first_line(&inputs.case.text, field),
            ),
        };
        markdown::to_typst(
            &prose.text,
            &markdown::Settings {
                heading_base,
                numbered: true,
                paragraph_ids: crate::served::id_prefix(field),
                origin,
                first_line,
                field: Some(field.to_string()),
                own_knowledge: true,
                names: names.clone(),
            },
        )
    };
    let expert = case
        .expert
        .as_ref()
        .or(inputs.workspace.config.expert.as_ref());
    let brief = &inputs.brief;
    let country = &brief.info.name;

    let topic_json = |section: &Section| {
        let analysis = case.analysis.get(&section.topic);
        json!({
            "id": section.topic,
            "mark": if inputs.catalogue.background.contains(&section.topic) {
                section.topic.clone()
            } else {
                topic_mark(&section.topic)
            },
            // What a brief's `[…](#topic)` link finds: every topic heading, background too.
            // Written raw inside `<…>`, so only label-safe characters get through.
            "heading_label": topic_mark(&section.topic)
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
                .collect::<String>(),
            "title": section.info.title,
            "reviewed": section.info.reviewed.to_string(),
            "body_typst": section_typst(section, &names),
            // Under "Application to …", a level-3 heading.
            "analysis_typst": analysis.map(|a| own(a, &format!("analysis.{}", section.topic), 4)),
        })
    };
    let sections: Vec<&Section> = inputs
        .topics()
        .iter()
        .filter_map(|id| brief.section(id))
        .collect();
    let (background, topics): (Vec<&Section>, Vec<&Section>) = sections
        .into_iter()
        .partition(|s| inputs.catalogue.background.contains(&s.topic));

    let questions: Vec<Value> = case
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            json!({
                "number": i + 1,
                "question_typst": prose::inline(&q.question),
                // Under "Question N", a level-2 heading.
                "answer_typst": own(&q.answer, &format!("questions[{i}].answer"), 3),
                "rests_on_typst": paras_call(&q.rests_on, inputs),
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

    let translations: Vec<Value> = case
        .translations
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({
                "number": i + 1,
                "document": t.document,
                "language": t.language,
                "text_typst": plain(&t.text, &format!("translations[{i}].text")),
                "translator": {
                    "name": t.translator.name,
                    "address": t.translator.address,
                    "phone": t.translator.phone,
                    "date": t.translator.date.to_string(),
                    "signature_file": translator_signature_file(inputs, i),
                    "signed_by_hand": t.translator.signed_by_hand,
                },
            })
        })
        .collect();

    let methodology = &case.methodology;
    // Absent, witness says the usual in its own words, as literal text.
    let approach_typst = match &methodology.approach {
        Some(approach) => own(approach, "methodology.approach", 2),
        None => numbered(
            &format!(
                "I prepared this report from my own research on {country} and from the published sources \
                 cited in the footnotes. I chose them for their reliability, balance and currency, and I have \
                 compared sources wherever they bear on a point in dispute. No test or examination was \
                 carried out for this report."
            ),
            "methodology.approach",
        ),
    };
    let own_knowledge_typst = match &methodology.own_knowledge {
        Some(own_knowledge) => own(own_knowledge, "methodology.own_knowledge", 2),
        None => numbered(
            &format!(
                "Unless I say otherwise, the facts about conditions in {country} set out in this report are \
                 not within my own knowledge: they come from the sources cited in the footnotes. The \
                 opinions are my own."
            ),
            "methodology.own_knowledge",
        ),
    };

    let profile = &inputs.profile;
    let statement_of_truth = match (
        &profile.statement_of_truth_in_united_states,
        case.report.signed_in_united_states,
    ) {
        (Some(domestic), true) => domestic.clone(),
        _ => profile.statement_of_truth.clone(),
    };
    let cv_typst = inputs.attachments.cv.as_ref().map(|(path, text)| {
        markdown::to_typst(
            text,
            &markdown::Settings {
                // The CV is an appendix (level 1), so its `##` headings sit at level 2.
                heading_base: 1,
                numbered: false,
                paragraph_ids: String::new(),
                origin: path.display().to_string(),
                first_line: 1,
                field: None,
                own_knowledge: false,
                names: names.clone(),
            },
        )
    });
    let signature_file = inputs
        .attachments
        .signature
        .as_ref()
        .map(|(_, ext)| format!("signature.{ext}"));

    let opinion = &case.opinion;
    json!({
        "witness_version": env!("CARGO_PKG_VERSION"),
        "document_title": format!(
            "{}: {}{} on {}",
            case.report.reference,
            if case.report.is_addendum() { "addendum to the " } else { "" },
            profile.words.document.to_lowercase(),
            country
        ),
        "report": {
            "reference": case.report.reference,
            "appeal_number": case.report.appeal_number,
            "date": case.report.date.to_string(),
            "year": case.report.date.0.format("%Y").to_string(),
            "month": case.report.date.0.format("%-m").to_string(),
            "day": case.report.date.0.format("%-d").to_string(),
            "draft": case.report.status == crate::load::case::Status::Draft,
            "citation_style": match case.report.citations {
                crate::load::case::Citations::ShortNotes => "coi-short-notes.csl",
                _ => "coi-notes.csl",
            },
            "bibliography": case.report.citations != crate::load::case::Citations::FullNotes,
            "status": match case.report.status {
                crate::load::case::Status::Draft => "Draft",
                crate::load::case::Status::Final => "Final",
            },
            "jurisdiction": case.report.jurisdiction,
        },
        "profile": profile,
        "brand_name": inputs.workspace.config.brand.name,
        "typography": typography(&profile.typography),
        "statement_of_truth": statement_of_truth,
        "expert": expert.map(|e| json!({
            "name": e.name,
            "credentials": e.credentials,
            "affiliation": e.affiliation,
            "contact": e.contact,
            "qualifications_typst": e.qualifications.as_ref().map(|q| own(q, "expert.qualifications", 2)),
            "cv_typst": cv_typst.clone().filter(|_| case.report.cv == crate::load::case::CvPlacement::Appendix),
            // The CV whatever its placement: `witness cv` lays it out on its own.
            "cv_document_typst": cv_typst,
            "cv_separate": case.report.cv == crate::load::case::CvPlacement::Separate,
            "signature_file": signature_file,
            "signed_by_hand": e.signed_by_hand,
        })),
        "instructing": {
            "firm": case.instructing.firm,
            "solicitor": case.instructing.solicitor,
            "reference": case.instructing.reference,
            "instructions": instructions,
        },
        "applicant": {
            "name": case.applicant.name,
            "display_name": case.applicant.tribunal_name.as_ref().unwrap_or(&case.applicant.name),
            "date_of_birth": case.applicant.date_of_birth.map(|d| d.to_string()),
            "nationality": case.applicant.nationality,
            "ethnicity": case.applicant.ethnicity,
            "religion": case.applicant.religion,
            "gender": case.applicant.gender,
            "profile": case.applicant.profile,
        },
        "methodology": {
            "approach_typst": approach_typst,
            "own_knowledge_typst": own_knowledge_typst,
            "documents": methodology.documents,
        },
        "questions": questions,
        "background": background.into_iter().map(topic_json).collect::<Vec<_>>(),
        "topics": topics.into_iter().map(topic_json).collect::<Vec<_>>(),
        "opinion": {
            "conclusions_typst": own(&opinion.conclusions, "opinion.conclusions", 2),
            "range_of_opinion_typst": own(&opinion.range_of_opinion, "opinion.range_of_opinion", 2),
            "risk_on_return_typst": own(&opinion.risk_on_return, "opinion.risk_on_return", 2),
            "limitations_typst": own(&opinion.limitations, "opinion.limitations", 2),
        },
        "translations": translations,
        "country_guidance": guidance::positions(inputs, &own),
        "addendum": addendum::context(inputs, &own),
        "brief": {
            "name": brief.info.name,
            "adjective": brief.info.adjective,
            "summary": brief.info.summary,
            "last_reviewed": brief.info.last_reviewed.to_string(),
            "illustrative": brief.info.illustrative,
            "illustrative_note": brief.info.illustrative_note,
        },
        "bibliography_file": brief.bibliography.file_name,
        // Typst's `bibliography` path: the brief's file, or it and the case's own.
        "bibliography_typst": match bibliography_files(inputs).as_slice() {
            [(only, _)] => escape::string(only),
            all => format!(
                "({})",
                all.iter().map(|(name, _)| escape::string(name)).collect::<Vec<_>>().join(", ")
            ),
        },
    })
}

/// The line of the case file on which an inline field's text starts: a `"""` string's text
/// starts on the line after the quotes.
fn inline_first_line(text: &str, field: &str) -> usize {
    let Some(span) = crate::load::toml_file::locate(text, field) else {
        return 1;
    };
    let (line, _) = crate::diagnostic::line_column(text, span.start);
    let raw = &text[span];
    let multi_line = ["\"\"\"\n", "\"\"\"\r\n", "\'\'\'\n", "\'\'\'\r\n"]
        .iter()
        .any(|open| raw.starts_with(open));
    line + usize::from(multi_line)
}

fn section_typst(section: &Section, names: &Arc<cite::Names>) -> String {
    let first_line = section.text[..section.body_start].matches('\n').count() + 1;
    markdown::to_typst(
        section.body(),
        &markdown::Settings {
            // A topic is a level-2 heading, so a brief's `##` sits at level 3 below it.
            heading_base: 2,
            numbered: true,
            // A topic's paragraphs: `freedom-of-speech.1`, `freedom-of-speech.2`…
            paragraph_ids: section.topic.clone(),
            origin: section.path.display().to_string(),
            first_line,
            field: None,
            own_knowledge: false,
            names: names.clone(),
        },
    )
}
