//! The measurement, against PDFs whose every size and distance is known from their source.

use super::*;

/// PDFs made by typst 0.15.1 from the .typ files beside them (`handmade.pdf` by handmade.py).
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/preflight");

fn fixture(name: &str) -> Measurement {
    measure_file(&std::path::Path::new(FIXTURES).join(name)).unwrap()
}
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.02
}
fn line<'a>(m: &'a Measurement, needle: &str) -> &'a Line {
    m.pages
        .iter()
        .flat_map(|p| &p.lines)
        .find(|l| l.text.contains(needle))
        .unwrap()
}

#[test]
fn a4_sizes_paper_and_text() {
    let m = fixture("report-a4.pdf");
    assert_eq!(
        (m.pages.len(), m.pages[0].width, m.pages[0].height),
        (1, 595.28, 841.89)
    );
    assert_eq!(m.body_size, Some(11.0));
    assert_eq!(
        line(&m, "Expert report of Dr A. Example Case 123").size,
        9.0
    ); // header; gap → space
    assert_eq!(line(&m, "Page 1").size, 9.0);
    assert_eq!(line(&m, "Instructions").size, 15.4); // heading: 1.4em
    let note = line(&m, "1Lorem ipsum");
    assert_eq!((note.size, note.min_size), (8.5, 8.5));
    let s = m.smallest.as_ref().unwrap();
    assert_eq!((s.size, s.page), (8.5, 1));
    assert!(s.line.starts_with("1Lorem"));
    let sizes: Vec<f64> = m.size_histogram.iter().map(|b| b.0).collect();
    assert_eq!(sizes, [8.5, 9.0, 11.0, 15.4]);
    assert_eq!(m.share_below(8.5), 0.0);
    let notes =
        m.size_histogram[0].1 as f64 / m.size_histogram.iter().map(|b| b.1).sum::<usize>() as f64;
    assert!(
        close(m.share_below(8.46), 0.0)
            && close(m.share_below(9.0), notes)
            && m.share_below(11.0) > notes
    );
    let text = m.pages[0].text();
    assert!(text.contains("TO WRITE: the conclusion."));
    assert!(text.contains("https://example.org/a/very/long/\npath/to/")); // broken URL
    assert!(text.contains("and inter\u{ad}\nnationalization")); // typst maps its hyphen to U+00AD
    let body = line(
        &m,
        "amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et",
    );
    assert!(close(body.x_start, 70.87) && close(body.x_end, 524.41)); // 25 mm margins of A4
}

#[test]
fn a4_line_spacing_matches_leading_plus_ascender_descender() {
    let m = fixture("report-a4.pdf");
    let font = &m.fonts[0];
    assert_eq!(
        (font.name.as_str(), font.ascent, font.descent),
        ("LibertinusSerif-Regular", Some(894.0), Some(-246.0))
    );
    for (size, samples) in [(11.0, 11), (8.5, 2)] {
        let sp = m.spacing.iter().find(|s| s.size == size).unwrap();
        let single = (894.0 + 246.0) / 1000.0 * size;
        assert_eq!((sp.samples, sp.font), (samples, Some(0)));
        assert!(close(sp.baseline_distance, 6.0 + single), "{sp:?}"); // `set par(leading: 6pt)`
        assert!(close(sp.single_spacing.unwrap(), single));
        assert!(close(sp.ratio_to_single.unwrap(), (6.0 + single) / single));
        assert!(close(sp.ratio_to_size, (6.0 + single) / size));
    }
}

#[test]
fn links_are_found() {
    let m = fixture("report-a4.pdf");
    let uri = "https://example.org/a/very/long/path/to/the/evidence/bundle/exhibit-42.pdf";
    assert_eq!(m.links.len(), 2); // one annotation per line of the broken link
    assert!(
        m.links
            .iter()
            .all(|l| l.page == 1 && l.uri == uri && l.rect.len() == 4)
    );
    assert_eq!(fixture("letter.pdf").links[0].uri, "https://example.com/x");
    assert_eq!(
        fixture("handmade.pdf").links[0].uri,
        "https://example.net/handmade"
    );
}

