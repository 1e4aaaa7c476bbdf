//! Measures a typst-made PDF for what a tribunal's formatting rules are about: paper, text
//! sizes, line spacing, links, and the text itself.
//!
//! hayro-syntax reads the page tree, fonts and annotations (lazily: only the objects asked
//! for are parsed, so the tagged PDF's structure tree costs nothing), and [`super::walk`]
//! follows each page's content stream through the text state machine to place every glyph;
//! [`super::widths`] gives the fonts' widths, metrics and text.

use std::collections::BTreeMap;

use anyhow::{Context, Result, anyhow};
use hayro_syntax::Pdf;
use hayro_syntax::object::{Dict, Name, String as PdfString};
use serde::Serialize;

use super::widths::{Fonts, Glyph};

/// Everything measured in one PDF.
#[derive(Debug, Clone, Serialize)]
pub struct Measurement {
    /// The pages in order.
    pub pages: Vec<Page>,
    /// Fonts that showed text; `Line::font` and `Spacing::font` index into this.
    pub fonts: Vec<FontInfo>,
    /// The smallest non-whitespace text, if the PDF has any text.
    pub smallest: Option<Smallest>,
    /// `(size, chars)`: non-whitespace characters per effective size (rounded to 0.01 pt),
    /// ascending.
    pub size_histogram: Vec<(f64, usize)>,
    /// The size with the most non-whitespace characters (the body text size).
    pub body_size: Option<f64>,
    /// Baseline distances between lines of one paragraph, per size, most samples first.
    pub spacing: Vec<Spacing>,
    /// Link annotations with a URI action.
    pub links: Vec<Link>,
    /// Pages whose text could not be read in full (the content could not be parsed, so the
    /// page's lines may be partial), with the reason.
    pub warnings: Vec<String>,
    /// The top-level bookmarks, title and position in pages, for the page budget.
    #[serde(skip)]
    pub bookmarks: Vec<(String, f64)>,
}

/// One page.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    /// Media box width in pt (an inherited /MediaBox counts).
    pub width: f64,
    /// Media box height in pt.
    pub height: f64,
    /// Text lines: unrotated ones top to bottom, then rotated ones.
    pub lines: Vec<Line>,
}

/// Glyphs sharing a baseline, left to right (smaller raised or lowered runs such as
/// superscripts are folded into the line they sit in).
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// The text, with a space inserted where glyphs are visibly apart.
    pub text: String,
    /// Baseline direction in degrees counter-clockwise, 0 for ordinary text; for other angles
    /// `baseline`, `x_start` and `x_end` are in user space rotated by this angle.
    pub angle: f64,
    /// Baseline y in PDF user space (pt up from the bottom of the page).
    pub baseline: f64,
    /// x where the first non-whitespace glyph starts, pt.
    pub x_start: f64,
    /// x where the last non-whitespace glyph ends, pt.
    pub x_end: f64,
    /// The effective size in pt of most of the non-whitespace characters.
    pub size: f64,
    /// The smallest effective size in pt of a non-whitespace character.
    pub min_size: f64,
    /// Number of non-whitespace characters.
    pub chars: usize,
    /// Index into `Measurement::fonts` of the font of most characters.
    pub font: Option<usize>,
}

/// A font's name and vertical metrics from its /FontDescriptor.
#[derive(Debug, Clone, Serialize)]
pub struct FontInfo {
    /// /BaseFont without the subset tag, e.g. "LibertinusSerif-Regular".
    pub name: String,
    /// /Ascent in glyph space (per 1000 units of size), if the font has a descriptor.
    pub ascent: Option<f64>,
    /// /Descent in glyph space (negative: below the baseline), if present.
    pub descent: Option<f64>,
}

/// Where the smallest text is.
#[derive(Debug, Clone, Serialize)]
pub struct Smallest {
    /// Effective size in pt.
    pub size: f64,
    /// 1-based page number.
    pub page: u32,
    /// Text of the line where it occurs.
    pub line: String,
}

/// Line spacing of paragraph text of one size.
#[derive(Debug, Clone, Serialize)]
pub struct Spacing {
    /// Effective text size in pt.
    pub size: f64,
    /// Number of pairs of consecutive lines measured.
    pub samples: usize,
    /// Median baseline-to-baseline distance in pt.
    pub baseline_distance: f64,
    /// `baseline_distance / size`.
    pub ratio_to_size: f64,
    /// Index into `Measurement::fonts` of the lines' most common font.
    pub font: Option<usize>,
    /// Single spacing for that font, (Ascent − Descent) / 1000 × size, in pt.
    pub single_spacing: Option<f64>,
    /// `baseline_distance / single_spacing`: a word processor's "1.5 lines" is 1.5.
    pub ratio_to_single: Option<f64>,
}

