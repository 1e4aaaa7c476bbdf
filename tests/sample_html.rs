//! `witness sample --to html` through the real binary: the web article's structure and head,
//! the brand's contacts, the leak check over the page's text and metadata, and hostile text.
//! The page is read with an HTML parser (scraper), as a browser would read it.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use scraper::{ElementRef, Html, Selector};

fn select<'a>(page: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap();
    page.select(&selector).collect()
}

fn text_of(element: &ElementRef) -> String {
    normalise(&element.text().collect::<String>())
}

/// The content of `<meta property=…>` (or `name=…`) in the head.
fn meta(page: &Html, attribute: &str, name: &str) -> Option<String> {
    select(page, &format!("head meta[{attribute}=\"{name}\"]"))
        .first()
        .and_then(|m| m.value().attr("content"))
        .map(str::to_string)
}

fn json_ld(page: &Html) -> serde_json::Value {
    let scripts = select(page, "script[type=\"application/ld+json\"]");
    assert_eq!(scripts.len(), 1, "one JSON-LD block");
    serde_json::from_str(&scripts[0].text().collect::<String>()).expect("the JSON-LD parses")
}

/// Runs `witness sample ARGS --to html` in `dir` and returns the page's path.
fn sample_html(dir: &Path, args: &[&str], page: &str) -> PathBuf {
    let output = run(witness()
        .current_dir(dir)
        .arg("sample")
        .args(args)
        .args(["--to", "html"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let path = dir.join(page);
    assert!(path.is_file(), "{} was written", path.display());
    path
}

fn parse(path: &Path) -> (String, Html) {
    let source = std::fs::read_to_string(path).unwrap();
    let page = Html::parse_document(&source);
    (source, page)
}

/// The title of every section file of a built-in brief, from its front matter.
fn section_titles(country: &str) -> Vec<String> {
    let folder = repo().join("country-briefs").join(country);
    let mut titles = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&path).unwrap();
            let front: toml::Table = text.split("+++").nth(1).unwrap().parse().unwrap();
            titles.push(front["title"].as_str().unwrap().to_string());
        }
    }
    titles
}

