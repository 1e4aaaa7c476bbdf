//! Reads TOML into typed structs; every failure names the file, line, column and field path.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_path_to_error::Segment;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::Diagnostic;
use crate::lookup::did_you_mean;

/// Parses `text`, the content of `file`, into `T`.
pub fn parse<T: DeserializeOwned>(file: &Path, text: &Arc<str>) -> Result<T, Diagnostic> {
    let deserializer = toml::Deserializer::parse(text).map_err(|error| {
        let diagnostic =
            Diagnostic::error(file, format!("invalid TOML: {}", error.message().trim()))
                .with_help("TOML syntax is described at https://toml.io")
                .at(text.clone(), error.span());
        // A value TOML itself refuses (an impossible date such as 2026-02-30) still has a
        // field path worth naming.
        match error.span().and_then(|span| field_at(text, span.start)) {
            Some(field) => diagnostic.with_field(field),
            None => diagnostic,
        }
    })?;
    serde_path_to_error::deserialize(deserializer).map_err(|error| to_diagnostic(file, text, error))
}

/// A deserialisation error as a located diagnostic: an unknown key is shown at the key,
/// anything else at the value.
fn to_diagnostic(
    file: &Path,
    text: &Arc<str>,
    error: serde_path_to_error::Error<toml::de::Error>,
) -> Diagnostic {
    let field = field_path(error.path());
    let inner = error.into_inner();
    let (message, help) = explain(inner.message().trim());
    let located = if message.starts_with("unknown key") {
        locate_key(text, &field)
    } else {
        locate(text, &field)
    }
    .or_else(|| inner.span());
    let mut diagnostic = Diagnostic::error(file, message).at(text.clone(), located);
    if !field.is_empty() {
        diagnostic = diagnostic.with_field(field);
    }
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// How many problems one file may report before the rest are left for the next run; no real
/// file comes near it, and it bounds the work a hostile one can cause.
const MAX_PROBLEMS: usize = 64;

/// Parses `text` like [`parse`], but does not stop at the first problem: each unknown key
/// is set aside and each missing or mistyped value stood in for, so that one run reports
/// every such problem in the file, and the checks can go on with what parsed.
///
/// Returns the value (when every problem could be stood in for) and the problems. A syntax
/// error stops at once: past it, nothing in the file can be trusted.
pub fn parse_all<T: DeserializeOwned>(file: &Path, text: &Arc<str>) -> Parsed<T> {
    let first = match parse::<T>(file, text) {
        Ok(value) => {
            return Parsed {
                value: Some(value),
                problems: Vec::new(),
                stand_ins: Vec::new(),
            };
        }
        Err(first) => first,
    };
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return Parsed {
            value: None,
            problems: vec![first],
            stand_ins: Vec::new(),
        };
    };
    let mut root = toml::Value::Table(table);
    let mut problems: Vec<Diagnostic> = Vec::new();
    // Fields already reported, so a stand-in that still fails is not reported again.
    let mut reported: Vec<String> = Vec::new();
    let mut stand_ins: Vec<String> = Vec::new();
    let done = |value, problems, stand_ins| Parsed {
        value,
        problems,
        stand_ins,
    };
    for _ in 0..MAX_PROBLEMS * 4 {
        let attempt = serde_path_to_error::deserialize::<_, T>(root.clone());
        let error = match attempt {
            Ok(value) => return done(Some(value), problems, stand_ins),
            Err(error) => error,
        };
        let path: Vec<Segment> = error.path().iter().cloned().collect();
        let message = error.inner().message().trim().to_string();
        let field = field_path(error.path());
        let key = stand_in_key(&message);
        let where_ = match &key {
            Some(k) if !message.starts_with("unknown field") => {
                if field.is_empty() {
                    k.clone()
                } else {
                    format!("{field}.{k}")
                }
            }
            _ => field.clone(),
        };
        if !message.starts_with("unknown field") && !stand_ins.contains(&where_) {
            stand_ins.push(where_.clone());
        }
        if !reported.contains(&where_) {
            reported.push(where_.clone());
            // The first problem is the one the text parser met, with its wording and span.
            problems.push(if problems.is_empty() {
                first.clone()
            } else {
                to_diagnostic(file, text, error)
            });
            if problems.len() >= MAX_PROBLEMS {
                return done(None, problems, stand_ins);
            }
        }
        if !repair(&mut root, &path, key.as_deref(), &message) {
            return done(None, problems, stand_ins);
        }
    }
    done(None, problems, stand_ins)
}

