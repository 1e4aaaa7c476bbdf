//! The Word back-end: the assembled report as a DOCX, from the same Typst source the PDF is
//! typeset from, so that the solicitor's copy holds the same words, numbers and notes.
//!
//! [`walk`] reads the source with Typst's own parser into a small document [`model`];
//! [`cite`] formats its citations as typst would (hayagriva, the report's CSL style);
//! [`write`] makes the Word XML with docx-rs; [`package`] adds what docx-rs cannot write
//! (the document's properties, a DRAFT watermark, field updating).

mod cite;
mod image;
pub(crate) mod model;
mod package;
mod page;
mod references;
mod syntax;
pub(crate) mod walk;
mod write;

use std::collections::HashMap;
use std::io::Cursor;

use anyhow::{Context, Result};

use crate::pipeline::{Backend, BuildFolder, Options, Prepared, Produced};
use crate::typeset::Control;

/// Where the back-end writes the DOCX inside the build folder, before it is moved out.
pub const MADE_DOCX: &str = "report.docx";

/// The DOCX back-end.
#[derive(Debug, Clone, Default)]
pub struct Docx;

impl Backend for Docx {
    fn extension(&self) -> &'static str {
        "docx"
    }

    fn version(&self) -> &str {
        concat!("witness ", env!("CARGO_PKG_VERSION"), " (docx-rs 0.4)")
    }

    fn produce(
        &self,
        prepared: &Prepared,
        build: &BuildFolder,
        _options: &Options,
        _control: Control,
    ) -> Result<Produced> {
        if build.is_kept() {
            build.write_assembly(&prepared.assembly)?;
        }
        let files: HashMap<String, Vec<u8>> = prepared.assembly.files.iter().cloned().collect();
        let bytes = render(&prepared.assembly.main, &files)?;
        let file = build.path().join(MADE_DOCX);
        std::fs::write(&file, bytes).with_context(|| format!("cannot write {}", file.display()))?;
        Ok(Produced {
            file,
            warnings: Vec::new(),
        })
    }
}

/// The document `source` lays out, as the walk reads it, with references resolved by
/// [`resolved`]: the snapshot of what was served is taken from it.
pub(crate) fn read(source: &str) -> (model::Document, walk::Counted) {
    walk::read(source)
}

/// What typst prints for `reference`, from what the walk counted.
pub(crate) fn resolved(
    counted: &walk::Counted,
    reference: &model::Reference,
) -> Vec<model::Inline> {
    references::resolve(counted, reference)
}

/// The DOCX of the Typst `source`, with the files beside it (bibliography, CSL, signature).
pub fn render(source: &str, files: &HashMap<String, Vec<u8>>) -> Result<Vec<u8>> {
    let (document, counted) = walk::read(source);
    let style = syntax::citation_style(source).unwrap_or_else(|| "coi-notes.csl".into());
    let csl = files
        .get(&style)
        .with_context(|| format!("the citation style {style} is not in the build folder"))?;
    let bibliographies: Vec<(String, Vec<u8>)> = files
        .iter()
        .filter(|(name, _)| [".yml", ".yaml", ".bib"].iter().any(|e| name.ends_with(e)))
        .map(|(name, bytes)| (name.clone(), bytes.clone()))
        .collect();
    let formatted = cite::format(
        &document,
        &counted,
        &bibliographies,
        &String::from_utf8_lossy(csl),
        document.properties.us,
    )?;
    let mut docx = write::build(&document, &counted, formatted, files)?.build();
    let date = syntax::document_date(source);
    package::finish(&mut docx, &document.properties, date.as_deref());
    let mut packed = Cursor::new(Vec::new());
    docx.pack(&mut packed)
        .context("docx-rs could not pack the document")?;
    Ok(packed.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parts of a DOCX made from `source` alone, with a bibliography of two sources.
    fn parts(source: &str) -> HashMap<String, String> {
        let sources = "first:\n  type: web\n  title: First Source\n  publisher: One\n  date: 2025-01-01\nsecond:\n  type: web\n  title: Second Source\n  publisher: Two\n  date: 2025-02-02\n";
        let files = HashMap::from([
            (
                "coi-notes.csl".to_string(),
                include_bytes!("../../report-templates/common/coi-notes.csl").to_vec(),
            ),
            ("sources.yml".to_string(), sources.as_bytes().to_vec()),
        ]);
        let bytes = render(source, &files).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut parts = HashMap::new();
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut file, &mut text).unwrap();
            parts.insert(file.name().to_string(), text);
        }
        parts
    }

    fn headers(parts: &HashMap<String, String>) -> String {
        let headers: Vec<&String> = parts
            .iter()
            .filter(|(name, _)| name.starts_with("word/header"))
            .map(|(_, xml)| xml)
            .collect();
        assert!(!headers.is_empty(), "the document has headers");
        headers.into_iter().cloned().collect()
    }

    const STYLE: &str = "#show: report-style.with(reference: [R-1], status: [STATUS], draft: DRAFT, paper: \"a4\", watermark: MARK, body-size: 12pt, small-size: 12pt, line-spacing: 1.5)\n= Part\n#np(id: \"a.1\")[Text.]\n";

    #[test]
    fn a_draft_carries_the_watermark_and_a_final_report_none() {
        let draft = STYLE
            .replace("STATUS", "Draft")
            .replace("DRAFT", "true")
            .replace("MARK", "\"DRAFT\"");
        assert!(headers(&parts(&draft)).contains(r#"string="DRAFT""#));
        let last = STYLE
            .replace("STATUS", "Final")
            .replace("DRAFT", "false")
            .replace("MARK", "none");
        let final_headers = headers(&parts(&last));
        assert!(!final_headers.contains("DRAFT") && !final_headers.contains("v:shape"));
        assert!(final_headers.contains("Final"), "the status in the header");
    }

    #[test]
    fn a_citation_in_words_a_topic_link_replaces_takes_no_note_from_the_next() {
        // The link is not optional, so its words (and the citation in them) are replaced by
        // the section reference; the next paragraph's note must still be its own.
        let source = "#show: report-style.with(body-size: 12pt, small-size: 12pt)\n= Part\n== X <topic-x>\n#np(id: \"a\")[#topic-ref(\"x\")[see #cite(label(\"first\"))].]\n#np(id: \"b\")[Text#cite(label(\"second\")).]\n#box(height: 0pt, hide(bibliography(\"sources.yml\", style: \"coi-notes.csl\")))\n";
        let notes = &parts(source)["word/footnotes.xml"];
        assert!(notes.contains("Second Source"), "{notes}");
        assert!(
            !notes.contains("First Source"),
            "the replaced words' citation makes no note"
        );
    }
}
