//! Stage 2, check: find what would make the report wrong or unusable before anything is typeset.

use crate::citation;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::Inputs;
use crate::load::toml_file::did_you_mean;

/// Every problem found in the inputs, errors and warnings alike.
pub fn check(inputs: &Inputs) -> Diagnostics {
    let mut found = Vec::new();
    check_expert(inputs, &mut found);
    check_topics(inputs, &mut found);
    check_citations(inputs, &mut found);
    Diagnostics(found)
}

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

fn check_topics(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    let case = &inputs.case;
    let known = || inputs.catalogue.topic_ids();
    let topics = inputs.topics();
    for (i, topic) in topics.iter().enumerate() {
        let field = format!("report.topics[{i}]");
        if inputs.catalogue.topic(topic).is_none() && inputs.brief.section(topic).is_none() {
            let help = match did_you_mean(topic, known()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("known topics: {}", known().collect::<Vec<_>>().join(", ")),
            };
            found.push(
                case.error_at(&field, format!("unknown topic `{topic}`"))
                    .with_code("E101")
                    .with_help(help),
            );
        } else if inputs.brief.section(topic).is_none() {
            found.push(
                case.error_at(
                    &field,
                    format!(
                        "the {} brief has no section on `{topic}`",
                        inputs.brief.info.name
                    ),
                )
                .with_code("E103")
                .with_help(format!(
                    "write {}",
                    inputs
                        .brief
                        .folder
                        .display_path(&format!("{topic}.md"))
                        .display()
                )),
            );
        }
        if topics[..i].contains(topic) {
            found.push(
                case.error_at(&field, format!("topic `{topic}` is listed twice"))
                    .with_code("E105"),
            );
        }
    }
    for topic in case.case.analysis.keys() {
        if topics.contains(topic) {
            continue;
        }
        let field = format!("analysis.{topic}");
        let is_known =
            inputs.catalogue.topic(topic).is_some() || inputs.brief.section(topic).is_some();
        let diagnostic = if is_known {
            case.error_at(
                &field,
                format!("analysis for `{topic}`, which the report does not include"),
            )
            .with_help("add the topic to report.topics, or remove this analysis")
        } else {
            let help = match did_you_mean(topic, topics.iter().map(String::as_str)) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("the report's topics: {}", topics.join(", ")),
            };
            case.error_at(&field, format!("analysis for unknown topic `{topic}`"))
                .with_help(help)
        };
        found.push(diagnostic.with_code("E102"));
    }
}

fn check_citations(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    let bibliography = &inputs.brief.bibliography;
    let missing = |key: &str| bibliography.get(key).is_none();
    let help = |key: &str| {
        let keys = bibliography.sources.iter().map(|s| s.key.as_str());
        match did_you_mean(key, keys) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("add an entry `{key}` to {}", bibliography.path.display()),
        }
    };
    for topic in inputs.topics() {
        let Some(section) = inputs.brief.section(&topic) else {
            continue;
        };
        for group in citation::find(section.body()) {
            for cite in group.cites.iter().filter(|c| missing(&c.key)) {
                let start = section.body_start + group.span.start;
                found.push(
                    Diagnostic::error(
                        &section.path,
                        format!("citation `@{}` is not in the bibliography", cite.key),
                    )
                    .with_code("E201")
                    .at(
                        section.text.clone(),
                        Some(start..section.body_start + group.span.end),
                    )
                    .with_help(help(&cite.key)),
                );
            }
        }
    }
    for (field, text) in case_prose(&inputs.case.case) {
        for group in citation::find(text) {
            for cite in group.cites.iter().filter(|c| missing(&c.key)) {
                let written = &text[group.span.clone()];
                found.push(
                    inputs
                        .case
                        .error_at_text(
                            &field,
                            written,
                            format!("citation `@{}` is not in the bibliography", cite.key),
                        )
                        .with_code("E201")
                        .with_help(help(&cite.key)),
                );
            }
        }
    }
}

/// Every free-text field of a case, with its field path.
pub fn case_prose(case: &crate::load::Case) -> Vec<(String, &str)> {
    let mut fields: Vec<(String, &str)> = Vec::new();
    for (topic, text) in &case.analysis {
        fields.push((format!("analysis.{topic}"), text));
    }
    for (i, q) in case.questions.iter().enumerate() {
        fields.push((format!("questions[{i}].question"), &q.question));
        fields.push((format!("questions[{i}].answer"), &q.answer));
    }
    for (i, instruction) in case.instructing.instructions.iter().enumerate() {
        fields.push((
            format!("instructing.instructions[{i}].summary"),
            &instruction.summary,
        ));
    }
    if let Some(qualifications) = case
        .expert
        .as_ref()
        .and_then(|e| e.qualifications.as_deref())
    {
        fields.push(("expert.qualifications".into(), qualifications));
    }
    let opinion = &case.opinion;
    fields.push(("opinion.conclusions".into(), &opinion.conclusions));
    fields.push(("opinion.range_of_opinion".into(), &opinion.range_of_opinion));
    fields.push(("opinion.risk_on_return".into(), &opinion.risk_on_return));
    fields.push(("opinion.limitations".into(), &opinion.limitations));
    fields
}