/// What [`parse_all`] made of a file.
#[derive(Debug)]
pub struct Parsed<T> {
    /// The value, when every problem could be stood in for.
    pub value: Option<T>,
    /// Every problem, in the order met.
    pub problems: Vec<Diagnostic>,
    /// Fields whose value is a stand-in (`report.jurisdiction`): findings about them later
    /// are knock-ons of a problem already reported, and are left out.
    pub stand_ins: Vec<String>,
}

impl<T> Parsed<T> {
    /// Whether a finding at `field` concerns a stood-in value.
    pub fn stood_in(stand_ins: &[String], field: Option<&str>) -> bool {
        field.is_some_and(|f| {
            stand_ins.iter().any(|s| {
                f == s || f.starts_with(&format!("{s}.")) || f.starts_with(&format!("{s}["))
            })
        })
    }
}

/// For a missing key, its name (the path points at the table that lacks it).
fn stand_in_key(message: &str) -> Option<String> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
        .map(str::to_string)
}

/// Changes `root` so that the problem at `path` goes away: an unknown key is removed, and a
/// missing or wrong value is replaced by the next stand-in. False when nothing is left to try.
fn repair(root: &mut toml::Value, path: &[Segment], missing: Option<&str>, message: &str) -> bool {
    let (parent, last) = match missing {
        Some(key) => (
            path,
            Segment::Map {
                key: key.to_string(),
            },
        ),
        None => match path.split_last() {
            Some((last, parent)) => (parent, last.clone()),
            None => return false,
        },
    };
    let Some(container) = walk_mut(root, parent) else {
        return false;
    };
    if message.starts_with("unknown field") {
        let (toml::Value::Table(table), Segment::Map { key }) = (container, &last) else {
            return false;
        };
        let Some(value) = table.remove(key) else {
            return false;
        };
        // A misspelt key is most likely the key it resembles: its value goes there, so the
        // key is not reported missing as well, and the value is still checked.
        let expected: Vec<&str> = message.split('`').skip(3).step_by(2).collect();
        if let Some(meant) = did_you_mean(key, expected.iter().copied())
            && !table.contains_key(meant)
        {
            table.insert(meant.to_string(), value);
        }
        return true;
    }
    let current = match (&*container, &last) {
        (toml::Value::Table(table), Segment::Map { key }) => table.get(key).cloned(),
        (toml::Value::Array(items), Segment::Seq { index }) => items.get(*index).cloned(),
        _ => None,
    };
    let Some(next) = next_stand_in(current.as_ref(), message) else {
        return false;
    };
    match (container, last) {
        (toml::Value::Table(table), Segment::Map { key }) => {
            table.insert(key, next);
            true
        }
        (toml::Value::Array(items), Segment::Seq { index }) if index < items.len() => {
            items[index] = next;
            true
        }
        _ => false,
    }
}

/// Stand-ins in the order they are tried; each value type's simplest value. An enum's
/// first accepted variant comes from serde's own message.
fn next_stand_in(current: Option<&toml::Value>, message: &str) -> Option<toml::Value> {
    // serde names an enum's variants: "expected `draft` or `final`", "expected one of `a`, …".
    if message.starts_with("unknown variant")
        && let Some(rest) = message.split_once("expected ").map(|(_, r)| r)
        && let Some(variant) = rest.split('`').nth(1)
    {
        let variant = variant.to_string();
        if current.and_then(toml::Value::as_str) != Some(variant.as_str()) {
            return Some(toml::Value::String(variant));
        }
    }
    let date: toml::value::Datetime = "2000-01-01".parse().ok()?;
    let candidates = [
        toml::Value::String(String::new()),
        toml::Value::Integer(0),
        toml::Value::Boolean(false),
        toml::Value::Array(Vec::new()),
        toml::Value::Table(toml::Table::new()),
        toml::Value::Datetime(date),
    ];
    let position = current.and_then(|c| candidates.iter().position(|k| k == c));
    let start = position.map_or(0, |p| p + 1);
    candidates.into_iter().nth(start)
}