/// A link annotation with a URI action.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// 1-based page number.
    pub page: u32,
    /// The /URI string.
    pub uri: String,
    /// The annotation's /Rect `[x0, y0, x1, y1]` in pt; a link broken over two lines has two.
    pub rect: Vec<f64>,
}

impl Measurement {
    /// Fraction of non-whitespace characters smaller than `limit` pt by more than 0.05 pt
    /// (so 8.46 pt is not below 8.5); 0 when there is no text.
    pub fn share_below(&self, limit: f64) -> f64 {
        let (mut below, mut total) = (0, 0);
        for &(size, chars) in &self.size_histogram {
            total += chars;
            if size < limit - 0.05 {
                below += chars;
            }
        }
        if total == 0 {
            0.0
        } else {
            below as f64 / total as f64
        }
    }

    /// The font of a line, if known.
    pub fn line_font(&self, line: &Line) -> Option<&FontInfo> {
        self.fonts.get(line.font?)
    }

    /// The whole text, page by page, each page's lines joined with newlines and each page
    /// ended by a form feed (U+000C), as `pdftotext` writes it. A word typst hyphenated ends
    /// its line with U+00AD, and a URL broken over two lines is two lines.
    pub fn text(&self) -> String {
        self.pages.iter().map(|p| p.text() + "\u{c}").collect()
    }

    /// Every line that contains `needle` (e.g. "TO WRITE:"), in page order.
    pub fn find(&self, needle: &str) -> Vec<Found> {
        find_in(self.pages.iter().map(|p| (p.number, p.text())), needle)
    }
}

/// A line of the PDF's text that holds what was searched for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    /// 1-based page number.
    pub page: u32,
    /// The whole line.
    pub line: String,
}

/// The lines of `(page number, page text)` that contain `needle`.
pub(super) fn find_in(pages: impl Iterator<Item = (u32, String)>, needle: &str) -> Vec<Found> {
    let mut found = Vec::new();
    for (page, text) in pages {
        found.extend(text.lines().filter(|l| l.contains(needle)).map(|l| Found {
            page,
            line: l.to_string(),
        }));
    }
    found
}

impl Page {
    /// The page's lines joined with newlines, for searching (e.g. for "TO WRITE:").
    pub fn text(&self) -> String {
        let lines: Vec<&str> = self.lines.iter().map(|l| l.text.as_str()).collect();
        lines.join("\n")
    }
}

/// Measures the PDF file at `path`.
pub fn measure_file(path: &std::path::Path) -> Result<Measurement> {
    measure(&std::fs::read(path).with_context(|| format!("reading {}", path.display()))?)
}

/// Measures a PDF held in memory.
pub fn measure(pdf: &[u8]) -> Result<Measurement> {
    // hayro-syntax parses objects when they are asked for, so a malformed font, content
    // stream or outline is met anywhere below, not only in `Pdf::new`: a parser's panic on
    // one is a failed read-back, not a crashed render.
    std::panic::catch_unwind(|| measure_parsed(pdf))
        .map_err(|_| anyhow!("the PDF parser panicked while reading the PDF"))?
}

fn measure_parsed(pdf: &[u8]) -> Result<Measurement> {
    let doc = open(pdf)?;
    let mut fonts = Fonts::default();
    let (mut pages, mut links, warnings) = (Vec::new(), Vec::new(), Vec::new());
    let mut hist = BTreeMap::new();
    for (page, number) in doc.pages().iter().zip(1..) {
        let media = page.media_box();
        let (width, height) = (
            round2((media.x1 - media.x0).abs()),
            round2((media.y1 - media.y0).abs()),
        );
        let annotations = page.raw().get::<hayro_syntax::object::Array>(b"Annots");
        for annot in annotations.iter().flat_map(|a| a.iter::<Dict>()) {
            if let Some((uri, rect)) = uri_link(&annot) {
                links.push(Link {
                    page: number,
                    uri,
                    rect,
                });
            }
        }
        let mut glyphs = Vec::new();
        if let Some(content) = page.page_stream() {
            super::walk::page_glyphs(content, page.resources(), &mut fonts, &mut glyphs);
        }
        let lines = build_lines(glyphs, &mut hist);
        pages.push(Page {
            number,
            width,
            height,
            lines,
        });
    }
    let mut measurement = summarise(pages, fonts.list, hist, links, warnings);
    measurement.bookmarks = super::outline::bookmarks(&doc);
    Ok(measurement)
}

