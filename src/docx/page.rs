//! The page and its furniture in Word: paper, margins, type and spacing from the house
//! style's settings, the styles Word knows (Heading 1–4, so the navigation pane and a TOC
//! field work), the lists, the running header, "Page X of Y" in the footer, and the contents.

use docx_rs::{
    AbstractNumbering, AlignmentType, Docx, FieldCharType, Footer, Header, InstrText, Level,
    LevelJc, LevelText, LineSpacing, LineSpacingType, NumberFormat, Numbering, PageMargin,
    Paragraph, Run, RunFonts, SpecialIndentType, Start, Style, StyleType,
};

use super::model::Properties;
use super::write::{BULLETS, FONT, PARAGRAPHS, cm, half_points};

/// A document on the paper, in the type and spacing of `p`, with its styles and lists.
pub fn setup(p: &Properties, width: u32, height: u32, hang: i32) -> Docx {
    let body = half_points(p.body_pt);
    let small = half_points(p.small_pt);
    Docx::new()
        .page_size(width, height)
        .page_margin(
            PageMargin::new()
                .top(cm(2.6))
                .bottom(cm(2.4))
                .left(cm(2.6))
                .right(cm(2.4))
                .header(cm(1.2))
                .footer(cm(1.0)),
        )
        .default_fonts(
            RunFonts::new()
                .ascii(FONT)
                .hi_ansi(FONT)
                .cs(FONT)
                .east_asia(FONT),
        )
        .default_size(body)
        .default_line_spacing(spacing(p.line_spacing).after(cm(0.3) as u32))
        .add_style(heading_style(1, half_points(p.body_pt * 14.0 / 11.0), true))
        .add_style(heading_style(2, half_points(p.body_pt * 12.0 / 11.0), true))
        .add_style(heading_style(3, body, false))
        .add_style(heading_style(4, body, false))
        .add_style(
            Style::new("Quote", StyleType::Paragraph)
                .name("Quote")
                .based_on("Normal")
                .indent(Some(hang), None, None, None),
        )
        .add_style(
            Style::new("FootnoteText", StyleType::Paragraph)
                .name("footnote text")
                .based_on("Normal")
                .size(small)
                .line_spacing(spacing(p.line_spacing).after(0)),
        )
        .add_style(
            Style::new("TOC1", StyleType::Paragraph)
                .name("toc 1")
                .based_on("Normal")
                .next("Normal"),
        )
        .add_style(
            Style::new("TOC2", StyleType::Paragraph)
                .name("toc 2")
                .based_on("Normal")
                .next("Normal"),
        )
        .add_style(
            Style::new("Small", StyleType::Paragraph)
                .name("Small print")
                .based_on("Normal")
                .size(small)
                .color("5A5A5A"),
        )
        .add_abstract_numbering(
            AbstractNumbering::new(PARAGRAPHS).add_level(list_level("decimal", "%1", hang, hang)),
        )
        .add_numbering(Numbering::new(PARAGRAPHS, PARAGRAPHS))
        .add_abstract_numbering(AbstractNumbering::new(BULLETS).add_level(list_level(
            "bullet",
            "•",
            hang * 2,
            hang / 2,
        )))
        .add_numbering(Numbering::new(BULLETS, BULLETS))
        .add_abstract_numbering(AbstractNumbering::new(BULLETS + 1).add_level(list_level(
            "decimal",
            "%1.",
            hang * 2,
            hang / 2,
        )))
        .header(running_header(
            p.reference.as_str(),
            p.status.as_str(),
            small,
        ))
        .first_header(Header::new())
        .footer(page_x_of_y(small))
        .first_footer(page_x_of_y(small))
        .title_pg()
}