#[test]
fn letter_scaled_rotated_and_superscript() {
    let m = fixture("letter.pdf");
    assert_eq!(
        (m.pages[0].width, m.pages[0].height, m.body_size),
        (612.0, 792.0, Some(12.0))
    );
    assert_eq!(line(&m, "Scaled text").size, 18.0); // 12pt under a 1.5 cm
    let turned = line(&m, "Turned");
    assert_eq!((turned.size, turned.angle.abs()), (10.0, 90.0));
    let sup = line(&m, "marker7 in it.");
    assert_eq!((sup.size, sup.min_size), (12.0, 7.2)); // synthesized superscript: 0.6em
    assert_eq!(m.smallest.as_ref().unwrap().size, 7.2);
    assert_eq!(line(&m, "Nine point three five.").size, 9.35); // 0.85em of 11pt, not rounded to 9.4
    let mono = line(&m, "Mono spaced 0123456789"); // CIDFontType2 (TrueType), 22 glyphs of 0.602 em
    assert_eq!(m.line_font(mono).unwrap().name, "DejaVuSansMono");
    assert!(
        close(mono.x_end - mono.x_start, 22.0 * 0.602 * 10.0),
        "{mono:?}"
    );
    assert!(m.spacing.is_empty()); // no paragraph has two lines
}

#[test]
fn handmade_tf1_scaled_tm_and_inherited_mediabox() {
    let m = fixture("handmade.pdf");
    assert_eq!((m.pages[0].width, m.pages[0].height), (420.0, 595.0));
    let sizes: Vec<(&str, f64)> = m.pages[0]
        .lines
        .iter()
        .map(|l| (l.text.as_str(), l.size))
        .collect();
    assert_eq!(
        sizes,
        [
            ("Scaled by Tm", 10.0),
            ("Sized by Tf", 10.0),
            ("Small print", 7.0)
        ]
    );
    let sp = &m.spacing[0];
    assert_eq!(
        (sp.size, sp.baseline_distance, sp.single_spacing),
        (10.0, 14.0, None)
    );
    assert!(m.share_below(8.0) > 0.3 && m.share_below(7.0) == 0.0);
}

#[test]
fn images_and_errors() {
    assert_eq!(
        fixture("image.pdf").pages[0].text(),
        "Text after the image.  inline image."
    );
    assert!(measure(b"not a pdf").is_err());
}

/// `cargo test --release -- --ignored --nocapture timing`; needs typst to make the 20 pages.
#[test]
#[ignore]
fn timing() {
    let dir = std::path::Path::new(FIXTURES);
    let out = std::env::temp_dir().join("preflight-long.pdf");
    let typst = std::path::Path::new(&std::env::var("HOME").unwrap())
        .join(".local/share/witness/typst-0.15.1/bin/typst");
    let ok = std::process::Command::new(typst)
        .args(["compile", "--ignore-system-fonts"])
        .arg(dir.join("long.typ"))
        .arg(&out)
        .status()
        .unwrap();
    assert!(ok.success());
    let bytes = std::fs::read(&out).unwrap();
    let (mut m, runs) = (measure(&bytes).unwrap(), 5);
    let t = std::time::Instant::now();
    for _ in 0..runs {
        m = measure(&bytes).unwrap();
    }
    let ms = t.elapsed().as_secs_f64() * 1e3 / runs as f64;
    println!(
        "{} pages, {} KiB: {ms:.1} ms, {:.2} ms/page",
        m.pages.len(),
        bytes.len() / 1024,
        ms / m.pages.len() as f64
    );
    assert!(m.pages.len() >= 18 && m.body_size == Some(11.0));
}

/// The whole preflight (read, measure, rules) of a PDF witness made: `PREFLIGHT_PDF=x.pdf
/// cargo test --release --lib -- --ignored --nocapture timing_of`.
#[test]
#[ignore]
fn timing_of_a_pdf() {
    let path = std::env::var("PREFLIGHT_PDF").expect("PREFLIGHT_PDF names a PDF");
    let rules = Rules {
        paper: Paper::named("a4"),
        min_text_size: Some(12.0),
        line_spacing: Some(1.5),
        rule: None,
    };
    let runs = 10;
    let mut report = preflight(&measure_file(path.as_ref()).unwrap(), &rules);
    let t = std::time::Instant::now();
    for _ in 0..runs {
        report = preflight(&measure_file(path.as_ref()).unwrap(), &rules);
    }
    let ms = t.elapsed().as_secs_f64() * 1e3 / runs as f64;
    println!(
        "{path}: {} pages: {ms:.1} ms, {:.2} ms/page",
        report.pages,
        ms / report.pages as f64
    );
}