/// The PDF parsed, or why it could not be (callers catch a parser's panic).
pub(super) fn open(pdf: &[u8]) -> Result<Pdf> {
    Pdf::new(pdf.to_vec()).map_err(|e| anyhow!("parsing the PDF: {e:?}"))
}

pub(super) fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Sizes are compared in hundredths of a pt (typst's 0.85em of 11pt is 9.35pt).
pub(super) fn key(size: f64) -> i64 {
    (size * 100.0).round() as i64
}

fn uri_link(annot: &Dict) -> Option<(String, Vec<f64>)> {
    let action = annot.get::<Dict>(b"A")?;
    let is = |d: &Dict, k: &[u8], v: &[u8]| d.get::<Name>(k).is_some_and(|n| &*n == v);
    if !is(annot, b"Subtype", b"Link") || !is(&action, b"S", b"URI") {
        return None;
    }
    let uri = String::from_utf8_lossy(action.get::<PdfString>(b"URI")?.as_bytes()).into_owned();
    let rect = annot.get::<Vec<f64>>(b"Rect").unwrap_or_default();
    Some((uri, rect.into_iter().map(round2).collect()))
}

fn is_ink(g: &Glyph) -> bool {
    !g.text.trim().is_empty()
}

/// The key with the largest count (the smallest such key on ties).
fn mode<K: Ord + Copy>(counts: &BTreeMap<K, usize>) -> Option<K> {
    counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(k, _)| *k)
}

fn count<K: Ord>(map: &mut BTreeMap<K, usize>, k: K) {
    *map.entry(k).or_insert(0) += 1;
}

/// (dominant size key, x of first ink, end of last ink) of some glyphs.
fn stats(glyphs: &[Glyph]) -> (i64, f64, f64) {
    let (mut sizes, mut x0, mut x1) = (BTreeMap::new(), f64::MAX, f64::MIN);
    for g in glyphs.iter().filter(|g| is_ink(g)) {
        count(&mut sizes, key(g.size));
        (x0, x1) = (x0.min(g.x), x1.max(g.end));
    }
    (mode(&sizes).unwrap_or(0), x0, x1)
}

