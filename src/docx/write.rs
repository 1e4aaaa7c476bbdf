//! The document as Word's XML through docx-rs: styles Word knows (Heading 1–3, so the
//! navigation pane and a TOC field work), the report's numbered paragraphs as a Word list,
//! real footnotes, tables, the page and type of the forum's rules, a header with the
//! reference and status, and "Page X of Y" fields in the footer.

use std::collections::HashMap;
use std::vec::IntoIter;

use anyhow::{Result, anyhow};
use docx_rs::{
    AlignmentType, BreakType, Docx, Footnote, Hyperlink, HyperlinkType, IndentLevel, LevelOverride,
    Numbering, NumberingId, Paragraph, Pic, Run, RunFonts, SpecialIndentType, Table, TableCell,
    TableRow,
};

use super::cite::Formatted;
use super::model::{Block, Document, Inline, Kind, Marks};
use super::walk::Counted;

/// Twentieths of a point in a centimetre.
pub(super) const TWIPS_PER_CM: f64 = 566.93;
/// The Word list the report's numbered paragraphs are in (docx-rs defines list 1 itself).
pub(super) const PARAGRAPHS: usize = 10;
/// The bullet list definition; numbered lists each get a numbering of their own after it.
pub(super) const BULLETS: usize = 11;
pub(super) const FONT: &str = "Times New Roman";

/// Builds the Word document. `files` are the build folder's files (for the signature image).
pub fn build(
    document: &Document,
    counted: &Counted,
    formatted: Formatted,
    files: &HashMap<String, Vec<u8>>,
) -> Result<Docx> {
    let p = &document.properties;
    // The house's numbers hang in a column 2.6em wide.
    let hang = (p.body_pt * 2.6 * 20.0).round() as i32;
    let (width, height) = if p.paper == "us-letter" {
        (12240, 15840)
    } else {
        (11906, 16838)
    };
    let mut docx = super::page::setup(p, width, height, hang);

    let mut writer = Writer {
        counted,
        citations: formatted.citations.into_iter(),
        bibliography: formatted.bibliography,
        files,
        next_numbering: BULLETS + 2,
        numberings: Vec::new(),
        hang,
        body_pt: p.body_pt,
        run_size: None,
        text_width: width as i32 - cm(2.6) - cm(2.4),
        headings: document
            .body
            .iter()
            .filter_map(|b| match b {
                Block::Heading {
                    level,
                    number,
                    content,
                } if *level <= 2 => Some((
                    *level,
                    format!(
                        "{} {}",
                        number.clone().unwrap_or_default(),
                        super::model::plain(content)
                    )
                    .trim()
                    .to_string(),
                )),
                _ => None,
            })
            .collect(),
    };
    let mut children = Vec::new();
    for block in &document.cover {
        writer.block(block, &mut children, 0)?;
    }
    if !document.cover.is_empty() {
        children.push(Child::Paragraph(
            Paragraph::new().add_run(Run::new().add_break(BreakType::Page)),
        ));
    }
    for block in &document.body {
        writer.block(block, &mut children, 0)?;
    }
    for id in writer.numberings.drain(..) {
        let (num, start) = id;
        docx = docx.add_numbering(
            Numbering::new(num, BULLETS + 1).add_override(LevelOverride::new(0).start(start)),
        );
    }
    for child in children {
        docx = match child {
            Child::Paragraph(p) => docx.add_paragraph(p),
            Child::Table(t) => docx.add_table(t),
        };
    }
    Ok(docx)
}

// docx-rs's paragraph is large; the lists of children are short-lived, so the size is fine.
#[allow(clippy::large_enum_variant)]
enum Child {
    Paragraph(Paragraph),
    Table(Table),
}

