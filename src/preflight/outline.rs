//! Reads a PDF's top-level bookmarks: each part's title and where it starts on the page.

/// The top-level bookmarks of a PDF: each title, and where it points as pages from the start
/// (2.25 is a quarter of the way down the third page).
pub fn bookmarks(document: &lopdf::Document) -> Vec<(String, f64)> {
    let pages = document.get_pages();
    let page_of: std::collections::HashMap<lopdf::ObjectId, usize> = pages
        .iter()
        .map(|(number, id)| (*id, *number as usize - 1))
        .collect();
    let mut starts: Vec<(String, f64)> = Vec::new();
    let first = (|| {
        let outlines = document.catalog().ok()?.get(b"Outlines").ok()?;
        let outlines = document.dereference(outlines).ok()?.1.as_dict().ok()?;
        outlines
            .get(b"First")
            .ok()
            .and_then(|o| o.as_reference().ok())
    })();
    let mut item = first;
    // Bounded: a malformed /Next chain could loop.
    for _ in 0..10_000 {
        let Some(id) = item else { break };
        let Ok(entry) = document.get_dictionary(id) else {
            break;
        };
        if let Some(position) = position(document, entry, &page_of) {
            starts.push((title(entry), position));
        }
        item = entry.get(b"Next").ok().and_then(|o| o.as_reference().ok());
    }
    starts
}

/// Where a bookmark points, as pages from the start of the document: 2.25 is a quarter of the
/// way down the third page.
fn position(
    document: &lopdf::Document,
    entry: &lopdf::Dictionary,
    page_of: &std::collections::HashMap<lopdf::ObjectId, usize>,
) -> Option<f64> {
    let destination = match entry.get(b"Dest") {
        Ok(dest) => document.dereference(dest).ok()?.1.clone(),
        Err(_) => {
            let action = document.dereference(entry.get(b"A").ok()?).ok()?.1;
            let d = action.as_dict().ok()?.get(b"D").ok()?;
            document.dereference(d).ok()?.1.clone()
        }
    };
    let array = destination.as_array().ok()?;
    let page_id = array.first()?.as_reference().ok()?;
    let page = *page_of.get(&page_id)?;
    let height = page_height(document, page_id).unwrap_or(842.0);
    let top = array.get(3).and_then(|y| y.as_float().ok()).map(f64::from);
    let down = top.map_or(0.0, |y| ((height - y) / height).clamp(0.0, 1.0));
    Some(page as f64 + down)
}

fn page_height(document: &lopdf::Document, page: lopdf::ObjectId) -> Option<f64> {
    let mut dictionary = document.get_dictionary(page).ok()?;
    // /MediaBox may be inherited from the page tree.
    for _ in 0..32 {
        if let Ok(mediabox) = dictionary.get(b"MediaBox") {
            let values = document
                .dereference(mediabox)
                .ok()?
                .1
                .as_array()
                .ok()?
                .clone();
            let number = |i: usize| values.get(i).and_then(|v| v.as_float().ok()).map(f64::from);
            return Some(number(3)? - number(1)?);
        }
        let parent = dictionary.get(b"Parent").ok()?.as_reference().ok()?;
        dictionary = document.get_dictionary(parent).ok()?;
    }
    None
}

/// A bookmark's title, decoded from PDF text (UTF-16 with a byte-order mark, or the Latin
/// range of PDFDocEncoding).
fn title(entry: &lopdf::Dictionary) -> String {
    let Ok(lopdf::Object::String(bytes, _)) = entry.get(b"Title") else {
        return String::new();
    };
    if let Some(utf16) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = utf16
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    bytes.iter().map(|&b| b as char).collect()
}