fn walk_mut<'a>(root: &'a mut toml::Value, path: &[Segment]) -> Option<&'a mut toml::Value> {
    let mut value = root;
    for segment in path {
        value = match (value, segment) {
            (toml::Value::Table(table), Segment::Map { key }) => table.get_mut(key)?,
            (toml::Value::Array(items), Segment::Seq { index }) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    Some(value)
}

/// The field path of the value starting at byte `offset`, for a syntax error inside a value:
/// the value is swapped for a harmless `0` (padded to keep every offset) and the text parsed
/// again. `None` when the error is not in a value or the text has other syntax errors.
fn field_at(text: &str, offset: usize) -> Option<String> {
    let token = text.get(offset..)?;
    let len = token
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}' | '#'))
        .unwrap_or(token.len());
    if len == 0 {
        return None;
    }
    let patched = format!(
        "{}0{}{}",
        &text[..offset],
        " ".repeat(len - 1),
        &text[offset + len..]
    );
    let root = DeTable::parse(&patched).ok()?;
    table_path_at(root.get_ref(), offset, "")
}

fn table_path_at(table: &DeTable, offset: usize, prefix: &str) -> Option<String> {
    table.iter().find_map(|(key, value)| {
        let path = match prefix {
            "" => key.get_ref().to_string(),
            prefix => format!("{prefix}.{}", key.get_ref()),
        };
        value_path_at(value, offset, path)
    })
}

fn value_path_at(value: &toml::Spanned<DeValue>, offset: usize, path: String) -> Option<String> {
    match value.get_ref() {
        DeValue::Table(table) => table_path_at(table, offset, &path),
        DeValue::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| value_path_at(item, offset, format!("{path}[{i}]"))),
        _ => (value.span().start == offset).then_some(path),
    }
}

