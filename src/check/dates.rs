//! Dates that hold together: nothing the report relies on was consulted or reviewed after the
//! report was signed, and every source's date says what it should.
//!
//! A source consulted after the statement of truth was signed (or, before an Immigration
//! Court, after the declaration was executed) undercuts that statement, and the other side
//! will say so: error in a final report, warning in a draft.

use chrono::NaiveDate;

use crate::diagnostic::Diagnostic;
use crate::load::Inputs;
use crate::load::briefs::{Bibliography, Source};
use crate::load::case::Status;

/// E303/W303 sources accessed after the report's date; E304/W304 a brief or section reviewed
/// after it; W305 a web source dated by year alone; W306 a date its own URL contradicts.
pub fn check(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    let report_date = inputs.case.case.report.date.0;
    let is_final = inputs.case.case.report.status == Status::Final;
    let graded = |diagnostic: Diagnostic, error: &'static str, warning: &'static str| {
        if is_final {
            diagnostic.with_code(error)
        } else {
            diagnostic.with_code(warning).into_warning()
        }
    };
    // What the report's date is called where it is signed: "Executed on" for a declaration.
    let signed = if inputs.profile.executed_on {
        "the declaration was executed"
    } else {
        "the report is dated"
    };
    for key in super::sources::cited_keys(inputs) {
        let Some((bibliography, source)) = inputs.find_source(&key) else {
            continue;
        };
        let span = entry_span(bibliography, &key);
        let at = |message: String| {
            Diagnostic::error(&bibliography.path, message)
                .at(bibliography.text.clone(), span.clone())
        };
        if let Some(accessed) = source.accessed.as_deref().and_then(full_date)
            && accessed > report_date
        {
            found.push(graded(
                at(format!(
                    "source `{key}` was accessed on {}, after {signed} ({})",
                    accessed.format("%-d %B %Y"),
                    report_date.format("%-d %B %Y")
                ))
                .with_help("consult the source again on or before the report's date and correct `url.date`, or date the report after it"),
                "E303",
                "W303",
            ));
        }
        if source.web
            && let Some(published) = source.published.as_deref()
            && published.len() == 4
            && published.chars().all(|c| c.is_ascii_digit())
        {
            found.push(
                at(format!("web source `{key}` is dated by its year alone ({published})"))
                    .with_code("W305")
                    .into_warning()
                    .with_help("give the month and day of publication, as the page states them, so that the reader can judge how current it is"),
            );
        }
        if let Some(disagreement) = url_disagrees(source) {
            found.push(
                at(format!(
                    "the date of `{key}` ({}) disagrees with the date in its URL ({disagreement})",
                    source.published.as_deref().unwrap_or("")
                ))
                .with_code("W306")
                .into_warning()
                .with_help(
                    "check the publication date against the page itself and correct one of them",
                ),
            );
        }
    }

    let brief = &inputs.brief;
    if brief.info.last_reviewed.0 > report_date
        && let Ok(Some(source)) = brief.folder.read_text("brief.toml")
    {
        let span = crate::load::toml_file::locate(&source.text, "last_reviewed");
        found.push(graded(
            Diagnostic::error(
                &source.path,
                format!(
                    "the {} brief was last reviewed on {}, after {signed} ({})",
                    brief.info.name, brief.info.last_reviewed, inputs.case.case.report.date
                ),
            )
            .with_field("last_reviewed")
            .at(source.text.clone(), span)
            .with_help("a report cannot rest on a review done after it was signed: date the report on or after the review"),
            "E304",
            "W304",
        ));
    }
    for topic in inputs.topics() {
        let Some(section) = brief.section(&topic) else {
            continue;
        };
        if section.info.reviewed.0 > report_date {
            let at = section.text.find("reviewed");
            found.push(graded(
                Diagnostic::error(
                    &section.path,
                    format!(
                        "the section on `{topic}` was reviewed on {}, after {signed} ({})",
                        section.info.reviewed, inputs.case.case.report.date
                    ),
                )
                .with_field("reviewed")
                .at(section.text.clone(), at.map(|a| a..a + 8))
                .with_help("a report cannot rest on a review done after it was signed: date the report on or after the review"),
                "E304",
                "W304",
            ));
        }
    }
}

/// The span of an entry's key in its bibliography: the key at the start of a line, as YAML
/// and BibLaTeX write it.
pub fn entry_span(bibliography: &Bibliography, key: &str) -> Option<std::ops::Range<usize>> {
    let text = &bibliography.text;
    let at = [format!("\n{key}:"), format!("{{{key},")]
        .iter()
        .find_map(|needle| {
            text.find(needle.as_str())
                .map(|a| a + needle.len() - key.len() - 1)
        })
        .or_else(|| text.starts_with(&format!("{key}:")).then_some(0))?;
    Some(at..at + key.len())
}