/// Groups glyphs by baseline (0.3 pt tolerance), folds smaller raised or lowered runs
/// (superscripts, subscripts) into the line they sit in, and orders everything.
fn build_lines(glyphs: Vec<Glyph>, hist: &mut BTreeMap<i64, usize>) -> Vec<Line> {
    let mut groups: Vec<(f64, f64, Vec<Glyph>)> = Vec::new();
    let mut last = 0;
    for g in glyphs {
        let near = |l: &(f64, f64, Vec<Glyph>)| l.0 == g.angle && (l.1 - g.y).abs() <= 0.3;
        if !groups.get(last).is_some_and(near) {
            last = groups.iter().position(near).unwrap_or(groups.len());
            if last == groups.len() {
                groups.push((g.angle, g.y, Vec::new()));
            }
        }
        groups[last].2.push(g);
    }
    groups.sort_by(|a, b| {
        (a.0 != 0.0, a.0, -a.1)
            .partial_cmp(&(b.0 != 0.0, b.0, -b.1))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let st: Vec<_> = groups.iter().map(|g| stats(&g.2)).collect();
    for i in 0..groups.len() {
        let (y, (s, x0, x1)) = (groups[i].1, st[i]);
        let fits = |j: &usize| {
            let (sj, a, b) = st[*j];
            let size = sj as f64 / 100.0;
            groups[*j].0 == groups[i].0
                && sj > s + 5
                && (groups[*j].1 - y).abs() < 0.6 * size
                && x0 >= a - 1.0
                && x1 <= b + size
        };
        let host = (0..groups.len()).filter(fits).min_by(|a, b| {
            (groups[*a].1 - y)
                .abs()
                .total_cmp(&(groups[*b].1 - y).abs())
        });
        if let Some(j) = host.filter(|j| !groups[*j].2.is_empty()) {
            let moved = std::mem::take(&mut groups[i].2);
            groups[j].2.extend(moved);
        }
    }
    let mut lines = Vec::new();
    for (angle, y, mut gs) in groups.into_iter().filter(|g| g.2.iter().any(is_ink)) {
        gs.sort_by(|a, b| a.x.total_cmp(&b.x));
        let (size, x_start, x_end) = stats(&gs);
        let (mut text, mut fonts, mut prev_end) = (String::new(), BTreeMap::new(), f64::MAX);
        let (mut min_size, mut chars) = (f64::MAX, 0);
        for g in &gs {
            if is_ink(g) {
                if g.x - prev_end > 0.2 * g.size && !text.ends_with(char::is_whitespace) {
                    text.push(' ');
                }
                (min_size, chars) = (min_size.min(g.size), chars + 1);
                count(hist, key(g.size));
                g.font.into_iter().for_each(|f| count(&mut fonts, f));
            }
            text.push_str(&g.text);
            prev_end = g.end;
        }
        let text = text.trim_end().to_string();
        let (baseline, x_start, x_end, min_size) =
            (round2(y), round2(x_start), round2(x_end), round2(min_size));
        lines.push(Line {
            text,
            angle,
            baseline,
            x_start,
            x_end,
            size: size as f64 / 100.0,
            min_size,
            chars,
            font: mode(&fonts),
        });
    }
    lines
}

fn summarise(
    pages: Vec<Page>,
    fonts: Vec<FontInfo>,
    hist: BTreeMap<i64, usize>,
    links: Vec<Link>,
    warnings: Vec<String>,
) -> Measurement {
    // Per size: baseline distances and fonts of consecutive lines of one paragraph, i.e. of the
    // same size and font, less than 2.5 sizes apart, the second starting where the first does or
    // at the page's usual left edge.
    let mut pairs: BTreeMap<i64, (Vec<f64>, BTreeMap<usize, usize>)> = BTreeMap::new();
    for page in &pages {
        let mut starts = BTreeMap::new();
        page.lines
            .iter()
            .for_each(|l| count(&mut starts, l.x_start.round() as i64));
        let left = mode(&starts).unwrap_or(0) as f64;
        for pair in page.lines.windows(2) {
            let (a, b, d) = (&pair[0], &pair[1], pair[0].baseline - pair[1].baseline);
            let aligned = (b.x_start - a.x_start).abs() < 3.0 || (b.x_start - left).abs() < 3.0;
            let same =
                key(a.size) == key(b.size) && a.font == b.font && a.angle == 0.0 && b.angle == 0.0;
            if same && aligned && d > 0.0 && d < 2.5 * a.size {
                let entry = pairs.entry(key(a.size)).or_default();
                entry.0.push(d);
                a.font.into_iter().for_each(|f| count(&mut entry.1, f));
            }
        }
    }
    let mut spacing: Vec<Spacing> = pairs
        .into_iter()
        .map(|(k, (mut d, f))| {
            d.sort_by(f64::total_cmp);
            let (n, size, font) = (d.len(), k as f64 / 100.0, mode(&f));
            let median = (d[(n - 1) / 2] + d[n / 2]) / 2.0;
            let single =
                font.and_then(|i| Some((fonts[i].ascent? - fonts[i].descent?) / 1000.0 * size));
            let single_spacing = single.filter(|s| *s > 0.0);
            Spacing {
                size,
                samples: n,
                baseline_distance: round2(median),
                ratio_to_size: median / size,
                font,
                single_spacing,
                ratio_to_single: single_spacing.map(|s| median / s),
            }
        })
        .collect();
    spacing.sort_by(|a, b| b.samples.cmp(&a.samples).then(a.size.total_cmp(&b.size)));
    let all = pages
        .iter()
        .flat_map(|p| p.lines.iter().map(move |l| (p.number, l)));
    let smallest = all.min_by(|a, b| a.1.min_size.total_cmp(&b.1.min_size));
    let smallest = smallest.map(|(page, l)| Smallest {
        size: l.min_size,
        page,
        line: l.text.clone(),
    });
    Measurement {
        body_size: mode(&hist).map(|k| k as f64 / 100.0),
        size_histogram: hist
            .into_iter()
            .map(|(k, n)| (k as f64 / 100.0, n))
            .collect(),
        pages,
        fonts,
        smallest,
        spacing,
        links,
        warnings,
        bookmarks: Vec::new(),
    }
}