struct Writer<'a> {
    counted: &'a Counted,
    citations: IntoIter<Option<String>>,
    bibliography: Vec<String>,
    files: &'a HashMap<String, Vec<u8>>,
    next_numbering: usize,
    /// Numbered lists: their Word numbering and where each starts.
    numberings: Vec<(usize, usize)>,
    hang: i32,
    body_pt: f64,
    /// The size every run of the paragraph being written is set in, when not the body's.
    run_size: Option<usize>,
    /// The width between the margins, in twips.
    text_width: i32,
    /// The headings of levels 1 and 2 with their numbers, for the contents.
    headings: Vec<(usize, String)>,
}

impl Writer<'_> {
    fn block(&mut self, block: &Block, out: &mut Vec<Child>, depth: usize) -> Result<()> {
        match block {
            Block::Heading {
                level,
                number,
                content,
            } => {
                let mut paragraph = Paragraph::new()
                    .style(&format!("Heading{}", level.min(&4)))
                    .keep_next(true);
                if let Some(number) = number {
                    paragraph = paragraph.add_run(Run::new().add_text(format!("{number} ")));
                }
                out.push(Child::Paragraph(self.inlines(
                    paragraph,
                    content,
                    Marks::default(),
                    false,
                )?));
            }
            Block::Paragraph {
                number,
                kind,
                content,
            } => {
                let mut paragraph = Paragraph::new();
                paragraph = match kind {
                    Kind::Body if number.is_some() => paragraph
                        .numbering(NumberingId::new(PARAGRAPHS), IndentLevel::new(0))
                        .align(AlignmentType::Both),
                    Kind::Body if depth > 0 => paragraph,
                    Kind::Body => paragraph.align(AlignmentType::Both),
                    Kind::Quote => paragraph.style("Quote"),
                    Kind::Small => paragraph.style("Small"),
                    Kind::Title => paragraph.size(48).bold(),
                    Kind::Display => paragraph.size(26),
                    Kind::Notice => {
                        paragraph.indent(Some(self.hang / 2), None, Some(self.hang / 2), None)
                    }
                };
                let marks = match kind {
                    Kind::Title => Marks {
                        bold: true,
                        ..Marks::default()
                    },
                    _ => Marks::default(),
                };
                self.run_size = match kind {
                    Kind::Title => Some(48),
                    Kind::Display => Some(26),
                    _ => None,
                };
                let paragraph = self.inlines(paragraph, content, marks, false)?;
                self.run_size = None;
                out.push(Child::Paragraph(paragraph));
            }
            Block::List {
                ordered,
                start,
                items,
            } => {
                let numbering = if *ordered {
                    let id = self.next_numbering;
                    self.next_numbering += 1;
                    self.numberings.push((id, *start));
                    id
                } else {
                    BULLETS
                };
                for item in items {
                    for (i, block) in item.iter().enumerate() {
                        let mut nested = Vec::new();
                        self.block(block, &mut nested, depth + 1)?;
                        for child in nested {
                            out.push(match child {
                                Child::Paragraph(p) if i == 0 => Child::Paragraph(
                                    p.numbering(NumberingId::new(numbering), IndentLevel::new(0)),
                                ),
                                Child::Paragraph(p) => Child::Paragraph(p.indent(
                                    Some(self.hang * 2),
                                    None,
                                    None,
                                    None,
                                )),
                                other => other,
                            });
                        }
                    }
                }
            }
            Block::Table {
                columns,
                header,
                cells,
                ruled,
            } => {
                let mut rows = Vec::new();
                for (r, row) in cells.chunks(*columns).enumerate() {
                    let mut table_cells = Vec::new();
                    for cell in row {
                        let mut table_cell = TableCell::new();
                        let mut nested = Vec::new();
                        for block in cell {
                            self.block(block, &mut nested, depth + 1)?;
                        }
                        if nested.is_empty() {
                            nested.push(Child::Paragraph(Paragraph::new()));
                        }
                        for child in nested {
                            table_cell = match child {
                                Child::Paragraph(p) if *header && r == 0 => {
                                    table_cell.add_paragraph(p.bold())
                                }
                                Child::Paragraph(p) => table_cell.add_paragraph(p),
                                Child::Table(t) => table_cell.add_table(t),
                            };
                        }
                        table_cells.push(table_cell);
                    }
                    rows.push(TableRow::new(table_cells));
                }
                let table = Table::new(rows);
                out.push(Child::Table(if *ruled {
                    table
                } else {
                    table.clear_all_border()
                }));
            }
            Block::Contents => {
                // Not a numbered heading: the contents list themselves in no contents.
                out.push(Child::Paragraph(
                    Paragraph::new()
                        .size(half_points(self.body_pt * 14.0 / 11.0))
                        .add_run(
                            Run::new()
                                .bold()
                                .color("1F2A44")
                                .size(half_points(self.body_pt * 14.0 / 11.0))
                                .add_text("Contents"),
                        ),
                ));
                out.extend(
                    super::page::contents(&self.headings, self.text_width, self.hang)
                        .into_iter()
                        .map(Child::Paragraph),
                );
            }
            Block::PageBreak => out.push(Child::Paragraph(
                Paragraph::new().add_run(Run::new().add_break(BreakType::Page)),
            )),
            Block::Image { file, height_cm } => {
                if let Some(pic) = self.picture(file, *height_cm)? {
                    out.push(Child::Paragraph(
                        Paragraph::new().add_run(Run::new().add_image(pic)),
                    ));
                }
            }
            Block::Rule => out.push(Child::Paragraph(
                Paragraph::new().add_run(Run::new().add_text("______________________________")),
            )),
            Block::Bibliography => {
                out.push(Child::Paragraph(
                    Paragraph::new()
                        .style("Heading1")
                        .page_break_before(true)
                        .add_run(Run::new().add_text("Bibliography")),
                ));
                for entry in std::mem::take(&mut self.bibliography) {
                    out.push(Child::Paragraph(
                        Paragraph::new()
                            .indent(
                                Some(self.hang),
                                Some(SpecialIndentType::Hanging(self.hang)),
                                None,
                                None,
                            )
                            .add_run(Run::new().add_text(entry)),
                    ));
                }
            }
        }
        Ok(())
    }

    /// `content` appended to `paragraph` as runs, notes and links.
    fn inlines(
        &mut self,
        mut paragraph: Paragraph,
        content: &[Inline],
        marks: Marks,
        in_note: bool,
    ) -> Result<Paragraph> {
        for run in self.runs(content, marks, in_note)? {
            paragraph = match run {
                Piece::Run(run) => paragraph.add_run(run),
                Piece::Link(address, runs) => {
                    let mut link = Hyperlink::new(address, HyperlinkType::External);
                    for run in runs {
                        link = link.add_run(run);
                    }
                    paragraph.add_hyperlink(link)
                }
            };
        }
        Ok(paragraph)
    }

    fn runs(&mut self, content: &[Inline], marks: Marks, in_note: bool) -> Result<Vec<Piece>> {
        let content = &note_marks_attached(content, in_note);
        let mut out = Vec::new();
        for inline in content {
            match inline {
                Inline::Text(text, m) => {
                    let run = styled(Run::new().add_text(text), merge(marks, *m));
                    out.push(Piece::Run(match self.run_size {
                        Some(size) => run.size(size),
                        None => run,
                    }));
                }
                Inline::Break => {
                    out.push(Piece::Run(Run::new().add_break(BreakType::TextWrapping)))
                }
                Inline::Note(note) => {
                    let paragraph = self.inlines(note_paragraph(), note, Marks::default(), true)?;
                    out.push(Piece::Run(footnote(paragraph)));
                }
                Inline::Cite { form, .. } => {
                    let Some(text) = self
                        .citations
                        .next()
                        .ok_or_else(|| anyhow!("a citation has no formatted text"))?
                    else {
                        continue;
                    };
                    if form.is_none() && !in_note {
                        let paragraph = note_paragraph().add_run(Run::new().add_text(text));
                        out.push(Piece::Run(footnote(paragraph)));
                    } else {
                        out.push(Piece::Run(styled(Run::new().add_text(text), marks)));
                    }
                }
                Inline::Link(address, content) => {
                    let runs = self.runs(content, marks, in_note)?;
                    let runs = runs
                        .into_iter()
                        .filter_map(|piece| match piece {
                            Piece::Run(run) => Some(run.color("1F2A44").underline("single")),
                            Piece::Link(..) => None,
                        })
                        .collect();
                    out.push(Piece::Link(address.clone(), runs));
                }
                Inline::Reference(reference) => {
                    let resolved = super::references::resolve(self.counted, reference);
                    out.extend(self.runs(&resolved, marks, in_note)?);
                }
            }
        }
        Ok(out)
    }

    /// The signature (PNG or JPEG as it is, SVG rasterised), `height_cm` high.
    fn picture(&self, file: &str, height_cm: f64) -> Result<Option<Pic>> {
        let Some(bytes) = self.files.get(file) else {
            return Ok(None);
        };
        let png = if file.ends_with(".svg") {
            super::image::svg_to_png(bytes)?
        } else {
            bytes.clone()
        };
        let size = imagesize::blob_size(&png).map_err(|e| anyhow!("{file}: {e}"))?;
        let (w, h) = (size.width as f64, size.height as f64);
        let height_emu = (height_cm * 360_000.0) as u32;
        let width_emu = (height_emu as f64 * w / h.max(1.0)) as u32;
        Ok(Some(
            Pic::new_with_dimensions(png, w as u32, h as u32).size(width_emu, height_emu),
        ))
    }
}

