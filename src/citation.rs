//! Pandoc's citation syntax: the one parser the check and the assembly share.
//!
//! - A bracketed group, `[see @a, pp. 33-35; also @b, chap. 1]`: each citation may have a
//!   prefix, a locator (after a comma or not, or in braces: `{pp. iv, vi}`) and a suffix;
//!   `-@a` suppresses the author; a key may be braced (`@{a b}`); a group may run over a
//!   line break, but not over a blank line.
//! - An in-text citation, `@a says` or `@a [p. 33]`, in Markdown only.
//!
//! Citations are found in the text as written. In Markdown that is the source before
//! Markdown takes its escapes out, so `\@key` and `&#64;key` are never citations, and code,
//! raw HTML, links and bare addresses are skipped ([`find_in_markdown`]).

use std::ops::Range;

/// One cited source inside a citation group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cite {
    /// The cited source's key, as in the bibliography (`@` not included).
    pub key: String,
    /// The pinpoint, such as `p. 12` or `pp. 33-35`.
    pub locator: Option<String>,
    /// Text before the key, as written (`see`).
    pub prefix: Option<String>,
    /// Text after the key and locator, as written (`, and passim`).
    pub suffix: Option<String>,
    /// `-@key`: the author is named in the text already.
    pub suppress_author: bool,
}

/// A citation group and where it sits in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteGroup {
    /// Byte range of the whole group in the text, brackets included.
    pub span: Range<usize>,
    /// The sources cited, in the order written.
    pub cites: Vec<Cite>,
    /// `@key` in the running text (one cite), not a bracketed group.
    pub in_text: bool,
}

impl CiteGroup {
    /// Whether no citation of the group has a prefix or a suffix.
    pub fn is_plain(&self) -> bool {
        self.cites
            .iter()
            .all(|c| c.prefix.is_none() && c.suffix.is_none())
    }
}

/// A run of text as [`split`] divides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Literal text between citation groups.
    Text(&'a str),
    /// A citation group.
    Cites(CiteGroup),
}

/// Splits literal text (a question as put, a translation) into text and bracketed citation
/// groups, in order. Literal text has no escapes, and `@name` in it is just text.
pub fn split(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut at = 0;
    for group in scan(text, &[], false) {
        if at < group.span.start {
            pieces.push(Piece::Text(&text[at..group.span.start]));
        }
        at = group.span.end;
        pieces.push(Piece::Cites(group));
    }
    if at < text.len() {
        pieces.push(Piece::Text(&text[at..]));
    }
    pieces
}

/// Every bracketed citation group in literal text.
pub fn find(text: &str) -> Vec<CiteGroup> {
    scan(text, &[], false)
}

/// Every citation in Markdown source, bracketed or in-text, outside code, raw HTML, links
/// and bare web addresses.
pub fn find_in_markdown(markdown: &str) -> Vec<CiteGroup> {
    scan(markdown, &markdown_ignored(markdown), true)
}

/// The byte ranges of Markdown where `@` and `[` are not citation syntax.
fn markdown_ignored(markdown: &str) -> Vec<Range<usize>> {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut ignored = Vec::new();
    let parser = Parser::new_ext(markdown, crate::assemble::markdown::options());
    // Link reference definitions (`[1]: https://x.org/@user`) make no event of their own.
    ignored.extend(
        parser
            .reference_definitions()
            .iter()
            .map(|(_, def)| def.span.clone()),
    );
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Code(_) | Event::Html(_) | Event::InlineHtml(_) => ignored.push(range),
            Event::Start(
                Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::Link { .. } | Tag::Image { .. },
            ) => ignored.push(range),
            Event::Text(_) => {
                // A bare address (https://x.org/@user) is a link, not a citation.
                let mut finder = linkify::LinkFinder::new();
                finder.kinds(&[linkify::LinkKind::Url]);
                finder.url_must_have_scheme(false);
                for link in finder.links(&markdown[range.clone()]) {
                    ignored.push(range.start + link.start()..range.start + link.end());
                }
            }
            _ => {}
        }
    }
    ignored.sort_by_key(|r| r.start);
    ignored
}