#[test]
fn the_page_has_one_h1_a_section_per_topic_linked_notes_and_an_article_head() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_html(
        dir.path(),
        &["kyrgyzstan", "--out-dir", "out"],
        "out/sample-kyrgyzstan.html",
    );
    let (source, page) = parse(&path);
    eprintln!("page: {} bytes", source.len());

    // Headings: one h1, an h2 per topic and per closing part, no level skipped.
    assert_eq!(select(&page, "h1").len(), 1);
    let h2: Vec<String> = select(&page, "h2").iter().map(text_of).collect();
    let titles = section_titles("kyrgyzstan");
    assert!(titles.len() >= 5, "the brief has its sections: {titles:?}");
    for title in titles.iter().map(String::as_str).chain([
        "Introduction",
        "Conclusion",
        "How to order an expert report",
        "Countries we cover",
        "Notes",
    ]) {
        assert_eq!(
            h2.iter().filter(|h| *h == title).count(),
            1,
            "one h2 {title:?} in {h2:?}"
        );
    }
    let levels: Vec<usize> = select(&page, "h1, h2, h3, h4, h5, h6")
        .iter()
        .map(|h| h.value().name()[1..].parse().unwrap())
        .collect();
    assert_eq!(levels[0], 1);
    for pair in levels.windows(2) {
        assert!(pair[1] <= pair[0] + 1, "a level skipped: {levels:?}");
    }

    // Notes: every citation links to a note, and every note back to its citation.
    // Each note's first reference carries the id its back-link returns to.
    let citations = select(&page, "sup.note-ref a[id]");
    let notes = select(&page, "section.notes ol > li");
    assert!(citations.len() > 20, "{} citations", citations.len());
    assert_eq!(citations.len(), notes.len(), "one note per citation");
    eprintln!("notes: {}", notes.len());
    let by_id = |id: &str| select(&page, &format!("[id=\"{id}\"]"));
    let references = select(&page, "sup.note-ref a");
    assert!(references.len() >= citations.len());
    for citation in &references {
        let target = citation
            .value()
            .attr("href")
            .unwrap()
            .strip_prefix('#')
            .unwrap();
        let found = by_id(target);
        assert_eq!(found.len(), 1, "the note {target} exists once");
        assert_eq!(found[0].value().name(), "li");
    }
    for note in &notes {
        let back = note
            .select(&Selector::parse("a[role=\"doc-backlink\"]").unwrap())
            .next()
            .expect("each note has a back-link");
        let target = back
            .value()
            .attr("href")
            .unwrap()
            .strip_prefix('#')
            .unwrap();
        let found = by_id(target);
        assert_eq!(found.len(), 1, "the citation {target} exists once");
        assert_eq!(
            found[0].value().attr("href"),
            Some(format!("#{}", note.value().attr("id").unwrap()).as_str()),
            "the back-link returns to the citation of this note"
        );
        assert!(
            note.select(&Selector::parse("a[href^=\"https://\"], a[href^=\"http://\"]").unwrap())
                .next()
                .is_some(),
            "the note links to its source: {}",
            note.html()
        );
    }

    // The head: language, title, description, Open Graph and the schema.org Article.
    let html = select(&page, "html")[0];
    assert_eq!(html.value().attr("lang"), Some("en"));
    let h1 = text_of(&select(&page, "h1")[0]);
    let title = text_of(&select(&page, "head title")[0]);
    assert!(title.starts_with(&h1), "{title}");
    let description = meta(&page, "name", "description").expect("a meta description");
    assert!(description.contains("Kyrgyzstan"), "{description}");
    assert!(meta(&page, "name", "viewport").is_some());
    assert_eq!(
        meta(&page, "property", "og:type").as_deref(),
        Some("article")
    );
    assert_eq!(meta(&page, "property", "og:title"), Some(h1.clone()));
    assert_eq!(
        meta(&page, "property", "og:description"),
        Some(description.clone())
    );
    // No workspace: the built-in example's fictional agency, as for the PDF.
    assert_eq!(
        meta(&page, "property", "og:site_name").as_deref(),
        Some("Quillmere Country Evidence")
    );
    let ld = json_ld(&page);
    assert_eq!(ld["@type"], "Article");
    assert_eq!(ld["headline"], h1.as_str());
    assert_eq!(ld["description"], description.as_str());
    assert!(
        ld["datePublished"].as_str().is_some_and(|d| d.len() == 10),
        "{ld}"
    );
    assert_eq!(ld["publisher"]["name"], "Quillmere Country Evidence");
    assert_eq!(ld["author"]["name"], "Quillmere Country Evidence");

    // Self-contained, printable, and nothing runs.
    assert_eq!(select(&page, "script").len(), 1, "only the JSON-LD");
    assert!(select(&page, "link[rel=stylesheet]").is_empty());
    assert!(source.contains("@media print"));
    assert!(
        select(&page, "[src]")
            .iter()
            .all(|e| e.value().attr("src").unwrap().starts_with("data:")),
        "nothing is loaded from elsewhere"
    );
    let coverage = text_of(&select(&page, "section[aria-labelledby=\"coverage\"]")[0]);
    for part in ["East Africa", "Western Balkans", "Kyrgyzstan", "Eritrea"] {
        assert!(coverage.contains(part), "{part} in the coverage");
    }
}

