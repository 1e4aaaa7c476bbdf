//! Completeness: the parts the jurisdiction's rules require, and the report's length.

use super::Settings;
use crate::diagnostic::Diagnostic;
use crate::load::Inputs;
use crate::pipeline::budget::Budget;

fn check_expert(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    if inputs.case.case.expert.is_none() && inputs.workspace.config.expert.is_none() {
        found.push(
            inputs
                .case
                .error_at(
                    "expert",
                    "no expert: the case has no [expert] and no witness.toml supplies one",
                )
                .with_code("E104")
                .with_help("add an [expert] table with at least `name`, or put it in witness.toml"),
        );
    }
}

/// E140/W140: a report, declaration or translator's certificate that nobody signs. Each must
/// carry a signature image or say it is signed by hand: an unsigned final report is not a
/// report the expert stands behind (ICPM 3.3(b) requires filings to be signed), and an
/// unsigned certificate takes the translation down with it (ICPM 3.3(a)).
fn check_signatures(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    let case = &inputs.case;
    let is_final = case.case.report.status == crate::load::case::Status::Final;
    let graded = |diagnostic: Diagnostic| {
        if is_final {
            diagnostic.with_code("E140")
        } else {
            diagnostic.with_code("W140").into_warning()
        }
    };
    let document = if inputs.profile.executed_on {
        "declaration"
    } else {
        "report"
    };
    let expert_signs = |e: &crate::load::case::Expert| e.signature.is_some() || e.signed_by_hand;
    match (&case.case.expert, &inputs.workspace.config.expert) {
        (Some(expert), _) if !expert_signs(expert) => found.push(graded(
            case.error_at("expert", format!("the {document} is not signed: the expert gives no signature image and does not sign by hand"))
                .with_help("give `signature = \"signature.png\"` under [expert], or `signed_by_hand = true` to print a line to sign and a line for the date"),
        )),
        (None, Some(expert)) if !expert_signs(expert) => {
            let path = inputs.workspace.config_path.clone().unwrap_or_default();
            found.push(graded(
                Diagnostic::error(path, format!("the {document} is not signed: the expert in witness.toml gives no signature image and does not sign by hand"))
                    .with_field("expert")
                    .with_help("give `signature = \"signature.png\"` under [expert] in witness.toml, or `signed_by_hand = true`"),
            ));
        }
        _ => {}
    }
    for (i, translation) in case.case.translations.iter().enumerate() {
        let translator = &translation.translator;
        if translator.signature.is_none() && !translator.signed_by_hand {
            found.push(graded(
                case.error_at(
                    &format!("translations[{i}].translator"),
                    format!("the translator's certificate for `{}` is not signed", translation.document),
                )
                .with_help("give the translator's `signature` image, or `signed_by_hand = true`: an unsigned certificate leaves the translation without one"),
            ));
        }
    }
}

/// Every completeness rule: the parts the profile requires, the expert, and signatures.
pub fn check(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    check_expert(inputs, found);
    check_signatures(inputs, found);
    let case = &inputs.case;
    let profile = &inputs.profile;
    let requires = |part: &str| profile.required.iter().any(|p| p == part);
    let empty = |text: &str| text.trim().is_empty();
    // An addendum answers a review: the questions, the opinion and the qualifications are
    // in the report it adds to (its own rules are in `addendum`).
    let report = !case.case.report.is_addendum();

    if requires("instructions") && case.case.instructing.instructions.is_empty() {
        found.push(
            case.error_at("instructing", "no instructions are recorded")
                .with_code("E110")
                .with_help("add an [[instructing.instructions]] entry (date, kind, summary) for every instruction, written and oral"),
        );
    }
    let expert = case
        .case
        .expert
        .as_ref()
        .or(inputs.workspace.config.expert.as_ref());
    if report
        && requires("qualifications")
        && let Some(expert) = expert
        && expert.qualifications.as_ref().is_none_or(|q| empty(q))
        && expert.cv.is_none()
    {
        found.push(
            case.error_at("expert", "the expert's qualifications are not given")
                .with_code("E111")
                .with_help("add `qualifications` (a short statement) or `cv` (a Markdown file) to [expert]"),
        );
    }
    if report && case.case.questions.is_empty() {
        found.push(
            case.error_at("questions", "no questions put to the expert are recorded")
                .with_code("E112")
                .with_help(
                    "add a [[questions]] entry for each question in the letter of instruction",
                ),
        );
    }
    for (i, question) in case.case.questions.iter().enumerate() {
        if empty(&question.answer) {
            found.push(
                case.error_at(
                    &format!("questions[{i}].answer"),
                    format!("question {} has no answer", i + 1),
                )
                .with_code("E112")
                .with_help("answer every question put, or say why it cannot be answered"),
            );
        }
    }
    let opinion = &case.case.opinion;
    for (field, text, code, what) in [
        (
            "opinion.conclusions",
            &opinion.conclusions,
            "E113",
            "summary of conclusions",
        ),
        (
            "opinion.range_of_opinion",
            &opinion.range_of_opinion,
            "E114",
            "range of opinion",
        ),
        (
            "opinion.limitations",
            &opinion.limitations,
            "E115",
            "limits of the opinion",
        ),
        (
            "opinion.risk_on_return",
            &opinion.risk_on_return,
            "E117",
            "assessment of risk on return",
        ),
    ] {
        if report && empty(text) {
            found.push(
                case.error_at(field, format!("nothing is written for the {what}"))
                    .with_code(code)
                    .with_help("write it: the rules require it"),
            );
        }
    }
    if profile.statement_of_truth.trim().is_empty()
        || (requires("declaration") && profile.duty_declaration.is_empty())
    {
        found.push(
            case.error_at(
                "report.jurisdiction",
                "the jurisdiction profile has no declaration or statement of truth",
            )
            .with_code("E116")
            .with_help("fill `duty_declaration` and `statement_of_truth` in the profile file"),
        );
    }
    if report
        && requires("own-knowledge")
        && case
            .case
            .methodology
            .own_knowledge
            .as_ref()
            .is_none_or(|text| empty(text))
    {
        found.push(
            case.error_at(
                "methodology",
                "which facts are within your own knowledge is not stated",
            )
            .with_code("W118")
            .into_warning()
            .with_help(
                "write [methodology] own_knowledge; until then the report uses a default sentence",
            ),
        );
    }
    if report {
        check_own_knowledge_marked(inputs, found);
    }
}