/// The field path as a user writes it: `questions[1].answer`.
fn field_path(path: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

/// Turns serde's messages into ours, adding "did you mean" for a near-miss key.
fn explain(message: &str) -> (String, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (unknown, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let help = match did_you_mean(unknown, candidates.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None if candidates.is_empty() => "remove this key".to_string(),
            None => format!("the keys allowed here are: {}", candidates.join(", ")),
        };
        return (format!("unknown key `{unknown}`"), Some(help));
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return (
            format!("missing required key `{name}`"),
            Some(format!(
                "add `{name} = ...` here; docs/case-file.md describes it"
            )),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (given, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let help = match did_you_mean(given, candidates.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("use one of: {}", candidates.join(", ")),
        };
        return (format!("`{given}` is not an accepted value"), Some(help));
    }
    // toml's words for a value that is not a string where one of a fixed set of values
    // belongs (`status = true`), which name neither what was wanted nor what to do.
    if message == "wanted string or table" {
        return (
            "invalid type: expected one of this key's values, as a string in quotes".to_string(),
            Some("docs/case-file.md lists the values each key accepts".to_string()),
        );
    }
    (message.to_string(), None)
}

/// Byte span of the value at `field`, a path like `questions[1].answer`; for a key that is
/// absent, the span of the table that should hold it.
pub fn locate(text: &str, field: &str) -> Option<Range<usize>> {
    walk(text, field, false)
}

/// Byte span of the key of `field`, for messages about the key itself.
pub fn locate_key(text: &str, field: &str) -> Option<Range<usize>> {
    walk(text, field, true)
}

fn walk(text: &str, field: &str, want_key: bool) -> Option<Range<usize>> {
    let root = DeTable::parse(text).ok()?;
    let mut value_span = root.span();
    let mut current: Option<&DeValue> = None;
    let mut table: Option<&DeTable> = Some(root.get_ref());
    for segment in split_path(field) {
        match segment {
            PathPart::Key(key) => {
                let found = table
                    .or_else(|| current.and_then(DeValue::as_table))?
                    .iter()
                    .find(|(k, _)| k.get_ref() == key);
                let Some((k, v)) = found else {
                    // The key is absent (a missing field): point at the enclosing table.
                    return Some(value_span);
                };
                value_span = if want_key || v.span().is_empty() {
                    k.span()
                } else {
                    v.span()
                };
                current = Some(v.get_ref());
                table = None;
            }
            PathPart::Index(index) => {
                let item = current?.as_array()?.get(index)?;
                value_span = item.span();
                current = Some(item.get_ref());
                table = None;
            }
        }
    }
    Some(value_span)
}

enum PathPart<'a> {
    Key(&'a str),
    Index(usize),
}

fn split_path(field: &str) -> Vec<PathPart<'_>> {
    let mut parts = Vec::new();
    for piece in field.split('.').filter(|p| !p.is_empty()) {
        let (key, indexes) = piece
            .split_once('[')
            .map_or((piece, ""), |(k, rest)| (k, rest));
        if !key.is_empty() {
            parts.push(PathPart::Key(key));
        }
        for index in indexes.split('[') {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                parts.push(PathPart::Index(i));
            }
        }
    }
    parts
}

/// A calendar date written as a TOML date (`2026-11-20`, unquoted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Date(pub chrono::NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = toml::value::Datetime::deserialize(deserializer).map_err(|error| {
            if error.to_string().starts_with("missing field") {
                error
            } else {
                D::Error::custom("expected a TOML date such as 2026-11-20, written without quotes")
            }
        })?;
        let (Some(date), None) = (value.date, value.time) else {
            return Err(D::Error::custom(
                "expected a date without a time, such as 2026-11-20",
            ));
        };
        chrono::NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
            .map(Date)
            .ok_or_else(|| D::Error::custom(format!("{value} is not a date in the calendar")))
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%-d %B %Y"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        report: Report,
        #[serde(default)]
        questions: Vec<Question>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Report {
        #[allow(dead_code)]
        country: String,
        #[allow(dead_code)]
        date: Date,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Question {
        #[allow(dead_code)]
        question: String,
        #[allow(dead_code)]
        answer: String,
    }

    fn error_for(text: &str) -> Diagnostic {
        parse::<Doc>(Path::new("case.toml"), &Arc::from(text)).unwrap_err()
    }

    #[test]
    fn unknown_key_suggests_the_near_miss() {
        let d = error_for("[report]\ncountry = \"kyrgyzstan\"\ndate = 2026-01-02\ncountyr = 1\n");
        assert_eq!(d.field.as_deref(), Some("report.countyr"));
        assert_eq!(d.line_column(), Some((4, 1)));
        assert!(
            d.help
                .as_deref()
                .unwrap()
                .contains("did you mean `country`"),
            "{d}"
        );
    }

    #[test]
    fn wrong_type_names_the_nested_field_and_line() {
        let d = error_for(
            "[report]\ncountry = \"k\"\ndate = 2026-01-02\n\n[[questions]]\nquestion = \"q\"\nanswer = \"a\"\n\n[[questions]]\nquestion = \"q2\"\nanswer = 42\n",
        );
        assert_eq!(d.field.as_deref(), Some("questions[1].answer"));
        assert_eq!(d.line_column(), Some((11, 10)));
    }

    #[test]
    fn missing_field_points_at_its_table() {
        let d = error_for("[report]\ncountry = \"k\"\n");
        assert!(d.message.contains("missing required key `date`"), "{d}");
        assert_eq!(d.field.as_deref(), Some("report"));
        assert_eq!(d.line_column().map(|(l, _)| l), Some(1));
    }

    #[test]
    fn quoted_and_impossible_dates_are_refused() {
        let d = error_for("[report]\ncountry = \"k\"\ndate = \"2026-01-02\"\n");
        assert!(d.message.contains("without quotes"), "{d}");
        assert_eq!(d.field.as_deref(), Some("report.date"));
        let d = error_for("[report]\ncountry = \"k\"\ndate = 2026-02-30\n");
        assert!(d.message.contains("invalid date"), "{d}");
        assert_eq!(d.line_column(), Some((3, 8)));
        assert_eq!(d.field.as_deref(), Some("report.date"));
        let d = error_for(
            "[report]\ncountry = \"k\"\ndate = 2026-01-02\n[[questions]]\nq = 1\n[[questions]]\nwhen = [2026-13-01]\n",
        );
        assert_eq!(d.field.as_deref(), Some("questions[1].when[0]"), "{d}");
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let d = error_for("[report\ncountry = 1\n");
        assert!(d.message.starts_with("invalid TOML"), "{d}");
        assert_eq!(d.line_column().map(|(l, _)| l), Some(1));
    }
}
