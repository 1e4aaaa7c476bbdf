//! The fonts of a PDF as the preflight needs them: name and vertical metrics, each glyph's
//! width from /W (in both the `c [w …]` and the `c_first c_last w` forms typst writes), and
//! the text each code stands for from /ToUnicode.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::measure::{FontInfo, get, num, nums};

/// Per font: name and metrics, glyph widths (per 1000) if it is a Type0 font with 2-byte
/// Identity encoding, and its /ToUnicode map.
#[derive(Default)]
pub(super) struct Fonts {
    /// Every font met, in order; what [`super::Measurement::fonts`] lists.
    pub(super) list: Vec<FontInfo>,
    widths: Vec<Option<(f64, HashMap<u32, f64>)>>,
    /// Each font's /ToUnicode map: code to text.
    unicode: Vec<HashMap<u32, String>>,
    by_id: HashMap<ObjectId, usize>,
}

impl Fonts {
    /// Whether font `f` shows two-byte codes (a Type0 font with Identity encoding).
    pub(super) fn is_two_byte(&self, f: usize) -> bool {
        self.widths.get(f).is_some_and(Option::is_some)
    }

    /// The advance of `code` in font `f`, in text space units (per 1000 / 1000).
    pub(super) fn width(&self, f: usize, code: u32) -> Option<f64> {
        let (default, widths) = self.widths.get(f)?.as_ref()?;
        Some(widths.get(&code).unwrap_or(default) / 1000.0)
    }

    /// The text `code` stands for in font `f`, from its /ToUnicode map.
    pub(super) fn unicode(&self, f: usize, code: u32) -> Option<String> {
        self.unicode.get(f)?.get(&code).cloned()
    }

    /// The font's index, reading it the first time it is met.
    pub(super) fn index(&mut self, doc: &Document, obj: &Object) -> Option<usize> {
        let id = obj.as_reference().ok();
        if let Some(i) = id.and_then(|id| self.by_id.get(&id)) {
            return Some(*i);
        }
        let font = doc.dereference(obj).ok()?.1.as_dict().ok()?;
        // Type0 fonts keep widths and descriptor in their (single) descendant CIDFont.
        let descendant =
            get(doc, font, b"DescendantFonts").and_then(|d| d.as_array().ok()?.first());
        let cid = descendant.and_then(|d| doc.dereference(d).ok()?.1.as_dict().ok());
        let holder = cid.unwrap_or(font);
        let name = get(doc, holder, b"BaseFont")
            .and_then(|n| n.as_name().ok())
            .unwrap_or(b"");
        let name = String::from_utf8_lossy(name);
        let name = match name.split_once('+') {
            Some((tag, rest)) if tag.len() == 6 => rest.to_string(),
            _ => name.into_owned(),
        };
        let desc = get(doc, holder, b"FontDescriptor").and_then(|d| d.as_dict().ok());
        let metric = |k: &[u8]| num(doc, desc?.get(k).ok()?);
        let (ascent, descent) = (metric(b"Ascent"), metric(b"Descent"));
        self.list.push(FontInfo {
            name,
            ascent,
            descent,
        });
        self.widths
            .push(cid.and_then(|cid| cid_widths(doc, font, cid)));
        let map = get(doc, font, b"ToUnicode")
            .and_then(|m| m.as_stream().ok())
            .map(|stream| {
                let data = stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone());
                to_unicode(&String::from_utf8_lossy(&data))
            })
            .unwrap_or_default();
        self.unicode.push(map);
        if let Some(id) = id {
            self.by_id.insert(id, self.list.len() - 1);
        }
        Some(self.list.len() - 1)
    }
}

/// A /ToUnicode CMap's `bfchar` and `bfrange` entries: code to text (UTF-16BE in the map).
fn to_unicode(cmap: &str) -> HashMap<u32, String> {
    let hex = |token: &str| -> Option<Vec<u8>> {
        let digits = token.trim().trim_start_matches('<').trim_end_matches('>');
        (0..digits.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(digits.get(i..i + 2)?, 16).ok())
            .collect()
    };
    let code = |token: &str| -> Option<u32> {
        hex(token).map(|b| b.iter().fold(0u32, |n, byte| n << 8 | u32::from(*byte)))
    };
    let text = |bytes: &[u8]| -> String {
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|c| u16::from(c[0]) << 8 | u16::from(*c.get(1).unwrap_or(&0)))
            .collect();
        String::from_utf16_lossy(&units)
    };
    let tokens: Vec<&str> = cmap
        .split(|c: char| c.is_whitespace() || c == '[' || c == ']')
        .filter(|t| !t.is_empty())
        .collect();
    let mut map = HashMap::new();
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i] {
            "beginbfchar" => {
                i += 1;
                while i + 1 < tokens.len() && tokens[i] != "endbfchar" {
                    if let (Some(c), Some(t)) = (code(tokens[i]), hex(tokens[i + 1])) {
                        map.insert(c, text(&t));
                    }
                    i += 2;
                }
            }
            "beginbfrange" => {
                // `<lo> <hi> <dst>`: consecutive codes to consecutive text. (typst writes
                // bfchar only; the array form of bfrange is not read.)
                i += 1;
                while i + 2 < tokens.len() && tokens[i] != "endbfrange" {
                    if let (Some(low), Some(high), Some(start)) =
                        (code(tokens[i]), code(tokens[i + 1]), hex(tokens[i + 2]))
                    {
                        for (k, c) in (low..=high.min(low + 0xFFFF)).enumerate() {
                            let mut t = start.clone();
                            if let Some(last) = t.last_mut() {
                                *last = last.wrapping_add(k as u8);
                            }
                            map.insert(c, text(&t));
                        }
                    }
                    i += 3;
                }
            }
            _ => {}
        }
        i += 1;
    }
    map
}

/// `(/DW, /W)` of a CIDFont whose Type0 parent uses Identity-H or Identity-V.
fn cid_widths(
    doc: &Document,
    font: &Dictionary,
    cid: &Dictionary,
) -> Option<(f64, HashMap<u32, f64>)> {
    let enc = font.get(b"Encoding").and_then(Object::as_name).ok()?;
    if enc != b"Identity-H" && enc != b"Identity-V" {
        return None;
    }
    let default = get(doc, cid, b"DW")
        .and_then(|d| num(doc, d))
        .unwrap_or(1000.0);
    let (mut widths, mut i) = (HashMap::new(), 0);
    let w = get(doc, cid, b"W")
        .and_then(|w| w.as_array().ok())
        .map_or(&[][..], |a| &a[..]);
    while i + 1 < w.len() {
        let first = num(doc, &w[i])? as u32;
        if let Object::Array(list) = doc.dereference(&w[i + 1]).ok()?.1 {
            widths.extend(
                nums(doc, &Object::Array(list.clone()))
                    .into_iter()
                    .zip(first..)
                    .map(|(w, c)| (c, w)),
            );
            i += 2;
        } else {
            let (last, width) = (num(doc, &w[i + 1])? as u32, num(doc, w.get(i + 2)?)?);
            widths.extend((first..=last.min(first + 0xFFFF)).map(|c| (c, width)));
            i += 3;
        }
    }
    Some((default, widths))
}

/// A glyph; x, y and end are in its baseline's frame (user space for unrotated text).
pub(super) struct Glyph {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) end: f64,
    /// Effective size in pt.
    pub(super) size: f64,
    /// Baseline direction in whole degrees.
    pub(super) angle: f64,
    pub(super) text: String,
    /// Index into [`Fonts::list`].
    pub(super) font: Option<usize>,
}
