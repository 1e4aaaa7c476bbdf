//! Reads a PDF's top-level bookmarks: each part's title and where it starts on the page.

use std::collections::HashMap;

use hayro_syntax::Pdf;
use hayro_syntax::object::{Array, Dict, MaybeRef, Object, ObjectIdentifier, String as PdfString};

/// The top-level bookmarks of a PDF: each title, and where it points as pages from the start
/// (2.25 is a quarter of the way down the third page).
pub(super) fn bookmarks(pdf: &Pdf) -> Vec<(String, f64)> {
    let pages = pdf.pages();
    // Each page's object and height, by which a destination names its page.
    let page_of: HashMap<ObjectIdentifier, (usize, f64)> = pages
        .iter()
        .enumerate()
        .filter_map(|(index, page)| {
            let media = page.media_box();
            Some((page.raw().obj_id()?, (index, (media.y1 - media.y0).abs())))
        })
        .collect();
    let xref = pdf.xref();
    let mut item = xref
        .get::<Dict>(xref.root_id())
        .and_then(|catalog| catalog.get::<Dict>(b"Outlines"))
        .and_then(|outlines| outlines.get::<Dict>(b"First"));
    let mut starts: Vec<(String, f64)> = Vec::new();
    // Bounded: a malformed /Next chain could loop.
    for _ in 0..10_000 {
        let Some(entry) = item else { break };
        if let Some(position) = position(&entry, &page_of) {
            starts.push((title(&entry), position));
        }
        item = entry.get::<Dict>(b"Next");
    }
    starts
}

/// Where a bookmark points, as pages from the start of the document: 2.25 is a quarter of the
/// way down the third page.
fn position(entry: &Dict, page_of: &HashMap<ObjectIdentifier, (usize, f64)>) -> Option<f64> {
    let destination = entry
        .get::<Array>(b"Dest")
        .or_else(|| entry.get::<Dict>(b"A")?.get::<Array>(b"D"))?;
    let MaybeRef::Ref(page) = destination.raw_iter().next()? else {
        return None;
    };
    let (index, height) = *page_of.get(&page.into())?;
    let height = if height > 0.0 { height } else { 842.0 };
    // `[page /XYZ left top zoom]`: the top is the fourth item.
    let top = match destination.iter::<Object>().nth(3) {
        Some(Object::Number(y)) => Some(y.as_f64()),
        _ => None,
    };
    let down = top.map_or(0.0, |y| ((height - y) / height).clamp(0.0, 1.0));
    Some(index as f64 + down)
}

/// A bookmark's title, decoded from PDF text (UTF-16 with a byte-order mark, or the Latin
/// range of PDFDocEncoding).
fn title(entry: &Dict) -> String {
    let Some(title) = entry.get::<PdfString>(b"Title") else {
        return String::new();
    };
    let bytes = title.as_bytes();
    if let Some(utf16) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = utf16
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    bytes.iter().map(|&b| b as char).collect()
}

/// The top-level bookmarks of the PDF in `bytes`, and its page count; `None` when it cannot
/// be parsed.
pub fn read_bookmarks(bytes: &[u8]) -> Option<(Vec<(String, f64)>, usize)> {
    std::panic::catch_unwind(|| {
        let pdf = super::measure::open(bytes).ok()?;
        Some((bookmarks(&pdf), pdf.pages().len()))
    })
    .ok()
    .flatten()
}
