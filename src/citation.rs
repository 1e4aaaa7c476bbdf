//! Pandoc-style citations in prose: `[@key]`, `[@key, p. 12]`, `[@a; @b]`.

use std::ops::Range;

/// One cited source inside a citation group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cite {
    /// The cited source's key, as in the bibliography (`@` not included).
    pub key: String,
    /// What follows the key after a comma, such as `p. 12`.
    pub locator: Option<String>,
}

/// A bracketed group of citations and where it sits in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteGroup {
    /// Byte range of the whole bracketed group in the text, brackets included.
    pub span: Range<usize>,
    /// The sources cited, in the order written.
    pub cites: Vec<Cite>,
}

/// Splits `text` into literal runs and citation groups, in order.
pub fn split(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut literal_start = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find("[@") {
        let start = search + found;
        match parse_group(&text[start..]) {
            Some((len, cites)) => {
                if literal_start < start {
                    pieces.push(Piece::Text(&text[literal_start..start]));
                }
                pieces.push(Piece::Cites(CiteGroup {
                    span: start..start + len,
                    cites,
                }));
                literal_start = start + len;
                search = literal_start;
            }
            None => search = start + 2,
        }
    }
    if literal_start < text.len() {
        pieces.push(Piece::Text(&text[literal_start..]));
    }
    pieces
}

/// Every citation group in `text`.
pub fn find(text: &str) -> Vec<CiteGroup> {
    split(text)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Cites(group) => Some(group),
            Piece::Text(_) => None,
        })
        .collect()
}

/// A run of text as [`split`] divides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Literal text between citation groups.
    Text(&'a str),
    /// A bracketed citation group.
    Cites(CiteGroup),
}

fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.' | '/' | '+')
}

/// Parses `[@a, loc; @b]` at the start of `s`, returning its byte length and citations.
fn parse_group(s: &str) -> Option<(usize, Vec<Cite>)> {
    let close = s.find(']')?;
    let inner = &s[1..close];
    if inner.contains('[') || inner.contains('\n') {
        return None;
    }
    let mut cites = Vec::new();
    for part in inner.split(';') {
        let part = part.trim();
        let rest = part.strip_prefix('@')?;
        let key_len = rest.find(|c: char| !is_key_char(c)).unwrap_or(rest.len());
        // Keys may contain '.' and ':' but never end in them (`[@a.]` is `a` then text).
        let key = rest[..key_len].trim_end_matches(['.', ':']);
        if key.is_empty() {
            return None;
        }
        let after = rest[key.len()..].trim();
        let locator = match after.strip_prefix(',') {
            Some(loc) if !loc.trim().is_empty() => Some(loc.trim().to_string()),
            Some(_) => None,
            None if after.is_empty() => None,
            None => return None,
        };
        cites.push(Cite {
            key: key.to_string(),
            locator,
        });
    }
    Some((close + 1, cites))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<Vec<(String, Option<String>)>> {
        find(text)
            .into_iter()
            .map(|g| g.cites.into_iter().map(|c| (c.key, c.locator)).collect())
            .collect()
    }

    #[test]
    fn single_locator_and_multiple_citations() {
        assert_eq!(
            keys("A claim [@hrw-2025]."),
            vec![vec![("hrw-2025".into(), None)]]
        );
        assert_eq!(
            keys("[@fh-2024, p. 12]"),
            vec![vec![("fh-2024".into(), Some("p. 12".into()))]]
        );
        assert_eq!(
            keys("x [@a; @b, para 4]"),
            vec![vec![
                ("a".into(), None),
                ("b".into(), Some("para 4".into()))
            ]]
        );
    }

    #[test]
    fn brackets_that_are_not_citations_stay_text() {
        assert!(find("[not a cite] and [@] and [@ x] and email a@b.c").is_empty());
        assert!(find("[@a and more]").is_empty());
        let pieces = split("see [x] [@k] end");
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces[0], Piece::Text("see [x] "));
        assert_eq!(pieces[2], Piece::Text(" end"));
    }
}