/// W160: the methodology says some facts are within the expert's own knowledge, but no
/// paragraph is marked as resting on it. PD35 3.2(4) asks the report to say which facts are;
/// "I say where I rely on them" with nothing said is the gap the other side points to.
fn check_own_knowledge_marked(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    let case = &inputs.case;
    let Some(own) = case.case.methodology.own_knowledge.as_deref() else {
        return;
    };
    let lower = own.to_lowercase();
    let claims = lower.contains("within my own knowledge")
        && ![
            "nothing",
            "none of",
            "not within my own knowledge",
            "no part",
        ]
        .iter()
        .any(|denial| lower.contains(denial));
    if !claims {
        return;
    }
    // The expert's own text, read as the report reads it.
    let marked = case
        .case
        .markdown_fields()
        .iter()
        .any(|(_, text)| crate::assemble::markdown::marks_own_knowledge(text));
    if !marked {
        found.push(
            case.error_at(
                "methodology.own_knowledge",
                "the methodology says some facts are within your own knowledge, but no paragraph is marked as resting on it",
            )
            .with_code("W160")
            .into_warning()
            .with_help(format!(
                "open each such paragraph with `{}`: it is marked in print and listed by number under \"Facts within my own knowledge\"",
                crate::assemble::prose::OWN_KNOWLEDGE
            )),
        );
    }
}

/// W401: the last render ran over the profile's page limit, read from its provenance.
pub fn check_length(inputs: &Inputs, settings: &Settings, found: &mut Vec<Diagnostic>) {
    let Some(path) = settings.provenance.as_ref() else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let Ok(recorded) = serde_json::from_str::<serde_json::Value>(&text) else {
        return;
    };
    let budget: Option<Budget> = serde_json::from_value(recorded["budget"].clone()).ok();
    let pages = recorded["pages"]
        .as_u64()
        .and_then(|p| usize::try_from(p).ok());
    found.extend(page_limit(inputs, pages, budget.as_ref()));
}

/// The W401 warning for a PDF of `pages` pages (of which `budget` says which count), if that
/// is over the profile's limit. It names the biggest parts, so the expert knows what to cut,
/// and the profile's way to ask for more.
pub fn page_limit(
    inputs: &Inputs,
    pages: Option<usize>,
    budget: Option<&Budget>,
) -> Option<Diagnostic> {
    let limit = inputs.profile.page_limit?;
    let counted = budget.map(|b| b.counted).or(pages.map(|p| p as f64))?;
    if counted <= f64::from(limit) {
        return None;
    }
    let of = match (budget, pages) {
        (Some(b), Some(p)) if b.counted < p as f64 => {
            format!("{} of its {p} pages count", pages_word(b.counted))
        }
        _ => format!("the report has {}", pages_word(counted)),
    };
    let mut help = match budget {
        Some(budget) => format!(
            "the biggest parts: {}; shorten them, keeping to the issues in dispute",
            budget.biggest(3)
        ),
        None => "shorten the report, keeping to the issues in dispute".to_string(),
    };
    // The ways to fit that the case file can choose, where they would help.
    let report = &inputs.case.case.report;
    let has = |kind: &str| {
        budget.is_some_and(|b| {
            b.parts.iter().any(|p| {
                p.counted && p.pages > 0.0 && crate::pipeline::budget::kind(&p.title) == kind
            })
        })
    };
    if has("bibliography") && report.citations == crate::load::case::Citations::NotesAndBibliography
    {
        help.push_str(
            "; `citations = \"full-notes\"` under [report] drops the separate bibliography",
        );
    }
    if has("appendices")
        && report.cv == crate::load::case::CvPlacement::Appendix
        && inputs.attachments.cv.is_some()
    {
        help.push_str("; `cv = \"separate\"` serves the CV as a document of its own");
    }
    if let Some(permission) = &inputs.profile.over_limit {
        help.push_str(&format!("; {permission}"));
    }
    Some(
        inputs
            .case
            .error_at(
                "report.jurisdiction",
                format!(
                    "{of}; the {} accepts at most {limit}",
                    inputs.profile.tribunal
                ),
            )
            .with_code("W401")
            .into_warning()
            .with_help(help),
    )
}

fn pages_word(n: f64) -> String {
    if n == 1.0 {
        "1 page".into()
    } else {
        format!("{n} pages")
    }
}
