//! Sources: every citation resolves, every source is fully described, claims are
//! corroborated, and the material is current.

use chrono::{Months, NaiveDate};

use super::{Settings, case_citations, staleness};
use crate::citation;
use crate::diagnostic::Diagnostic;
use crate::load::Inputs;
use crate::load::briefs::Source;
use crate::load::case::Status;
use crate::lookup::did_you_mean;

pub fn check(inputs: &Inputs, settings: &Settings, found: &mut Vec<Diagnostic>) {
    check_clashes(inputs, found);
    check_citations(inputs, found);
    check_entries(inputs, found);
    check_corroboration(inputs, found);
    check_currency(inputs, settings, found);
    check_verified(inputs, found);
}

/// E130: a final report resting on a brief marked illustrative. Illustrative content is
/// example material nobody has verified; a tribunal gives unsourced or unchecked country
/// information little weight (AAW [2015] UKUT 673), and a notice box does not cure it.
fn check_verified(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    let brief = &inputs.brief;
    if inputs.case.case.report.status != Status::Final || !brief.info.illustrative {
        return;
    }
    let Ok(Some(source)) = brief.folder.read_text("brief.toml") else {
        return;
    };
    found.push(
        Diagnostic::error(
            &source.path,
            format!(
                "the {} brief is marked illustrative, and a final report may not rest on it",
                brief.info.name
            ),
        )
        .with_field("illustrative")
        .at(
            source.text.clone(),
            crate::load::toml_file::locate(&source.text, "illustrative"),
        )
        .with_code("E130")
        .with_help(
            "verify every claim and source of the sections the report uses in your workspace's copy of the brief \
             (`witness init` makes one), then set `illustrative = false` in its brief.toml and delete \
             `illustrative_note`; until then the report can only be a draft",
        ),
    );
}

/// E203: a key the case's own sources define that the brief's bibliography defines too;
/// one of the two would silently be cited in the other's place.
fn check_clashes(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    let (brief, Some(case)) = (&inputs.brief.bibliography, &inputs.attachments.sources) else {
        return;
    };
    for source in case.sources.iter().filter(|s| brief.get(&s.key).is_some()) {
        found.push(
            Diagnostic::error(
                &case.path,
                format!(
                    "source `{}` is defined here and in the brief's bibliography, {}",
                    source.key,
                    brief.path.display()
                ),
            )
            .with_code("E203")
            .at(
                case.text.clone(),
                super::dates::entry_span(case, &source.key),
            )
            .with_help("give the case's entry a key of its own, or delete it and cite the brief's"),
        );
    }
}

