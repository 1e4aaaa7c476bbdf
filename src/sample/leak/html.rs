//! An HTML page's searchable text, as a browser and a search engine read it: the visible
//! text of the body, and as metadata the head (title, meta tags, Open Graph, the JSON-LD and
//! the strings inside it), every attribute and every comment. The page is parsed by
//! html5ever (through scraper), so entities are decoded as a browser decodes them.

use scraper::{Html, Node};

use super::Place;

/// Elements whose text a reader does not see on the page; it is searched as metadata.
const UNSEEN: [&str; 6] = ["head", "title", "script", "style", "template", "noscript"];

/// The page's visible text and its metadata, as places to search. The visible text is given
/// twice: with the text of neighbouring elements run together (`Temir<em>bekov</em>` is one
/// word, as a reader sees it) and with a space between them (a heading's last word and the
/// next paragraph's first are two).
pub(super) fn places(source: &str) -> Vec<Place> {
    let document = Html::parse_document(source);
    let mut joined = String::new();
    let mut spaced = String::new();
    let mut metadata = String::new();
    for node in document.tree.root().descendants() {
        match node.value() {
            Node::Text(text) => {
                let unseen = node.ancestors().any(|a| {
                    a.value()
                        .as_element()
                        .is_some_and(|e| UNSEEN.contains(&e.name()))
                });
                if !unseen {
                    joined.push_str(text);
                    spaced.push_str(text);
                    spaced.push(' ');
                    continue;
                }
                metadata.push_str(text);
                metadata.push('\n');
                let is_json_ld = node
                    .parent()
                    .and_then(|p| p.value().as_element())
                    .is_some_and(|e| {
                        e.name() == "script" && e.attr("type") == Some("application/ld+json")
                    });
                // Its strings as JSON decodes them, so an escape (`\u0041`) hides nothing.
                if is_json_ld && let Ok(json) = serde_json::from_str(text) {
                    push_strings(&json, &mut metadata);
                }
            }
            Node::Comment(comment) => {
                metadata.push_str(comment);
                metadata.push('\n');
            }
            Node::Element(element) => {
                for (_, value) in element.attrs() {
                    // An inlined image is bytes, not words: like text inside a PDF's images,
                    // it is not searched (and its base64 would only raise false alarms).
                    if value.trim_start().starts_with("data:") {
                        continue;
                    }
                    metadata.push_str(value);
                    metadata.push('\n');
                }
            }
            _ => {}
        }
    }
    vec![("text", joined), ("text", spaced), ("metadata", metadata)]
}

/// Every string in `json`, keys and values, one a line.
fn push_strings(json: &serde_json::Value, out: &mut String) {
    match json {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| push_strings(v, out)),
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                out.push_str(key);
                out.push('\n');
                push_strings(value, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(places: &[Place], name: &str) -> String {
        places
            .iter()
            .filter(|(p, _)| *p == name)
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("|")
    }

    #[test]
    fn visible_text_and_metadata_are_told_apart() {
        let page = r#"<!doctype html><html><head><title>T&#101;mir</title>
            <meta name="description" content="About Alimov">
            <script type="application/ld+json">{"headline":"Sary\u0067ulov"}</script></head>
            <body><h1>Temir<em>bekov</em></h1><p>Said</p><!-- Osmonov -->
            <img alt="Photo of Bakirov" src="data:image/png;base64,QUJD"></body></html>"#;
        let places = places(page);
        let text = place(&places, "text");
        let metadata = place(&places, "metadata");
        assert!(text.contains("Temirbekov"), "{text}");
        assert!(
            text.contains("bekov Said"),
            "neighbouring blocks apart: {text}"
        );
        for hidden in ["Temir", "Alimov", "Sarygulov", "Osmonov", "Bakirov"] {
            assert!(metadata.contains(hidden), "{hidden} in {metadata}");
        }
        assert!(
            !metadata.contains("QUJD"),
            "inlined images are not searched"
        );
        assert!(!text.contains("Alimov"));
    }
}
