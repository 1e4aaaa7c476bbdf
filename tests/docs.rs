//! The documentation matches the code: every diagnostic code witness can emit has its section
//! in docs/checks.md, and every code the documentation names is one witness emits. No typst,
//! no binary: this reads the source and the Markdown.
//!
//! A code is a letter `E` (error) or `W` (warning) and three digits. `Diagnostic::with_code`
//! takes a `&'static str`, so every code is written out in src/ as a string literal, either
//! at the rule (`.with_code("E101")`) or where one code becomes another (`check::staleness`
//! is told to downgrade `"E301"` to `"W301"`). The codes witness can emit are therefore the
//! literals of that shape in src/, outside comments and `#[cfg(test)]` modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `.rs` file below `folder`, sorted.
fn rust_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn is_code(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 4 && matches!(bytes[0], b'E' | b'W') && bytes[1..].iter().all(u8::is_ascii_digit)
}

/// The codes in running text: `E101`, `W301`, not inside a longer word such as `XE1012`.
fn codes_in_text(text: &str) -> BTreeSet<String> {
    let chars: Vec<char> = text.chars().collect();
    let word = |i: usize| {
        chars
            .get(i)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_')
    };
    (0..chars.len().saturating_sub(3))
        .filter(|&i| (i == 0 || !word(i - 1)) && !word(i + 4))
        .map(|i| chars[i..i + 4].iter().collect::<String>())
        .filter(|candidate| is_code(candidate))
        .collect()
}

/// What the scanner needs of Rust source: string literals, braces, semicolons, and the
/// `#[cfg(test)]` attribute.
#[derive(Debug, PartialEq)]
enum Token {
    Str(String),
    Open,
    Close,
    Semi,
    CfgTest,
}