fn check_citations(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    let bibliography = &inputs.brief.bibliography;
    let missing = |key: &str| inputs.find_source(key).is_none();
    let help = |key: &str| {
        let keys = inputs
            .bibliographies()
            .flat_map(|b| &b.sources)
            .map(|s| s.key.as_str());
        match did_you_mean(key, keys) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!(
                "add an entry `{key}` to {}; if `@{key}` is not meant as a citation, write `\\@{key}`",
                bibliography.path.display()
            ),
        }
    };
    for topic in inputs.topics() {
        let Some(section) = inputs.brief.section(&topic) else {
            continue;
        };
        for group in citation::find_in_markdown(section.body()) {
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
    for (field, text, groups) in case_citations(&inputs.case.case) {
        for group in groups {
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

/// Every key cited in the sections used and in the case's own text.
pub(super) fn cited_keys(inputs: &Inputs) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let sections = inputs
        .topics()
        .into_iter()
        .filter_map(|t| inputs.brief.section(&t))
        .flat_map(|s| citation::find_in_markdown(s.body()));
    let prose = case_citations(&inputs.case.case)
        .into_iter()
        .flat_map(|(_, _, groups)| groups);
    for group in sections.chain(prose) {
        keys.extend(group.cites.into_iter().map(|c| c.key));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// E202: a source cited in the report lacks what a reader needs to find and weigh it.
fn check_entries(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    for key in cited_keys(inputs) {
        let Some((bibliography, source)) = inputs.find_source(&key) else {
            continue;
        };
        let missing = missing_fields(source);
        if missing.is_empty() {
            continue;
        }
        // The entry's own line: the key at the start of a line, as YAML and BibLaTeX write it.
        let at = [format!("\n{key}:"), format!("{{{key},")]
            .iter()
            .find_map(|needle| {
                bibliography
                    .text
                    .find(needle.as_str())
                    .map(|a| a + needle.len() - key.len() - 1)
            })
            .or_else(|| {
                bibliography
                    .text
                    .starts_with(&format!("{key}:"))
                    .then_some(0)
            });
        found.push(
            Diagnostic::error(&bibliography.path, format!("source `{key}` has no {}", missing.join(", no ")))
                .with_code("E202")
                .at(bibliography.text.clone(), at.map(|a| a..a + key.len()))
                .with_help("COI standards ask for publisher or author, title, date, address and date accessed for every source"),
        );
    }
}

fn missing_fields(source: &Source) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if source.publisher.is_none() {
        missing.push("author or publisher");
    }
    if source.title.is_none() {
        missing.push("title");
    }
    if source.published.is_none() {
        missing.push("date");
    }
    if source.url.is_none() {
        missing.push("URL");
    }
    if source.accessed.is_none() {
        missing.push("date accessed (url.date)");
    }
    missing
}

/// W210: a topic section whose claims all rest on one source.
fn check_corroboration(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    for topic in inputs.topics() {
        let Some(section) = inputs.brief.section(&topic) else {
            continue;
        };
        let mut keys: Vec<String> = citation::find_in_markdown(section.body())
            .into_iter()
            .flat_map(|g| g.cites)
            .map(|c| c.key)
            .collect();
        keys.sort();
        keys.dedup();
        if keys.len() <= 1 {
            let what = keys.first().map_or("no source at all".to_string(), |k| {
                format!("a single source, `{k}`")
            });
            found.push(
                Diagnostic::warning(
                    &section.path,
                    format!("the section on `{topic}` rests on {what}"),
                )
                .with_code("W210")
                .at(section.text.clone(), Some(0..3))
                .with_help("corroborate its claims with a second, independent source"),
            );
        }
    }
}

/// W301/E301: a section reviewed too long before the report; W302/E302: a section none of
/// whose sources is recent. Background sections are history and exempt from the second.
fn check_currency(inputs: &Inputs, settings: &Settings, found: &mut Vec<Diagnostic>) {
    let report_date = inputs.case.case.report.date.0;
    let source_limit = report_date.checked_sub_months(Months::new(settings.source_months));
    for topic in inputs.topics() {
        let Some(section) = inputs.brief.section(&topic) else {
            continue;
        };
        let months = settings.staleness.months_for(&topic);
        if let Some(limit) = report_date.checked_sub_months(Months::new(months))
            && section.info.reviewed.0 < limit
        {
            let at = section.text.find("reviewed");
            let diagnostic = Diagnostic::error(
                &section.path,
                format!(
                    "the section on `{topic}` was last reviewed on {}, more than {} months before the report date",
                    section.info.reviewed, months
                ),
            )
            .with_code("E301")
            .with_field("reviewed")
            .at(section.text.clone(), at.map(|a| a..a + 8))
            .with_help("review the section against current sources and update `reviewed`");
            found.push(staleness(inputs, settings, diagnostic, "W301"));
        }
        if inputs.catalogue.background.contains(&topic) {
            continue;
        }
        let Some(limit) = source_limit else { continue };
        let mut dates: Vec<NaiveDate> = citation::find_in_markdown(section.body())
            .into_iter()
            .flat_map(|g| g.cites)
            .filter_map(|c| {
                inputs
                    .find_source(&c.key)
                    .and_then(|(_, s)| s.published.as_deref())
                    .and_then(publication_date)
            })
            .collect();
        dates.sort();
        if let Some(newest) = dates.last()
            && *newest < limit
        {
            let diagnostic = Diagnostic::error(
                &section.path,
                format!(
                    "the newest source in the section on `{topic}` dates from {newest}, more than {} months before the report date",
                    settings.source_months
                ),
            )
            .with_code("E302")
            .at(section.text.clone(), Some(0..3))
            .with_help("country information must be current: add a recent source for these conditions");
            found.push(staleness(inputs, settings, diagnostic, "W302"));
        }
    }
}

/// The last day of a Hayagriva date written as `2025`, `2025-02` or `2025-02-14`, so that a
/// source dated only by year or month is not held to be older than it may be.
fn publication_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('-').map(|p| p.parse::<u32>().ok());
    let year = parts.next()?? as i32;
    let month = parts.next().flatten();
    let day = parts.next().flatten();
    match (month, day) {
        (Some(m), Some(d)) => NaiveDate::from_ymd_opt(year, m, d),
        (Some(m), None) => NaiveDate::from_ymd_opt(year, m, 1)?
            .checked_add_months(Months::new(1))?
            .pred_opt(),
        _ => NaiveDate::from_ymd_opt(year, 12, 31),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_count_from_their_last_day() {
        assert_eq!(
            publication_date("2025"),
            NaiveDate::from_ymd_opt(2025, 12, 31)
        );
        assert_eq!(
            publication_date("2024-02"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        assert_eq!(
            publication_date("2025-01-16"),
            NaiveDate::from_ymd_opt(2025, 1, 16)
        );
        assert_eq!(publication_date("undated"), None);
    }
}