/// A workspace made by `witness init`, with `[brand]` given `brand` (TOML lines).
fn workspace_with_brand(brand: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let output = run(witness().arg("init").arg(dir.path()));
    assert!(output.status.success(), "{}", stderr(&output));
    let config = dir.path().join("witness.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("[brand]\n"));
    std::fs::write(
        &config,
        text.replacen("[brand]\n", &format!("[brand]\n{brand}\n"), 1),
    )
    .unwrap();
    dir
}

#[test]
fn the_brand_gives_the_contacts_and_nothing_fictional_is_added() {
    // The fictional agency's details, none of which may appear for a partial brand.
    let fictional =
        std::fs::read_to_string(repo().join("report-templates/sample-report/sample.toml")).unwrap();
    let fictional: toml::Table = toml::from_str(&fictional).unwrap();
    let fictional: Vec<String> = ["name", "tagline", "website", "email", "phone"]
        .iter()
        .map(|key| fictional["brand"][*key].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fictional.len(), 5);

    let partial = workspace_with_brand("name = \"Marsh Country Reports\"");
    let path = sample_html(
        partial.path(),
        &["kyrgyzstan", "--out-dir", "out"],
        "out/sample-kyrgyzstan.html",
    );
    let (source, page) = parse(&path);
    let ordering = text_of(&select(&page, "section[aria-labelledby=\"how-to-order\"]")[0]);
    assert!(ordering.contains("Marsh Country Reports"), "{ordering}");
    for value in &fictional {
        assert!(
            !source.contains(value.as_str()),
            "{value:?} from the fictional agency"
        );
    }
    assert!(
        select(&page, "a[href^=\"mailto:\"], a[href^=\"tel:\"]").is_empty(),
        "no contact the brand does not give"
    );
    assert_eq!(json_ld(&page)["publisher"]["name"], "Marsh Country Reports");
    assert!(json_ld(&page)["publisher"].get("email").is_none());

    // A full brand: every contact, linked, and its colours and logo give the page its look.
    let full = workspace_with_brand(
        "name = \"Marsh Country Reports\"\nwebsite = \"marsh.example.net\"\n\
         email = \"orders@marsh.example.net\"\nphone = \"+44 161 496 0000\"\n\
         logo = \"logo.svg\"\ncolour = \"#0B5D4B\"\naccent = \"#8a2be2\"",
    );
    std::fs::write(
        full.path().join("logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\" fill=\"#0b5d4b\"/></svg>",
    )
    .unwrap();
    let path = sample_html(
        full.path(),
        &["kyrgyzstan", "--out-dir", "out"],
        "out/sample-kyrgyzstan.html",
    );
    let (source, page) = parse(&path);
    let ordering = select(&page, "section[aria-labelledby=\"how-to-order\"]")[0];
    let links: Vec<(String, String)> = ordering
        .select(&Selector::parse("a").unwrap())
        .map(|a| (a.value().attr("href").unwrap().to_string(), text_of(&a)))
        .collect();
    for wanted in [
        ("https://marsh.example.net", "marsh.example.net"),
        (
            "mailto:orders@marsh.example.net",
            "orders@marsh.example.net",
        ),
        ("tel:+441614960000", "+44 161 496 0000"),
    ] {
        assert!(
            links.contains(&(wanted.0.to_string(), wanted.1.to_string())),
            "{wanted:?} in {links:?}"
        );
    }
    assert!(source.contains("--brand: #0b5d4b"), "the brand's colour");
    assert!(source.contains("--accent: #8a2be2"), "the brand's accent");
    let logo = select(&page, "header img");
    assert_eq!(logo.len(), 1);
    assert!(
        logo[0]
            .value()
            .attr("src")
            .unwrap()
            .starts_with("data:image/svg+xml;base64,")
    );
    let ld = json_ld(&page);
    assert_eq!(ld["publisher"]["url"], "https://marsh.example.net");
    assert_eq!(ld["publisher"]["email"], "orders@marsh.example.net");
}

const LONG_NAME: &str = "Zhyldyzbek Abdymomunovich Temirbekov-Sarygulov";

/// The example case with a distinctive name, used inside the analysis the page shows.
fn personal_case(dir: &Path) -> PathBuf {
    let analysis = format!(
        "freedom-of-speech = \"\"\"\nI spoke to {LONG_NAME} twice. Zhyldyzbek described the raids; \
         TEMIRBEKOV-SARYGULOV said the summons came in 2024. Mr Sarygulov was born on 17 April 1991.\n"
    );
    example_variant(
        dir,
        &[
            (
                "name = \"Daniyar Temirbekov\"",
                &format!("name = \"{LONG_NAME}\""),
            ),
            ("freedom-of-speech = \"\"\"\n", &analysis),
        ],
    )
}

fn squeezed(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}'))
        .collect()
}

#[test]
fn a_sample_from_a_case_leaks_nothing_in_its_text_or_head() {
    let dir = tempfile::tempdir().unwrap();
    let case = personal_case(dir.path());
    let personal = [
        LONG_NAME,
        "Zhyldyzbek",
        "Sarygulov",
        "Temirbekov",
        "PA/05123/2026",
        "KGZ-2026-014",
        "Ms Priya Raman",
        "Raman",
        "NIL/PR/4471",
        "17 April 1991",
    ];
    // The case holds every one of them, so a page that let one through would show it.
    let case_text = squeezed(&std::fs::read_to_string(&case).unwrap());
    for value in personal {
        assert!(
            case_text.contains(&squeezed(value)),
            "the case holds {value}"
        );
    }
    let out = dir.path().join("samples");
    let output = run(witness()
        .arg("sample")
        .arg("--from")
        .arg(&case)
        .args(["--to", "html", "--out-dir"])
        .arg(&out));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        names_in(&out),
        ["sample-kyrgyzstan-anonymised.html"],
        "the page alone: no provenance for a sample from a case"
    );
    let (source, page) = parse(&out.join("sample-kyrgyzstan-anonymised.html"));
    let body = text_of(&select(&page, "body")[0]);
    let head = select(&page, "head")[0];
    let mut metadata = text_of(&head);
    for element in page.tree.nodes().filter_map(ElementRef::wrap) {
        for (_, value) in element.value().attrs() {
            metadata.push(' ');
            metadata.push_str(value);
        }
    }
    assert!(metadata.contains("Article"), "the JSON-LD is searched");
    for (place, text) in [("text", &body), ("head and attributes", &metadata)] {
        for value in personal {
            assert!(
                !squeezed(text).contains(&squeezed(value)),
                "the page's {place} leaks {value}"
            );
        }
    }
    assert!(
        !squeezed(&source).contains(&squeezed("Sarygulov")),
        "not in the source either"
    );
    // The anonymised analysis is on the page, under its section.
    let analysis = select(
        &page,
        "#topic-freedom-of-speech ~ .analysis, section .analysis",
    );
    assert!(!analysis.is_empty(), "the expert's analysis is shown");
    assert!(
        body.contains("I spoke to Mr A. twice"),
        "the pseudonym replaces the name"
    );
}

