//! The fonts of a PDF as the preflight needs them: name and vertical metrics, each glyph's
//! width from /W (in both the `c [w …]` and the `c_first c_last w` forms typst writes), and
//! the text each code stands for from /ToUnicode.

use std::collections::HashMap;

use hayro_syntax::object::{Array, Dict, Name, Object, ObjectIdentifier, Stream};

use super::measure::FontInfo;

/// Per font: name and metrics, glyph widths (per 1000) if it is a Type0 font with 2-byte
/// Identity encoding, and its /ToUnicode map.
#[derive(Default)]
pub(super) struct Fonts {
    /// Every font met, in order; what [`super::Measurement::fonts`] lists.
    pub(super) list: Vec<FontInfo>,
    widths: Vec<Option<(f64, HashMap<u32, f64>)>>,
    /// Each font's /ToUnicode map: code to text.
    unicode: Vec<HashMap<u32, String>>,
    by_id: HashMap<ObjectIdentifier, usize>,
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
    pub(super) fn index(&mut self, font: &Dict) -> Option<usize> {
        let id = font.obj_id();
        if let Some(i) = id.and_then(|id| self.by_id.get(&id)) {
            return Some(*i);
        }
        // Type0 fonts keep widths and descriptor in their (single) descendant CIDFont.
        let cid = font
            .get::<Array>(b"DescendantFonts")
            .and_then(|d| d.iter::<Dict>().next());
        let holder = cid.as_ref().unwrap_or(font);
        let name = holder.get::<Name>(b"BaseFont");
        let name = String::from_utf8_lossy(name.as_deref().unwrap_or(b""));
        let name = match name.split_once('+') {
            Some((tag, rest)) if tag.len() == 6 => rest.to_string(),
            _ => name.into_owned(),
        };
        let descriptor = holder.get::<Dict>(b"FontDescriptor");
        let metric = |k: &[u8]| descriptor.as_ref()?.get::<f64>(k);
        let (ascent, descent) = (metric(b"Ascent"), metric(b"Descent"));
        self.list.push(FontInfo {
            name,
            ascent,
            descent,
        });
        self.widths.push(cid.and_then(|cid| cid_widths(font, &cid)));
        let map = font
            .get::<Stream>(b"ToUnicode")
            .and_then(|stream| stream.decoded().ok())
            .map(|data| to_unicode(&String::from_utf8_lossy(&data)))
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
fn cid_widths(font: &Dict, cid: &Dict) -> Option<(f64, HashMap<u32, f64>)> {
    let encoding = font.get::<Name>(b"Encoding")?;
    if &*encoding != b"Identity-H" && &*encoding != b"Identity-V" {
        return None;
    }
    let default = cid.get::<f64>(b"DW").unwrap_or(1000.0);
    let mut widths = HashMap::new();
    let items: Vec<Object> = cid
        .get::<Array>(b"W")
        .map(|w| w.iter::<Object>().collect())
        .unwrap_or_default();
    let number = |o: &Object| match o {
        Object::Number(n) => Some(n.as_f64()),
        _ => None,
    };
    let mut i = 0;
    while i + 1 < items.len() {
        let first = number(&items[i])? as u32;
        if let Object::Array(list) = &items[i + 1] {
            widths.extend(list.iter::<f64>().zip(first..).map(|(w, c)| (c, w)));
            i += 2;
        } else {
            let (last, width) = (number(&items[i + 1])? as u32, number(items.get(i + 2)?)?);
            widths.extend((first..=last.min(first.saturating_add(0xFFFF))).map(|c| (c, width)));
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
