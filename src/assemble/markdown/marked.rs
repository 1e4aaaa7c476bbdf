//! Markdown with its citations taken out before Markdown reads it.
//!
//! Citations are found in the source as written ([`crate::citation::find_in_markdown`], as
//! the check finds them), and each group is replaced by a token that Markdown leaves alone:
//! so a group may hold emphasis, run over a line break, or sit next to an escape, and
//! Markdown never sees its brackets as a link.

use crate::citation::{self, CiteGroup};

/// Opens a token: a character from the Private Use Area, followed by the group's index and
/// [`CLOSE`]. (U+E000 and U+E001 are the CSL style's title markers, so these are others.)
pub const OPEN: char = '\u{F8F0}';
/// Closes a token.
pub const CLOSE: char = '\u{F8F1}';

/// Markdown source with each citation group replaced by a token.
pub struct Marked {
    /// The source with tokens.
    pub source: String,
    /// The groups, by token index.
    pub groups: Vec<CiteGroup>,
    /// `(offset in source, offset in the original)` where each stretch of untouched text
    /// starts, so a place in `source` can be traced to its line in the original.
    breaks: Vec<(usize, usize)>,
}

impl Marked {
    /// `markdown` with its citations replaced by tokens.
    pub fn new(markdown: &str) -> Self {
        // Token characters already in the text (no font draws them) would be read as tokens.
        let clean = markdown.replace([OPEN, CLOSE], "\u{FFFD}");
        let groups = citation::find_in_markdown(&clean);
        let mut source = String::with_capacity(clean.len());
        let mut breaks = vec![(0, 0)];
        let mut at = 0;
        for (n, group) in groups.iter().enumerate() {
            source.push_str(&clean[at..group.span.start]);
            source.push(OPEN);
            source.push_str(&n.to_string());
            source.push(CLOSE);
            at = group.span.end;
            breaks.push((source.len(), at));
        }
        source.push_str(&clean[at..]);
        Self {
            source,
            groups,
            breaks,
        }
    }

    /// The offset in the original Markdown of `offset` in [`Marked::source`].
    pub fn original(&self, offset: usize) -> usize {
        let i = self.breaks.partition_point(|&(marked, _)| marked <= offset);
        let (marked, original) = self.breaks[i.saturating_sub(1)];
        original + offset.saturating_sub(marked)
    }
}

/// A run of text between tokens, or the group a token stands for.
pub enum Run<'t, 'g> {
    Text(&'t str),
    Group(&'g CiteGroup),
}

/// Splits `text` at its tokens. A token that names no group (which cannot be written, as
/// token characters are replaced on the way in) is text.
pub fn runs<'t, 'g>(text: &'t str, groups: &'g [CiteGroup]) -> Vec<Run<'t, 'g>> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(OPEN) {
        let after = &rest[open + OPEN.len_utf8()..];
        let group = after.find(CLOSE).and_then(|close| {
            let n: usize = after[..close].parse().ok()?;
            Some((groups.get(n)?, close))
        });
        match group {
            Some((group, close)) => {
                found.push(Run::Text(&rest[..open]));
                found.push(Run::Group(group));
                rest = &after[close + CLOSE.len_utf8()..];
            }
            None => {
                found.push(Run::Text(&rest[..open + OPEN.len_utf8()]));
                rest = after;
            }
        }
    }
    found.push(Run::Text(rest));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_become_tokens_and_places_trace_back() {
        let marked = Marked::new("a [see @k,\np. 3] b\nc @j d");
        assert_eq!(
            marked.source,
            "a \u{F8F0}0\u{F8F1} b\nc \u{F8F0}1\u{F8F1} d"
        );
        assert_eq!(marked.groups.len(), 2);
        let c = marked.source.find('c').unwrap();
        assert_eq!(marked.original(c), "a [see @k,\np. 3] b\n".len());
        let texts: Vec<String> = runs(&marked.source, &marked.groups)
            .into_iter()
            .map(|r| match r {
                Run::Text(t) => t.to_string(),
                Run::Group(g) => format!("<{}>", g.cites[0].key),
            })
            .collect();
        assert_eq!(texts, ["a ", "<k>", " b\nc ", "<j>", " d"]);
    }
}
