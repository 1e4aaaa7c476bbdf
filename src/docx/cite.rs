//! The citations of the document formatted as typst formats them: the same bibliography files
//! and CSL style (coi-notes.csl) through hayagriva, typst's own citation engine, in the same
//! order, so that a Word footnote says what the PDF's says.

use std::collections::HashMap;

use anyhow::{Context, Result, anyhow};
use hayagriva::citationberg::{IndependentStyle, LocaleCode};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, BufWriteFormat, CitationItem, CitationRequest,
    CitePurpose, Entry,
};

use super::model::{Block, Document, Inline};
use super::walk::Counted;

/// The private-use marks coi-notes.csl puts around a title; style.typ prints them as the
/// region's outer quotation marks.
const TITLE_OPEN: char = '\u{E000}';
const TITLE_CLOSE: char = '\u{E001}';

/// What every citation of the document prints, in document order.
#[derive(Debug, Default)]
pub struct Formatted {
    /// For each citation, in the order [`visit`] meets them: its text, or `None` for one
    /// printed with the citation before it (a group is one note).
    pub citations: Vec<Option<String>>,
    /// The bibliography's entries, when the document prints one.
    pub bibliography: Vec<String>,
}

/// Formats the citations of `document` from the bibliography files (name and bytes) and the
/// CSL style's XML. `us` picks American quotation marks for titles.
pub fn format(
    document: &Document,
    counted: &Counted,
    files: &[(String, Vec<u8>)],
    csl: &str,
    us: bool,
) -> Result<Formatted> {
    let mut entries: HashMap<String, Entry> = HashMap::new();
    for (name, bytes) in files {
        let text = std::str::from_utf8(bytes).with_context(|| format!("{name} is not UTF-8"))?;
        let library = if name.ends_with(".bib") {
            hayagriva::io::from_biblatex_str(text)
                .map_err(|e| anyhow!("{name}: invalid BibLaTeX: {e:?}"))?
        } else if name.ends_with(".yml") || name.ends_with(".yaml") {
            hayagriva::io::from_yaml_str(text).with_context(|| format!("{name}: invalid YAML"))?
        } else {
            continue;
        };
        for entry in library.iter() {
            entries
                .entry(entry.key().to_string())
                .or_insert_with(|| entry.clone());
        }
    }
    let style = IndependentStyle::from_xml(csl).map_err(|e| anyhow!("the citation style: {e}"))?;
    let locales = english_locales();
    let locale = Some(LocaleCode(if us { "en-US" } else { "en-GB" }.into()));

    // The citations in order: each group (adjacent plain citations, one note) or citation in
    // a note of witness's, with the note number it has.
    let mut requests: Vec<(Vec<Cited>, usize)> = Vec::new();
    let mut note = 0;
    for block in document.cover.iter().chain(&document.body) {
        visit_block(block, &mut |inlines| {
            collect(inlines, counted, &mut requests, &mut note, false)
        });
    }
    let mut driver = BibliographyDriver::new();
    let mut missing = Vec::new();
    for (group, note_number) in &requests {
        let items: Vec<CitationItem<Entry>> = group
            .iter()
            .filter_map(|cited| {
                let Some(entry) = entries.get(&cited.key) else {
                    missing.push(cited.key.clone());
                    return None;
                };
                let purpose = match cited.form.as_deref() {
                    Some("full") => Some(CitePurpose::Full),
                    Some("author") => Some(CitePurpose::Author),
                    Some("prose") => Some(CitePurpose::Prose),
                    Some("year") => Some(CitePurpose::Year),
                    _ => None,
                };
                Some(CitationItem::new(entry, None, None, false, purpose))
            })
            .collect();
        driver.citation(CitationRequest::new(
            items,
            &style,
            locale.clone(),
            &locales,
            Some(*note_number),
        ));
    }
    if let Some(key) = missing.first() {
        return Err(anyhow!(
            "the citation `{key}` is in no bibliography of the report"
        ));
    }
    let rendered = driver.finish(BibliographyRequest::new(&style, locale, &locales));
    // Plain text: Display would add a terminal's colour codes.
    let plain = |children: &hayagriva::ElemChildren| {
        let mut text = String::new();
        let _ = children.write_buf(&mut text, BufWriteFormat::Plain);
        titles_quoted(&text, us)
    };
    let mut citations = Vec::new();
    for ((group, _), citation) in requests.iter().zip(rendered.citations) {
        let mut text = plain(&citation.citation);
        // typst puts the locator after the citation's text, as `supplement` says.
        for cited in group {
            if let Some(supplement) = &cited.supplement {
                text = format!("{}, {supplement}.", text.trim_end_matches('.'));
            }
        }
        citations.push(Some(text));
        citations.extend(std::iter::repeat_n(None, group.len() - 1));
    }
    let bibliography = rendered
        .bibliography
        .map(|b| b.items.iter().map(|item| plain(&item.content)).collect())
        .unwrap_or_default();
    Ok(Formatted {
        citations,
        bibliography,
    })
}

