//! What docx-rs does not write, added to its package: the document's properties (title,
//! author, keywords, date), a DRAFT watermark in the headers, and the setting that makes Word
//! update the contents and page fields when the file is opened.

use docx_rs::XMLDocx;

use super::model::Properties;

/// Adds to `docx` (docx-rs's parts, before packing) the properties, the watermark and the
/// settings.
pub fn finish(docx: &mut XMLDocx, properties: &Properties, date: Option<&str>) {
    docx.doc_props.core = core_properties(properties, date).into_bytes();
    docx.settings = update_fields(&String::from_utf8_lossy(&docx.settings)).into_bytes();
    if let Some(mark) = &properties.watermark {
        for header in &mut docx.headers {
            *header = watermarked(&String::from_utf8_lossy(header), mark).into_bytes();
        }
    }
}

fn core_properties(p: &Properties, date: Option<&str>) -> String {
    let when = date
        .map(|d| format!("{d}T00:00:00Z"))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><cp:keywords>{}</cp:keywords><cp:lastModifiedBy>{}</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>"#,
        xml(&p.title),
        xml(&p.author),
        xml(&p.keywords.join(", ")),
        xml(&p.author),
    )
}

/// Word updates the contents and the page fields on opening (it asks first).
fn update_fields(settings: &str) -> String {
    if settings.contains("w:updateFields") {
        return settings.to_string();
    }
    settings.replacen(
        "</w:settings>",
        r#"<w:updateFields w:val="true"/></w:settings>"#,
        1,
    )
}

/// The header with `mark` set across the page behind the text, as Word's own watermarks are:
/// a VML text path, faint and turned 45 degrees.
fn watermarked(header: &str, mark: &str) -> String {
    const VML: &str = r#" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office""#;
    let mut header = header.to_string();
    if let Some(at) = header.find("<w:hdr") {
        let end = at + header[at..].find('>').unwrap_or(0);
        let head = &header[at..end];
        let mut add = String::new();
        if !head.contains("xmlns:v=") {
            add.push_str(&VML[..VML.find(" xmlns:o").unwrap_or(VML.len())]);
        }
        if !head.contains("xmlns:o=") {
            add.push_str(&VML[VML.find(" xmlns:o").unwrap_or(0)..]);
        }
        header.insert_str(end, &add);
    }
    let shape = format!(
        r##"<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:pict><v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas><v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype><v:shape id="WitnessWatermark" o:spid="_x0000_s2049" type="#_x0000_t136" style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:110pt;rotation:315;z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#c82828" stroked="f"><v:fill opacity=".12"/><v:textpath style="font-family:&quot;Times New Roman&quot;;font-size:1pt;font-weight:bold" string="{}"/></v:shape></w:pict></w:r></w:p>"##,
        xml(mark)
    );
    match header.rfind("</w:hdr>") {
        Some(at) => {
            header.insert_str(at, &shape);
            header
        }
        None => header,
    }
}

/// `text` escaped for XML text and attribute values.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot hold most control characters at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}