/// A small lexer, enough for this crate's source: comments (nested block comments
/// included) are skipped, string literals (plain, raw, byte) collected whole, and char
/// literals told from lifetimes so that `'"'` does not start a string.
fn tokens(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let at = |i: usize| chars.get(i).copied();
    let starts = |i: usize, s: &str| s.chars().enumerate().all(|(k, c)| at(i + k) == Some(c));
    let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if starts(i, "//") {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if starts(i, "/*") {
            let mut depth = 0;
            while i < chars.len() {
                if starts(i, "/*") {
                    depth += 1;
                    i += 2;
                } else if starts(i, "*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if starts(i, "#[cfg(test)]") {
            out.push(Token::CfgTest);
            i += "#[cfg(test)]".len();
        } else if (c == 'r' || starts(i, "br")) && !ident(i.checked_sub(1).and_then(at)) && {
            let mut j = i + if c == 'r' { 1 } else { 2 };
            while at(j) == Some('#') {
                j += 1;
            }
            at(j) == Some('"')
        } {
            // A raw string: r"…", r#"…"#, br"…".
            let mut j = i + if c == 'r' { 1 } else { 2 };
            let mut hashes = 0;
            while at(j) == Some('#') {
                hashes += 1;
                j += 1;
            }
            let start = j + 1;
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let mut end = start;
            while end < chars.len() && !starts(end, &close) {
                end += 1;
            }
            out.push(Token::Str(chars[start..end].iter().collect()));
            i = end + close.chars().count();
        } else if c == '"' {
            let start = i + 1;
            let mut end = start;
            while end < chars.len() && chars[end] != '"' {
                end += if chars[end] == '\\' { 2 } else { 1 };
            }
            out.push(Token::Str(
                chars[start..end.min(chars.len())].iter().collect(),
            ));
            i = end + 1;
        } else if c == '\'' {
            if at(i + 1) == Some('\\') {
                // '\n', '\'', '\u{…}'
                i += 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == Some('\'') {
                i += 3;
            } else {
                // A lifetime or a label.
                i += 1;
            }
        } else {
            match c {
                '{' => out.push(Token::Open),
                '}' => out.push(Token::Close),
                ';' => out.push(Token::Semi),
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// The string literals of `source` outside items marked `#[cfg(test)]`.
fn literals_outside_tests(source: &str) -> Vec<String> {
    let mut literals = Vec::new();
    let mut tokens = tokens(source).into_iter();
    while let Some(token) = tokens.next() {
        match token {
            Token::Str(text) => literals.push(text),
            // Skip the item the attribute is on: up to its closing brace, or its semicolon.
            Token::CfgTest => {
                let mut depth = 0i32;
                for token in tokens.by_ref() {
                    match token {
                        Token::Open => depth += 1,
                        Token::Close => {
                            depth -= 1;
                            if depth <= 0 {
                                break;
                            }
                        }
                        Token::Semi if depth == 0 => break,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    literals
}

/// Each code-shaped literal in src/ outside tests, with the files it is written in.
fn codes_in_source() -> BTreeMap<String, BTreeSet<String>> {
    let root = repo();
    let mut codes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&root.join("src")) {
        let name = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for literal in literals_outside_tests(&read(&file)) {
            if is_code(&literal) {
                codes.entry(literal).or_default().insert(name.clone());
            }
        }
    }
    codes
}

/// The codes witness can emit.
fn emitted() -> BTreeSet<String> {
    codes_in_source().into_keys().collect()
}

/// The lines of a Markdown file outside fenced code blocks.
fn prose_lines(markdown: &str) -> Vec<&str> {
    let mut fenced = false;
    markdown
        .lines()
        .filter(|line| {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
                return false;
            }
            !fenced
        })
        .collect()
}

/// The headings of a Markdown file, without their `#`s.
fn headings(markdown: &str) -> Vec<&str> {
    prose_lines(markdown)
        .into_iter()
        .filter(|line| line.starts_with('#'))
        .map(|line| line.trim_start_matches('#').trim())
        .collect()
}

/// A heading's anchor as GitHub makes it: lower case, spaces to hyphens, other punctuation
/// but `-` and `_` dropped.
fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// A code has its section in checks.md when a heading names it, as `## E101 Unknown topic`
/// or `## E301 / W301 Section not reviewed recently` do.
fn codes_with_a_section(checks: &str) -> BTreeSet<String> {
    headings(checks)
        .into_iter()
        .flat_map(codes_in_text)
        .collect()
}

fn checks_md() -> String {
    read(&repo().join("docs/checks.md"))
}

fn list(codes: &BTreeSet<String>) -> String {
    codes.iter().cloned().collect::<Vec<_>>().join(", ")
}

#[test]
fn every_code_the_code_emits_has_its_section_in_checks_md() {
    let emitted = emitted();
    assert!(
        emitted.len() >= 25 && emitted.contains("E001") && emitted.contains("W301"),
        "the scan of src/ found too few codes to be right: {}",
        list(&emitted)
    );
    let documented = codes_with_a_section(&checks_md());
    let missing: BTreeSet<String> = emitted.difference(&documented).cloned().collect();
    let sources = codes_in_source();
    assert!(
        missing.is_empty(),
        "codes emitted in src/ with no section (a heading naming them) in docs/checks.md: {}",
        missing
            .iter()
            .map(|code| format!("{code} ({})", list(&sources[code])))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

#[test]
fn every_code_checks_md_names_is_emitted_in_src() {
    let emitted = emitted();
    let checks = checks_md();
    let named = codes_in_text(&checks);
    let unknown: BTreeSet<String> = named.difference(&emitted).cloned().collect();
    assert!(
        unknown.is_empty(),
        "codes named in docs/checks.md that nothing in src/ emits: {}",
        list(&unknown)
    );
}

#[test]
fn the_other_docs_name_only_codes_witness_emits() {
    let emitted = emitted();
    let root = repo();
    let mut files = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        // checks.md has its own test above.
        if path.extension().is_some_and(|e| e == "md") && !path.ends_with("checks.md") {
            files.push(path);
        }
    }
    let mut unknown = Vec::new();
    for file in files {
        for code in codes_in_text(&read(&file)).difference(&emitted) {
            unknown.push(format!(
                "{code} in {}",
                file.strip_prefix(&root).unwrap().display()
            ));
        }
    }
    assert!(
        unknown.is_empty(),
        "codes the docs name that nothing in src/ emits: {}",
        unknown.join(", ")
    );
}

#[test]
fn the_summary_table_lists_every_section_and_its_links_resolve() {
    let checks = checks_md();
    let lines = prose_lines(&checks);
    let summary: Vec<&str> = lines
        .iter()
        .skip_while(|line| line.trim() != "## Summary")
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
        .filter(|line| line.starts_with('|'))
        .copied()
        .collect();
    let in_table: BTreeSet<String> = summary.iter().flat_map(|l| codes_in_text(l)).collect();
    let sectioned = codes_with_a_section(&checks);
    assert_eq!(
        list(&in_table),
        list(&sectioned),
        "the Summary table of docs/checks.md and its sections name different codes"
    );

    // Every `](#anchor)` in checks.md, and every `checks.md#anchor` elsewhere in docs/, names
    // a heading of checks.md.
    let anchors: BTreeSet<String> = headings(&checks).into_iter().map(anchor).collect();
    let mut links: Vec<(String, String)> = Vec::new();
    let mut collect = |file: &str, text: &str, marker: &str| {
        for (at, _) in text.match_indices(marker) {
            // A link shown as code (`[words](#topic)`, in the brief rules) is an example,
            // not a link: an odd number of backticks before it on its line opens a code span.
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            if text[line_start..at].matches('`').count() % 2 == 1 {
                continue;
            }
            let rest = &text[at + marker.len()..];
            let end = rest.find(')').unwrap_or(rest.len());
            links.push((file.to_string(), rest[..end].to_string()));
        }
    };
    collect("docs/checks.md", &checks, "](#");
    for entry in std::fs::read_dir(repo().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let name = format!("docs/{}", path.file_name().unwrap().to_string_lossy());
            collect(&name, &read(&path), "](checks.md#");
        }
    }
    let broken: Vec<String> = links
        .into_iter()
        .filter(|(_, target)| !anchors.contains(target))
        .map(|(file, target)| format!("#{target} in {file}"))
        .collect();
    assert!(
        broken.is_empty(),
        "links to headings docs/checks.md does not have: {}",
        broken.join(", ")
    );
}

#[test]
fn the_scanner_reads_literals_not_comments_or_tests() {
    let source = r####"
        // "E900" in a comment
        /* "E901" /* nested "E902" */ still a comment "E903" */
        fn rule() { found.push(d.with_code("E101")); let c = '"'; let l: &'static str = "W118"; }
        const RAW: &str = r#"E102"#;
        #[cfg(test)]
        mod tests {
            fn t() { assert_eq!(code, "E904"); let s = "}"; }
        }
        fn after() { Some("E301") => "W301" }
    "####;
    let codes: Vec<String> = literals_outside_tests(source)
        .into_iter()
        .filter(|l| is_code(l))
        .collect();
    assert_eq!(codes, ["E101", "W118", "E102", "E301", "W301"]);
    assert_eq!(
        codes_in_text("E110–E117, `W401`, XE1012, E12, ## E301 / W301"),
        BTreeSet::from(["E110", "E117", "W401", "E301", "W301"].map(String::from))
    );
    assert_eq!(
        anchor("E301 / W301 Section not reviewed recently"),
        "e301--w301-section-not-reviewed-recently"
    );
    assert_eq!(anchor("`--format text|json`"), "--format-textjson");
}