/// A date given to the day (`2026-11-20`); a month or a year alone is not one.
fn full_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// The date in a URL's path (`/2005/06/06/`, `/2005/06/`, `/20050606`), when it contradicts
/// the source's own date as far as both go.
fn url_disagrees(source: &Source) -> Option<String> {
    let url = source.url.as_deref()?;
    let published = source.published.as_deref()?;
    let (year, month, day) = date_in_url(url)?;
    let mut parts = published.split('-');
    let their_year: i32 = parts.next()?.parse().ok()?;
    let their_month: Option<u32> = parts.next().and_then(|m| m.parse().ok());
    let their_day: Option<u32> = parts.next().and_then(|d| d.get(..2)?.parse().ok());
    let differs = their_year != year
        || matches!((their_month, month), (Some(a), Some(b)) if a != b)
        || matches!((their_day, day), (Some(a), Some(b)) if a != b);
    differs.then(|| match (month, day) {
        (Some(m), Some(d)) => format!("{year}-{m:02}-{d:02}"),
        (Some(m), None) => format!("{year}-{m:02}"),
        _ => year.to_string(),
    })
}

/// A plausible publication date in a URL's path segments: a year segment (1990–2099),
/// optionally followed by a month and a day segment; or one eight-digit `YYYYMMDD` segment.
fn date_in_url(url: &str) -> Option<(i32, Option<u32>, Option<u32>)> {
    let path = url.split("://").nth(1).unwrap_or(url);
    let segments: Vec<&str> = path.split(['/', '?', '#']).skip(1).collect();
    let year_of = |s: &str| {
        s.parse::<i32>()
            .ok()
            .filter(|y| s.len() == 4 && (1990..2100).contains(y))
    };
    for (i, segment) in segments.iter().enumerate() {
        if let Some(year) = year_of(segment) {
            let month = segments
                .get(i + 1)
                .filter(|s| s.len() == 2)
                .and_then(|s| s.parse::<u32>().ok())
                .filter(|m| (1..=12).contains(m));
            let day = month.and_then(|_| {
                segments
                    .get(i + 2)
                    .filter(|s| s.len() == 2)
                    .and_then(|s| s.parse::<u32>().ok())
                    .filter(|d| (1..=31).contains(d))
            });
            // A year alone in a path is as often a report's edition as its date: only a
            // year with a month says when the page was published.
            if month.is_some() {
                return Some((year, month, day));
            }
        }
        if segment.len() == 8
            && segment.chars().all(|c| c.is_ascii_digit())
            && let Some(year) = year_of(&segment[..4])
            && let (Ok(month), Ok(day)) =
                (segment[4..6].parse::<u32>(), segment[6..].parse::<u32>())
            && (1..=12).contains(&month)
            && (1..=31).contains(&day)
        {
            return Some((year, Some(month), Some(day)));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(published: &str, url: &str) -> Source {
        Source {
            key: "k".into(),
            title: None,
            publisher: None,
            has_author: false,
            published: Some(published.into()),
            url: Some(url.into()),
            accessed: None,
            web: true,
        }
    }

    #[test]
    fn a_url_date_that_disagrees_is_found_and_one_that_agrees_is_not() {
        let hrw = "https://www.hrw.org/news/2005/06/06/uzbekistan-andijan";
        assert_eq!(
            url_disagrees(&source("2005-06-07", hrw)).as_deref(),
            Some("2005-06-06")
        );
        assert_eq!(url_disagrees(&source("2005-06-06", hrw)), None);
        assert_eq!(
            url_disagrees(&source("2005-06", hrw)),
            None,
            "as far as both go"
        );
        assert_eq!(url_disagrees(&source("2005", hrw)), None);
        assert_eq!(
            url_disagrees(&source("2024-05-02", "https://x.org/a/20240503-story")),
            None,
            "not a segment of its own"
        );
        assert_eq!(
            url_disagrees(&source("2024-05-02", "https://x.org/a/20240503/story")).as_deref(),
            Some("2024-05-03")
        );
        assert_eq!(
            url_disagrees(&source(
                "2023-02",
                "https://fh.org/country/kyrgyzstan/freedom-world/2025"
            )),
            None,
            "a year alone is an edition, not a date"
        );
    }

    #[test]
    fn only_a_full_date_is_a_date_accessed() {
        assert_eq!(
            full_date("2026-11-26"),
            NaiveDate::from_ymd_opt(2026, 11, 26)
        );
        assert_eq!(full_date("2026-11"), None);
    }
}
