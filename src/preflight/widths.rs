//! The glyph-width workaround: pdf-extract 0.12 misreads the `c_first c_last w` form of /W
//! that typst writes and gives every glyph of a Type0 font width 0, so glyphs pile up at the
//! start of each string. The widths are read here from the fonts themselves, string by string
//! in the order pdf-extract shows them, and [`Collector`] moves each glyph to where its true
//! advance puts it.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object, ObjectId, content::Content};
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use super::measure::{FontInfo, get, num, nums};

/// Per font: name and metrics, and glyph widths (per 1000) if it is a Type0 font with 2-byte
/// Identity encoding: pdf-extract 0.12 misreads the `c_first c_last w` form of /W that typst
/// writes and gives every glyph width 0.
#[derive(Default)]
pub(super) struct Fonts {
    /// Every font met, in order; what [`super::Measurement::fonts`] lists.
    pub(super) list: Vec<FontInfo>,
    widths: Vec<Option<(f64, HashMap<u32, f64>)>>,
    by_id: HashMap<ObjectId, usize>,
}

impl Fonts {
    fn index(&mut self, doc: &Document, obj: &Object) -> Option<usize> {
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
        if let Some(id) = id {
            self.by_id.insert(id, self.list.len() - 1);
        }
        Some(self.list.len() - 1)
    }
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

/// One string shown by `Tj`/`TJ`: pdf-extract calls `begin_word` once per such string.
pub(super) struct Word {
    font: Option<usize>,
    /// The text position was just set (BT, Tm, Td, ...), as pdf-extract's text matrix was.
    restart: bool,
    widths: Option<Vec<f64>>,
}

/// Lists every string pdf-extract will show, in its order (it restores the font on `Q` and
/// recurses into `Do`), with its font and glyph widths.
pub(super) fn scan_words(
    doc: &Document,
    data: &[u8],
    res: &Dictionary,
    fonts: &mut Fonts,
    out: &mut Vec<Word>,
    depth: u8,
) {
    let Ok(content) = Content::decode(data) else {
        return;
    };
    let (mut font, mut stack, mut restart) = (None, Vec::new(), true);
    let sub = |kind: &[u8], name: &Object| {
        get(doc, res, kind)?
            .as_dict()
            .ok()?
            .get(name.as_name().ok()?)
            .ok()
    };
    for op in &content.operations {
        match (op.operator.as_str(), op.operands.first()) {
            ("q", _) => stack.push(font),
            ("Q", _) => font = stack.pop().unwrap_or(font),
            ("BT" | "ET" | "Tm" | "Td" | "TD" | "T*", _) => restart = true,
            ("Tf", Some(name)) => font = sub(b"Font", name).and_then(|f| fonts.index(doc, f)),
            ("Tj", Some(Object::String(bytes, _))) => {
                out.push(word(font, bytes, fonts, &mut restart))
            }
            ("TJ", Some(Object::Array(items))) => {
                for item in items {
                    if let Object::String(bytes, _) = item {
                        out.push(word(font, bytes, fonts, &mut restart));
                    }
                }
            }
            ("Do", Some(name)) if depth < 8 => {
                let form = sub(b"XObject", name).and_then(|o| doc.dereference(o).ok());
                let Some(Ok(form)) = form.map(|(_, o)| o.as_stream()) else {
                    continue;
                };
                let form_res = get(doc, &form.dict, b"Resources").and_then(|r| r.as_dict().ok());
                let data = form
                    .decompressed_content()
                    .unwrap_or_else(|_| form.content.clone());
                scan_words(doc, &data, form_res.unwrap_or(res), fonts, out, depth + 1);
                restart = true;
            }
            _ => {}
        }
    }
}

fn word(font: Option<usize>, bytes: &[u8], fonts: &Fonts, restart: &mut bool) -> Word {
    let widths = font.and_then(|f| fonts.widths[f].as_ref()).map(|(dw, w)| {
        let cid = |c: &[u8]| u32::from(c[0]) << 8 | u32::from(*c.get(1).unwrap_or(&0));
        bytes
            .chunks(2)
            .map(|c| w.get(&cid(c)).unwrap_or(dw) / 1000.0)
            .collect()
    });
    Word {
        font,
        restart: std::mem::take(restart),
        widths,
    }
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

/// Receives pdf-extract's glyphs and repairs their positions with the widths from `Word`.
#[derive(Default)]
pub(super) struct Collector {
    /// The page's glyphs, in the order pdf-extract showed them.
    pub(super) glyphs: Vec<Glyph>,
    /// The page's strings from [`scan_words`], filled before pdf-extract runs.
    pub(super) words: Vec<Word>,
    word: usize,
    nth: usize,
    shift: (f64, f64),
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _: u32,
        _: &MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        (self.word, self.shift) = (0, (0.0, 0.0));
        self.glyphs.clear();
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        spacing: f64,
        size: f64,
        ch: &str,
    ) -> Result<(), OutputError> {
        // Trm (without Tfs) maps text space to user space; its row (m11, m12) runs along the
        // baseline. The effective size is Tfs times the height of the unit square's image
        // perpendicular to the baseline, |det| / |row 1|: right for `N Tf` with an identity Tm,
        // `1 Tf` with a scaled Tm, a scaled or rotated CTM, skew and Tz alike.
        let along = trm.m11.hypot(trm.m12).max(1e-9);
        let det = trm.m11 * trm.m22 - trm.m12 * trm.m21;
        let word = self.word.checked_sub(1).and_then(|w| self.words.get(w));
        let w = word
            .and_then(|w| w.widths.as_ref()?.get(self.nth).copied())
            .unwrap_or(width);
        let (px, py) = (trm.m31 + self.shift.0, trm.m32 + self.shift.1);
        let (sin, cos) = (trm.m12 / along, trm.m11 / along);
        let x = px * cos + py * sin;
        self.glyphs.push(Glyph {
            x,
            y: py * cos - px * sin,
            end: x + (w * size + spacing) * along,
            size: size * det.abs() / along,
            angle: sin.atan2(cos).to_degrees().round(),
            text: ch.to_string(),
            font: word.and_then(|w| w.font),
        });
        // pdf-extract moved on by `width`; the glyph's true advance is `w`.
        self.shift = (
            self.shift.0 + (w - width) * size * trm.m11,
            self.shift.1 + (w - width) * size * trm.m12,
        );
        self.nth += 1;
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        if self.words.get(self.word).is_some_and(|w| w.restart) {
            self.shift = (0.0, 0.0);
        }
        (self.word, self.nth) = (self.word + 1, 0);
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}