/// The contents as a Word TOC field over the headings of levels 1 and 2, its entries
/// written in (without page numbers, which Word and LibreOffice fill in when they update
/// the field on opening). Each field character in a run of its own, as Word writes them.
pub fn contents(headings: &[(usize, String)], width: i32, hang: i32) -> Vec<Paragraph> {
    let field = |kind| Run::new().add_field_char(kind, true);
    let mut entries: Vec<Paragraph> = headings
        .iter()
        .map(|(level, text)| {
            Paragraph::new()
                .style(&format!("TOC{level}"))
                .add_tab(
                    docx_rs::Tab::new()
                        .val(docx_rs::TabValueType::Right)
                        .leader(docx_rs::TabLeaderType::Dot)
                        .pos(width as usize),
                )
                .indent(Some(((*level as i32) - 1) * hang / 2), None, None, None)
                .add_run(Run::new().add_text(text.clone()))
                .add_run(Run::new().add_tab())
        })
        .collect();
    if entries.is_empty() {
        entries.push(Paragraph::new());
    }
    let first = std::mem::replace(&mut entries[0], Paragraph::new());
    let mut opened = Paragraph::new()
        .add_run(field(FieldCharType::Begin))
        .add_run(
            Run::new().add_instr_text(InstrText::Unsupported(r#"TOC \o "1-2" \h \z \u"#.into())),
        )
        .add_run(field(FieldCharType::Separate));
    opened.children.extend(first.children);
    opened.property = first.property;
    entries[0] = opened;
    let last = entries.len() - 1;
    entries[last] =
        std::mem::replace(&mut entries[last], Paragraph::new()).add_run(field(FieldCharType::End));
    entries
}

fn heading_style(level: usize, size: usize, bold: bool) -> Style {
    let style = Style::new(format!("Heading{level}"), StyleType::Paragraph)
        .name(format!("heading {level}"))
        .based_on("Normal")
        .next("Normal")
        .size(size)
        .color("1F2A44")
        .outline_lvl(level - 1);
    if bold { style.bold() } else { style.italic() }
}

fn spacing(line_spacing: Option<f64>) -> LineSpacing {
    // Word's "1.5 lines" is 360 in 240ths of a line; the house leading is about 1.1 lines.
    let line = (line_spacing.unwrap_or(1.1) * 240.0).round() as i32;
    LineSpacing::new()
        .line_rule(LineSpacingType::Auto)
        .line(line)
}

fn running_header(reference: &str, status: &str, size: usize) -> Header {
    Header::new().add_paragraph(
        Paragraph::new()
            .size(size)
            .add_tab(
                docx_rs::Tab::new()
                    .val(docx_rs::TabValueType::Right)
                    .pos(cm(16.0 - 0.0) as usize),
            )
            .add_run(
                Run::new()
                    .size(size)
                    .color("5A5A5A")
                    .add_text(reference)
                    .add_tab()
                    .add_text(status),
            ),
    )
}

fn page_x_of_y(size: usize) -> Footer {
    let field = |instr: InstrText| {
        Run::new()
            .size(size)
            .add_field_char(FieldCharType::Begin, false)
            .add_instr_text(instr)
            .add_field_char(FieldCharType::Separate, false)
            .add_text("1")
            .add_field_char(FieldCharType::End, false)
    };
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(Run::new().size(size).add_text("Page "))
            .add_run(field(InstrText::PAGE(docx_rs::InstrPAGE::new())))
            .add_run(Run::new().size(size).add_text(" of "))
            .add_run(field(InstrText::NUMPAGES(docx_rs::InstrNUMPAGES::new()))),
    )
}

/// A list's one level: numbers (or bullets) in `format` written as `text`, the item's text
/// `left` from the margin with the number hanging `hanging` before it.
fn list_level(format: &str, text: &str, left: i32, hanging: i32) -> Level {
    Level::new(
        0,
        Start::new(1),
        NumberFormat::new(format),
        LevelText::new(text),
        LevelJc::new("left"),
    )
    .indent(
        Some(left),
        Some(SpecialIndentType::Hanging(hanging)),
        None,
        None,
    )
}