#[test]
fn a_leaking_template_is_refused_and_no_page_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let case = personal_case(dir.path());
    std::fs::write(
        dir.path().join("witness.toml"),
        "[folders]\ntemplates = \"templates\"\n",
    )
    .unwrap();
    let templates = dir.path().join("templates/sample-report");
    std::fs::create_dir_all(&templates).unwrap();
    let article =
        std::fs::read_to_string(repo().join("report-templates/sample-report/article.html.hbs"))
            .unwrap();
    let out = dir.path().join("samples");
    // Once in the head only (what a search engine reads), once in the visible text.
    for (leaky, place) in [
        (
            article.replacen(
                "<meta charset=\"utf-8\">",
                "<meta charset=\"utf-8\">\n<meta name=\"author\" content=\"Prepared for Temirbekov-Sarygulov\">",
                1,
            ),
            "metadata",
        ),
        (
            article.replacen(
                "</article>",
                "<p>Prepared for Temir<em>bekov-</em>\nSarygulov.</p></article>",
                1,
            ),
            "text",
        ),
    ] {
        assert_ne!(leaky, article, "the template was changed");
        std::fs::write(templates.join("article.html.hbs"), leaky).unwrap();
        let output = run(witness()
            .arg("sample")
            .arg("--from")
            .arg(&case)
            .args(["--to", "html", "--out-dir"])
            .arg(&out));
        assert_eq!(output.status.code(), Some(1));
        let message = stderr(&output);
        assert!(message.contains("leaked personal data"), "{message}");
        assert!(message.contains("applicant.name"), "names the field: {message}");
        assert!(
            message.contains(&format!("in the {place}")),
            "names the place, {place}: {message}"
        );
        let left: Vec<_> = std::fs::read_dir(&out)
            .map(|d| d.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "no file left: {left:?}");
    }
}

const HOSTILE: &str = "</script><script>alert(1)</script>\"><img src=x onerror=alert(2)>";

#[test]
fn hostile_text_in_a_brief_and_the_brand_is_text_never_markup() {
    let dir = workspace_with_brand(&format!(
        "name = '{HOSTILE}'\ntagline = '<b onmouseover=alert(3)>bold</b>'"
    ));
    let section = dir
        .path()
        .join("country-briefs/kyrgyzstan/freedom-of-speech.md");
    let text = std::fs::read_to_string(&section).unwrap();
    let hostile_markdown = format!(
        "\n\nHostile: <script>alert(4)</script> and {HOSTILE} and [a link](javascript:alert(5)) \
         and ![a picture](https://tracker.example.net/x.png).\n\n<div onclick=\"alert(6)\">block</div>\n"
    );
    std::fs::write(&section, format!("{text}{hostile_markdown}")).unwrap();
    let path = sample_html(
        dir.path(),
        &["kyrgyzstan", "--out-dir", "out"],
        "out/sample-kyrgyzstan.html",
    );
    let (_, page) = parse(&path);

    // Nothing became markup: one script (the JSON-LD), no handlers, no foreign image, no
    // script link.
    assert_eq!(select(&page, "script").len(), 1);
    let elements: Vec<ElementRef> = page.tree.nodes().filter_map(ElementRef::wrap).collect();
    assert!(elements.len() > 100);
    for element in &elements {
        for (name, value) in element.value().attrs() {
            assert!(
                !name.starts_with("on"),
                "{name}={value} on <{}>",
                element.value().name()
            );
            assert!(
                !value.trim_start().starts_with("javascript:"),
                "{name}={value}"
            );
        }
    }
    assert!(
        select(&page, "img")
            .iter()
            .all(|i| i.value().attr("src").unwrap().starts_with("data:"))
    );
    assert!(select(&page, "b, div[onclick]").is_empty());

    // All of it is there as the words written.
    let body = select(&page, "body")[0].text().collect::<String>();
    for words in [
        "<script>alert(4)</script>",
        HOSTILE,
        "<b onmouseover=alert(3)>bold</b>",
        "<div onclick=\"alert(6)\">block</div>",
    ] {
        assert!(body.contains(words), "{words:?} shown as text");
    }
    assert!(body.contains("a link"), "the link's words stay");
    let title = select(&page, "head title")[0].text().collect::<String>();
    assert!(title.ends_with(HOSTILE), "{title}");
    assert_eq!(
        meta(&page, "property", "og:site_name").as_deref(),
        Some(HOSTILE)
    );
    let ld = json_ld(&page);
    assert_eq!(ld["publisher"]["name"], HOSTILE);
}
