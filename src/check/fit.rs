//! Whether the report fits the applicant: the topics chosen, the profile, the analysis.

use crate::diagnostic::Diagnostic;
use crate::load::Inputs;
use crate::lookup;

pub fn check(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    // An addendum prints no topics: the fit of topics to the applicant is its original's.
    if inputs.case.case.report.is_addendum() {
        return;
    }
    check_topics(inputs, found);
    check_rests_on(inputs, found);
    check_profile_fit(inputs, found);
}

/// E106: an answer says it rests on a part of the report that does not exist.
fn check_rests_on(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    let topics = inputs.topics();
    let parts: Vec<&str> = topics
        .iter()
        .map(String::as_str)
        .filter(|t| inputs.brief.section(t).is_some())
        .chain(crate::assemble::OPINION_PARTS)
        .collect();
    for (i, question) in inputs.case.case.questions.iter().enumerate() {
        for (j, part) in question.rests_on.iter().enumerate() {
            if parts.contains(&part.as_str()) {
                continue;
            }
            let help = lookup::help(part, &parts, "an answer can rest on");
            found.push(
                inputs
                    .case
                    .error_at(
                        &format!("questions[{i}].rests_on[{j}]"),
                        format!("no part of the report called `{part}`"),
                    )
                    .with_code("E106")
                    .with_help(help),
            );
        }
    }
}

fn check_topics(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    let case = &inputs.case;
    let known = || inputs.catalogue.topic_ids();
    let topics = inputs.topics();
    // The topics an unknown topic was probably meant to be: their analysis is then not a
    // second problem (E102) but the same one, reported once at the misspelt topic (E101).
    let mut meant: Vec<String> = Vec::new();
    for (i, topic) in topics.iter().enumerate() {
        let field = format!("report.topics[{i}]");
        if inputs.catalogue.topic(topic).is_none() && inputs.brief.section(topic).is_none() {
            if let Some(best) = lookup::did_you_mean(topic, known()) {
                meant.push(best.to_string());
            }
            let help = lookup::help(topic, &known().collect::<Vec<_>>(), "known topics");
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
        if topics.contains(topic) || meant.contains(topic) {
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
            let help = lookup::help(topic, &topics, "the report's topics");
            case.error_at(&field, format!("analysis for unknown topic `{topic}`"))
                .with_help(help)
        };
        found.push(diagnostic.with_code("E102"));
    }
}

/// W310 a topic nothing calls for; W311 a profile tag nothing covers; W312 a topic with no
/// analysis of this applicant (generic country information is the standard objection).
fn check_profile_fit(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    let case = &inputs.case;
    let catalogue = &inputs.catalogue;
    let tags = &case.case.applicant.profile;
    let topics = inputs.topics();
    let called_for = catalogue.topics_for_profile(tags);
    for (i, topic) in topics.iter().enumerate() {
        if inputs.brief.section(topic).is_none() {
            continue;
        }
        let field = if case.case.report.topics.is_some() {
            format!("report.topics[{i}]")
        } else {
            "applicant.profile".into()
        };
        let analysed = case.case.analysis.contains_key(topic);
        if !called_for.contains(topic) && !analysed {
            // One finding per problem: this one also covers the missing analysis (W312).
            found.push(
                case.error_at(&field, format!("no profile tag calls for `{topic}` and there is no analysis of it for this applicant"))
                    .with_code("W310")
                    .into_warning()
                    .with_help(format!("write [analysis] {topic} to tie it to the applicant, or drop the topic")),
            );
            continue;
        }
        if !analysed && !catalogue.background.contains(topic) {
            found.push(
                case.error_at(&field, format!("topic `{topic}` has no case-specific analysis"))
                    .with_code("W312")
                    .into_warning()
                    .with_help(format!("add `{topic} = \"\"\"...\"\"\"` under [analysis]: say how these conditions bear on this applicant")),
            );
        }
    }
    for (i, tag) in tags.iter().enumerate() {
        let field = format!("applicant.profile[{i}]");
        match catalogue.profiles.get(tag) {
            None => {
                let tags: Vec<&str> = catalogue.profiles.keys().map(String::as_str).collect();
                let help = lookup::help(tag, &tags, "tags the catalogue knows");
                found.push(
                    case.error_at(&field, format!("no topic covers the profile tag `{tag}`"))
                        .with_code("W311")
                        .into_warning()
                        .with_help(help),
                );
            }
            Some(wanted) if !wanted.iter().any(|t| topics.contains(t)) => {
                found.push(
                    case.error_at(
                        &field,
                        format!("the report includes none of the topics for `{tag}`"),
                    )
                    .with_code("W311")
                    .into_warning()
                    .with_help(format!("`{tag}` calls for: {}", wanted.join(", "))),
                );
            }
            Some(_) => {}
        }
    }
}
