//! A PDF's searchable text: its page text (pdf-extract) and its metadata (the document
//! information dictionary and the XMP packet).

use anyhow::{Context, Result};

use super::Place;

/// The PDF's page text and its metadata, as places to search.
pub(super) fn places(bytes: &[u8]) -> Result<Vec<Place>> {
    let text = pdf_extract::extract_text_from_mem(bytes)
        .context("cannot extract the sample PDF's text")?;
    Ok(vec![("text", text), ("metadata", metadata_text(bytes))])
}

/// The document information dictionary's strings and the XMP metadata packet, as text.
fn metadata_text(pdf: &[u8]) -> String {
    let Ok(document) = lopdf::Document::load_mem(pdf) else {
        // Unreadable metadata is searched as raw bytes: better a false alarm than a miss.
        return String::from_utf8_lossy(pdf).into_owned();
    };
    let mut out = String::new();
    if let Ok(info) = document
        .trailer
        .get(b"Info")
        .and_then(|o| document.dereference(o))
        .and_then(|(_, o)| o.as_dict())
    {
        for (_, value) in info.iter() {
            if let Ok(text) = lopdf::decode_text_string(value) {
                out.push_str(&text);
                out.push('\n');
            }
        }
    }
    if let Ok(catalog) = document.catalog()
        && let Ok(reference) = catalog.get(b"Metadata").and_then(|o| o.as_reference())
        && let Ok(stream) = document.get_object(reference).and_then(|o| o.as_stream())
    {
        let content = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        out.push_str(&String::from_utf8_lossy(&content));
    }
    out
}