#[allow(clippy::large_enum_variant)]
enum Piece {
    Run(Run),
    Link(String, Vec<Run>),
}

/// `content` with the space before each citation that becomes a note taken out: typst
/// attaches a note-style citation's mark to the word before it ("neighbours¹."), and so does
/// the DOCX.
fn note_marks_attached(content: &[Inline], in_note: bool) -> Vec<Inline> {
    let mut out: Vec<Inline> = content.to_vec();
    if in_note {
        return out;
    }
    for i in 1..out.len() {
        if matches!(out[i], Inline::Cite { form: None, .. })
            && let Inline::Text(text, _) = &mut out[i - 1]
        {
            let kept = text.trim_end().len();
            text.truncate(kept);
        }
    }
    out
}

/// A footnote's paragraph: Word puts the note's number first; a space follows it.
fn note_paragraph() -> Paragraph {
    Paragraph::new()
        .style("FootnoteText")
        .add_run(Run::new().add_text(" "))
}

fn footnote(paragraph: Paragraph) -> Run {
    let mut note = Footnote::new();
    note.add_content(paragraph);
    Run::new().add_footnote_reference(note)
}

fn merge(a: Marks, b: Marks) -> Marks {
    Marks {
        italic: a.italic || b.italic,
        bold: a.bold || b.bold,
        strike: a.strike || b.strike,
        superscript: a.superscript || b.superscript,
        subscript: a.subscript || b.subscript,
        code: a.code || b.code,
    }
}

fn styled(mut run: Run, marks: Marks) -> Run {
    if marks.italic {
        run = run.italic();
    }
    if marks.bold {
        run = run.bold();
    }
    if marks.strike {
        run = run.strike();
    }
    if marks.superscript {
        run.run_property = run
            .run_property
            .vert_align(docx_rs::VertAlignType::SuperScript);
    }
    if marks.subscript {
        run.run_property = run
            .run_property
            .vert_align(docx_rs::VertAlignType::SubScript);
    }
    if marks.code {
        run = run.fonts(RunFonts::new().ascii("Courier New").hi_ansi("Courier New"));
    }
    run
}

pub(super) fn half_points(points: f64) -> usize {
    (points * 2.0).round() as usize
}

pub(super) fn cm(value: f64) -> i32 {
    (value * TWIPS_PER_CM).round() as i32
}