#[derive(Debug, Clone)]
struct Cited {
    key: String,
    form: Option<String>,
    supplement: Option<String>,
}

/// Adds the citation requests of `inlines` (and of the notes in them), each with the number
/// of the note it is in.
fn collect(
    inlines: &[Inline],
    counted: &Counted,
    requests: &mut Vec<(Vec<Cited>, usize)>,
    note: &mut usize,
    in_note: bool,
) {
    let cited = |inline: &Inline| match inline {
        Inline::Cite {
            key,
            form,
            supplement,
        } => Some(Cited {
            key: key.clone(),
            form: form.clone(),
            supplement: supplement.clone(),
        }),
        _ => None,
    };
    let mut i = 0;
    while i < inlines.len() {
        match &inlines[i] {
            // Adjacent plain citations in the text are one note, as typst groups them.
            Inline::Cite { form: None, .. } if !in_note => {
                *note += 1;
                let mut group = Vec::new();
                while let Some(c) = inlines.get(i).and_then(cited).filter(|c| c.form.is_none()) {
                    group.push(c);
                    i += 1;
                }
                requests.push((group, *note));
                continue;
            }
            inline @ Inline::Cite { .. } => {
                requests.extend(cited(inline).map(|c| (vec![c], *note)))
            }
            Inline::Note(content) => {
                *note += 1;
                collect(content, counted, requests, note, true);
            }
            Inline::Link(_, content) => collect(content, counted, requests, note, in_note),
            // What the writer prints for a reference, so both meet the same citations.
            Inline::Reference(reference) => {
                let resolved = super::references::resolve(counted, reference);
                collect(&resolved, counted, requests, note, in_note)
            }
            _ => {}
        }
        i += 1;
    }
}

/// Calls `each` with every run of inline content in `block`, in reading order.
pub fn visit_block(block: &Block, each: &mut dyn FnMut(&[Inline])) {
    match block {
        Block::Heading { content, .. } | Block::Paragraph { content, .. } => each(content),
        Block::List { items, .. } => items.iter().flatten().for_each(|b| visit_block(b, each)),
        Block::Table { cells, .. } => cells.iter().flatten().for_each(|b| visit_block(b, each)),
        _ => {}
    }
}

/// Titles between coi-notes.csl's marks, in the region's outer quotation marks, and the
/// quotations inside a title in the inner ones, as style.typ's `quote-title` sets them. An
/// apostrophe (between letters) stays one.
fn titles_quoted(text: &str, us: bool) -> String {
    let (outer, inner) = if us {
        (('“', '”'), ('‘', '’'))
    } else {
        (('‘', '’'), ('“', '”'))
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_title = false;
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        match c {
            TITLE_OPEN => {
                in_title = true;
                out.push(outer.0);
            }
            TITLE_CLOSE => {
                in_title = false;
                out.push(outer.1);
            }
            '\'' | '’' if word(before) && word(after) => out.push('’'),
            '"' | '“' | '”' | '\'' | '‘' | '’' if in_title => {
                let opening = before
                    .is_none_or(|b| b.is_whitespace() || b == TITLE_OPEN || "([{".contains(b));
                out.push(if opening { inner.0 } else { inner.1 });
            }
            c => out.push(c),
        }
    }
    out
}

/// The CSL locales the report can be in, British and American English, decoded from
/// hayagriva's archive alone: decoding all of its locales took most of the DOCX's time.
fn english_locales() -> Vec<hayagriva::citationberg::Locale> {
    let holds = |bytes: &[u8], lang: &[u8]| bytes.windows(lang.len()).any(|w| w == lang);
    hayagriva::archive::LOCALES
        .iter()
        .filter(|bytes| holds(bytes, b"en-GB") || holds(bytes, b"en-US"))
        .filter_map(|bytes| ciborium::de::from_reader(*bytes).ok())
        .collect()
}
