//! Replacing a case's personal data with consistent pseudonyms, everywhere it occurs.

use serde_json::Value;

use crate::load::Case;

/// One personal value of a case: where it came from, what it was, and what replaces it.
#[derive(Debug, Clone)]
pub struct Personal {
    /// The field path, such as `applicant.name`.
    pub field: String,
    /// The value as the case gives it.
    pub value: String,
    /// What replaces the value in the sample.
    pub pseudonym: String,
    /// Parts of the value (given name, family name) that must not appear on their own either.
    pub parts: Vec<String>,
}

/// Fields that are always personal; a workspace may add more (`[anonymise] personal`).
pub const PERSONAL_FIELDS: [&str; 8] = [
    "applicant.name",
    "applicant.tribunal_name",
    "applicant.date_of_birth",
    "report.reference",
    "report.appeal_number",
    "instructing.solicitor",
    "instructing.reference",
    "expert.signature",
];

/// Fields holding a person's name, whose given and family names are personal on their own.
const NAME_FIELDS: [&str; 3] = [
    "applicant.name",
    "applicant.tribunal_name",
    "instructing.solicitor",
];

/// Parts shorter than this (initials, particles such as "al") are not searched on their own:
/// they would match ordinary words and make every sample fail.
const MIN_PART_CHARS: usize = 3;

/// The personal values present in `case`, with their pseudonyms.
pub fn personal_values(case: &Case, extra_fields: &[String]) -> Vec<Personal> {
    let json = serde_json::to_value(case).expect("a case serialises");
    let title = match case
        .applicant
        .gender
        .as_deref()
        .map(str::to_lowercase)
        .as_deref()
    {
        Some("male" | "man" | "m") => "Mr A.",
        Some("female" | "woman" | "f") => "Ms A.",
        _ => "A.",
    };
    let mut found = Vec::new();
    let fields = PERSONAL_FIELDS
        .iter()
        .map(|f| f.to_string())
        .chain(extra_fields.iter().cloned());
    for field in fields {
        let Some(value) = lookup(&json, &field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
        else {
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        let pseudonym = match field.as_str() {
            "applicant.name" | "applicant.tribunal_name" => title.to_string(),
            "applicant.date_of_birth" => "[date of birth]".to_string(),
            "report.reference" | "report.appeal_number" => "[case number]".to_string(),
            "instructing.solicitor" => "[solicitor]".to_string(),
            "instructing.reference" => "[reference]".to_string(),
            "expert.signature" => String::new(),
            other => format!(
                "[{}]",
                other.rsplit('.').next().unwrap_or(other).replace('_', " ")
            ),
        };
        // Names are searched part by part too; numbers and references only whole, since their
        // parts ("2026", "PA") are ordinary text.
        let is_name = NAME_FIELDS.contains(&field.as_str());
        let mut parts: Vec<String> = if field == "applicant.date_of_birth" {
            date_forms(&value)
        } else if !is_name {
            Vec::new()
        } else {
            value
                .split(|c: char| c.is_whitespace() || matches!(c, '-' | ',' | '(' | ')' | '/'))
                .filter(|p| p.chars().count() >= MIN_PART_CHARS)
                .map(str::to_string)
                .collect()
        };
        parts.retain(|p| p != &value);
        found.push(Personal {
            field,
            value,
            pseudonym,
            parts,
        });
    }
    found
}

/// A copy of `case` with every personal value, and every part of one, replaced in every
/// free-text string of the case (the personal fields themselves included).
pub fn anonymise(case: &Case, personal: &[Personal]) -> Case {
    let mut case = case.clone();
    case.applicant.date_of_birth = None;
    if let Some(expert) = case.expert.as_mut() {
        expert.signature = None;
    }
    for text in case.texts_mut() {
        for p in personal {
            // The whole value first, so "Daniyar Temirbekov" becomes "Mr A.", not "A. A.".
            let replacement = if p.pseudonym.is_empty() {
                "[redacted]"
            } else {
                &p.pseudonym
            };
            *text = replace_caseless(text, &p.value, replacement);
            let part_replacement =
                if p.field.starts_with("applicant.") && p.field != "applicant.date_of_birth" {
                    "A."
                } else {
                    replacement
                };
            for part in &p.parts {
                *text = replace_caseless(text, part, part_replacement);
            }
        }
    }
    case
}

/// Case-insensitive replacement in any script. Characters are compared by their simple
/// lower-case form, which keeps positions aligned between the text and its folded copy.
pub fn replace_caseless(text: &str, needle: &str, replacement: &str) -> String {
    let fold = |s: &str| -> Vec<char> {
        s.chars()
            .map(|c| c.to_lowercase().next().unwrap_or(c))
            .collect()
    };
    let needle = fold(needle);
    if needle.is_empty() {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let folded = fold(text);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if folded[i..].starts_with(&needle) {
            out.push_str(replacement);
            i += needle.len();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The ways a date of birth is written in prose: 1991-04-17, 17 April 1991, April 17, 1991,
/// 17/04/1991, 17.04.1991.
fn date_forms(iso: &str) -> Vec<String> {
    let Ok(date) = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") else {
        return vec![];
    };
    [
        "%Y-%m-%d",
        "%-d %B %Y",
        "%d %B %Y",
        "%B %-d, %Y",
        "%d/%m/%Y",
        "%d.%m.%Y",
        "%m/%d/%Y",
    ]
    .iter()
    .map(|f| date.format(f).to_string())
    .collect()
}

fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| v.get(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacement_ignores_case_in_any_script() {
        assert_eq!(
            replace_caseless("Иван и ИВАН и иван", "Иван", "A."),
            "A. и A. и A."
        );
        assert_eq!(
            replace_caseless("TEMIRBEKOV said", "Temirbekov", "A."),
            "A. said"
        );
    }

    #[test]
    fn dates_of_birth_are_found_in_their_usual_forms() {
        let forms = date_forms("1991-04-17");
        assert!(forms.contains(&"17 April 1991".to_string()));
        assert!(forms.contains(&"17/04/1991".to_string()));
    }
}