/// The citation groups of `text` outside `ignored` (sorted by start). `markdown`: backslash
/// escapes are honoured and in-text citations are found.
fn scan(text: &str, ignored: &[Range<usize>], markdown: bool) -> Vec<CiteGroup> {
    let mut found = Vec::new();
    let mut i = 0;
    // The ranges are sorted by start: those ending before `i` are behind the cursor.
    let mut next_ignored = 0;
    while i < text.len() {
        while ignored.get(next_ignored).is_some_and(|r| r.end <= i) {
            next_ignored += 1;
        }
        if let Some(range) = ignored[next_ignored..]
            .iter()
            .take_while(|r| r.start <= i)
            .find(|r| r.contains(&i))
        {
            i = range.end;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        let clear = |end: usize| !ignored.iter().any(|r| r.start < end && i < r.end);
        match c {
            '\\' if markdown => {
                // An escaped character is text: `\@key`, `\[@key]`.
                i += 1 + text[i + 1..].chars().next().map_or(0, char::len_utf8);
                continue;
            }
            '[' => {
                if let Some((end, cites)) = bracketed(text, i, markdown)
                    && clear(end)
                {
                    found.push(CiteGroup {
                        span: i..end,
                        cites,
                        in_text: false,
                    });
                    i = end;
                    continue;
                }
            }
            '@' if markdown && starts_in_text(text, i) => {
                if let Some((end, cite)) = in_text(text, i)
                    && clear(end)
                {
                    found.push(CiteGroup {
                        span: i..end,
                        cites: vec![cite],
                        in_text: true,
                    });
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += c.len_utf8();
    }
    found
}

/// Whether the `@` at `at` may open an in-text citation: not inside a word (an e-mail
/// address), nor straight after another `@`.
fn starts_in_text(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '@' | '_' | '\\')))
}

/// The end of the bracket that opens at `open`, and the text inside it: `None` when it holds
/// another `[` (inside braces too, so that a run of `[{` is not scanned again from each
/// bracket), runs over a blank line, or is never closed.
fn closing_bracket(text: &str, open: usize, markdown: bool) -> Option<(usize, &str)> {
    let inner_start = open + 1;
    let mut braces = 0usize;
    let mut chars = text[inner_start..].char_indices();
    while let Some((j, c)) = chars.next() {
        match c {
            '\\' if markdown => {
                chars.next();
            }
            '{' => braces += 1,
            '}' => braces = braces.saturating_sub(1),
            '[' => return None,
            ']' if braces == 0 => {
                return Some((inner_start + j + 1, &text[inner_start..inner_start + j]));
            }
            '\n' if text[inner_start + j + 1..]
                .split('\n')
                .next()
                .is_some_and(|line| line.trim().is_empty()) =>
            {
                return None;
            }
            _ => {}
        }
    }
    None
}

/// `[prefix @key locator suffix; …]` at `open`: its end and citations. Every part between
/// `;` must cite a key, or the brackets are text.
fn bracketed(text: &str, open: usize, markdown: bool) -> Option<(usize, Vec<Cite>)> {
    let (end, inner) = closing_bracket(text, open, markdown)?;
    if !inner.contains('@') {
        return None;
    }
    let cites = split_outside_braces(inner, ';')
        .into_iter()
        .map(|item| bracket_item(item, markdown))
        .collect::<Option<Vec<Cite>>>()?;
    Some((end, cites))
}

/// `text` split at each `separator` outside braces.
fn split_outside_braces(text: &str, separator: char) -> Vec<&str> {
    let (mut parts, mut start, mut braces) = (Vec::new(), 0, 0usize);
    for (i, c) in text.char_indices() {
        match c {
            '{' => braces += 1,
            '}' => braces = braces.saturating_sub(1),
            c if c == separator && braces == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// One citation of a bracketed group: prefix, `-`?, `@key`, locator and suffix.
fn bracket_item(item: &str, markdown: bool) -> Option<Cite> {
    // The key's `@` starts the item or follows white space or the `-` that suppresses the
    // author; an escaped `\@` is text.
    let mut at = None;
    let mut previous: Option<char> = None;
    for (i, c) in item.char_indices() {
        if c == '@'
            && previous.is_none_or(|p| p.is_whitespace() || p == '-')
            && !(markdown && previous == Some('\\'))
        {
            at = Some(i);
            break;
        }
        previous = Some(c);
    }
    let at = at?;
    let before = &item[..at];
    let suppress_author = before.ends_with('-')
        && before[..before.len() - 1]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
    let prefix = if suppress_author {
        &before[..before.len() - 1]
    } else {
        before
    };
    if !suppress_author && !prefix.is_empty() && !prefix.ends_with(char::is_whitespace) {
        return None;
    }
    let (key, after) = key_at(&item[at + 1..])?;
    let (locator, suffix) = locator_and_suffix(after);
    Some(Cite {
        key,
        locator,
        prefix: non_empty(prefix),
        suffix,
        suppress_author,
    })
}

/// A key at the start of `s` (after the `@`) and what follows it. A key is braced
/// (`{any text}`), or begins with a letter, digit or `_` and goes on through letters, digits,
/// `_`, and punctuation that a letter or digit follows (`:.#$%&-+?<>~/`): `a.` is `a`.
fn key_at(s: &str) -> Option<(String, &str)> {
    if let Some(braced) = s.strip_prefix('{') {
        let close = braced.find('}')?;
        let key = braced[..close].trim();
        return (!key.is_empty()).then(|| (key.to_string(), &braced[close + 1..]));
    }
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut chars = s.char_indices().peekable();
    let mut end = 0;
    match chars.peek() {
        Some(&(_, c)) if word(c) => {}
        _ => return None,
    }
    while let Some((i, c)) = chars.next() {
        let internal =
            ":.#$%&-+?<>~/".contains(c) && chars.peek().is_some_and(|&(_, next)| word(next));
        if !(word(c) || internal) {
            break;
        }
        end = i + c.len_utf8();
    }
    Some((s[..end].to_string(), &s[end..]))
}

/// Words that open a locator (Pandoc's English locator terms, with their abbreviations).
const LOCATOR_TERMS: &[&str] = &[
    "pp.",
    "p.",
    "pages",
    "page",
    "paras.",
    "para.",
    "paras",
    "para",
    "¶¶",
    "¶",
    "chaps.",
    "chap.",
    "chapters",
    "chapter",
    "ch.",
    "secs.",
    "sec.",
    "sections",
    "section",
    "§§",
    "§",
    "nn.",
    "n.",
    "notes",
    "note",
    "figs.",
    "fig.",
    "figures",
    "figure",
    "vols.",
    "vol.",
    "volumes",
    "volume",
    "arts.",
    "art.",
    "articles",
    "article",
    "ll.",
    "l.",
    "lines",
    "line",
    "cols.",
    "col.",
    "columns",
    "column",
    "bks.",
    "bk.",
    "books",
    "book",
    "nos.",
    "no.",
    "numbers",
    "number",
    "pts.",
    "pt.",
    "parts",
    "part",
    "vv.",
    "v.",
    "verses",
    "verse",
    "annexes",
    "annex",
    "appendices",
    "appendix",
    "app.",
    "s.v.",
    "sub verbo",
    "op.",
    "opus",
    "fol.",
    "folio",
    "issue",
];

/// What follows a key: its locator and its suffix. A comma may separate the key from the
/// locator; a braced locator (`{pp. iv, vi}`) is taken whole; a locator is a term (`p.`,
/// `para`, `chap.` …) or a number, then numbers and ranges; anything after is the suffix.
fn locator_and_suffix(after: &str) -> (Option<String>, Option<String>) {
    let trimmed = after.trim_start();
    let (comma, body) = match trimmed.strip_prefix(',') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, trimmed),
    };
    if let Some(braced) = body.strip_prefix('{')
        && let Some(close) = braced.find('}')
    {
        return (
            non_empty(braced[..close].trim()),
            non_empty(braced[close + 1..].trim_end()),
        );
    }
    // Without a comma, a locator is separated from the key by white space (`@a p. 33`).
    let spaced = comma || trimmed.len() < after.len();
    match locator_len(body).filter(|_| spaced) {
        Some(len) => (
            non_empty(body[..len].trim_end()),
            non_empty(body[len..].trim_end()),
        ),
        None => (None, non_empty(after.trim())),
    }
}

/// The length of the locator at the start of `s`: an optional term, then a value of
/// numbers (arabic or roman, with a letter after: `12a`) joined by `-`, `–`, `,` or `and`.
fn locator_len(s: &str) -> Option<usize> {
    // Compared byte for byte, without lowering the case of `s`: lowering can change a
    // character's length (the Kelvin sign K becomes `k`), and the length is cut from `s`.
    let term = LOCATOR_TERMS
        .iter()
        .find(|t| {
            s.get(..t.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(t))
                && s[t.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_whitespace() || c.is_ascii_digit())
        })
        .map_or(0, |t| t.len());
    let mut at = term + (s[term..].len() - s[term..].trim_start().len());
    let start = at;
    loop {
        let token = number_len(&s[at..]);
        if token == 0 {
            break;
        }
        at += token;
        let rest = &s[at..];
        let joined = ["-", "–", "—", ",", " and ", "&"].iter().find_map(|j| {
            let after = rest.strip_prefix(j)?;
            let after_trimmed = after.trim_start();
            let gap = j.len() + after.len() - after_trimmed.len();
            (number_len(after_trimmed) > 0).then_some(gap)
        });
        match joined {
            Some(gap) => at += gap,
            None => break,
        }
    }
    (at > start).then_some(at)
}

/// The length of one locator number at the start of `s`: digits with an optional letter
/// after (`12a`), or a roman numeral.
fn number_len(s: &str) -> usize {
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        let letter = s[digits..]
            .chars()
            .next()
            .filter(|c| c.is_ascii_lowercase())
            .filter(|_| {
                s[digits + 1..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
            });
        return digits + letter.map_or(0, |_| 1);
    }
    let roman = s
        .chars()
        .take_while(|c| "ivxlcdmIVXLCDM".contains(*c))
        .count();
    let ends_word = s[roman..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric());
    if roman > 0 && ends_word { roman } else { 0 }
}

/// `@key` at `at`, with an optional bracketed locator and suffix after it (`@a [p. 33]`).
fn in_text(text: &str, at: usize) -> Option<(usize, Cite)> {
    let (key, after) = key_at(&text[at + 1..])?;
    let key_end = text.len() - after.len();
    let mut cite = Cite {
        key,
        ..Cite::default()
    };
    let mut end = key_end;
    if let Some(open) = after.strip_prefix(' ').filter(|a| a.starts_with('[')) {
        let open_at = text.len() - open.len();
        if let Some((close, inner)) = closing_bracket(text, open_at, true)
            && !inner.contains('@')
        {
            let (locator, suffix) = locator_and_suffix(&format!(", {inner}"));
            cite.locator = locator;
            cite.suffix = suffix;
            end = close;
        }
    }
    Some((end, cite))
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

#[cfg(test)]
mod tests;
