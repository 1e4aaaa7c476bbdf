//! Country briefs: reusable, sourced country-condition sections, and the catalogue that ties
//! topics to applicant profiles.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;

use super::toml_file::{self, Date};
use super::tree::{Layers, SourceText, Tree};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// Name of the catalogue file at the top of a briefs folder.
pub const CATALOGUE_FILE: &str = "catalogue.toml";

/// catalogue.toml: the topics a brief may cover and which profiles call for which topics.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// Topics included for every applicant when a case does not list its own.
    #[serde(default)]
    pub always: Vec<String>,
    /// Every known topic, in the order reports present them.
    pub topics: Vec<TopicInfo>,
    /// Topics presented as the report's background rather than as country conditions.
    #[serde(default)]
    pub background: Vec<String>,
    /// Profile tag to the topics it calls for.
    #[serde(default)]
    pub profiles: BTreeMap<String, Vec<String>>,
    /// Where the catalogue was read from; set after parsing.
    #[serde(skip)]
    pub path: PathBuf,
    /// The catalogue's text, for locating errors in it; set after parsing.
    #[serde(skip)]
    pub text: Option<Arc<str>>,
}

/// One `[[topics]]` entry of the catalogue: a topic a brief may have a section on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicInfo {
    /// Topic id; a brief's section on it is the file `ID.md`.
    pub id: String,
    /// Heading the report gives the topic.
    pub title: String,
    /// What the topic covers, for authors choosing topics.
    #[serde(default)]
    pub description: String,
}

impl Catalogue {
    /// Reads and checks catalogue.toml from the first briefs layer that has one: no topic twice, and every topic named in `always`, `background` and `profiles` listed.
    pub fn read(briefs: &Layers) -> Result<Self, Diagnostic> {
        let Some(source) = briefs.read_text(CATALOGUE_FILE)? else {
            return Err(Diagnostic::error(
                CATALOGUE_FILE,
                "the briefs folder has no catalogue.toml",
            )
            .with_help("copy country-briefs/catalogue.toml from witness into your briefs folder"));
        };
        let mut catalogue: Catalogue = toml_file::parse(&source.path, &source.text)?;
        catalogue.path = source.path;
        catalogue.text = Some(source.text);
        for (i, topic) in catalogue.topics.iter().enumerate() {
            if catalogue.topics[..i].iter().any(|t| t.id == topic.id) {
                return Err(catalogue.error_at(
                    &format!("topics[{i}].id"),
                    format!("topic `{}` is listed twice", topic.id),
                ));
            }
        }
        let mapped = catalogue
            .background
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("background[{i}]"), t))
            .chain(
                catalogue
                    .always
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (format!("always[{i}]"), t)),
            );
        let profiled = catalogue.profiles.iter().flat_map(|(tag, topics)| {
            topics
                .iter()
                .enumerate()
                .map(move |(i, t)| (format!("profiles.{tag}[{i}]"), t))
        });
        for (field, topic) in mapped.chain(profiled) {
            if catalogue.topic(topic).is_none() {
                return Err(catalogue.error_at(&field, format!("unknown topic `{topic}`")));
            }
        }
        Ok(catalogue)
    }

    /// The catalogue's entry for topic `id`, if it lists one.
    pub fn topic(&self, id: &str) -> Option<&TopicInfo> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// Every topic id, in report order.
    pub fn topic_ids(&self) -> impl Iterator<Item = &str> {
        self.topics.iter().map(|t| t.id.as_str())
    }

    /// Topics for a profile: the `always` topics plus those its tags call for, in catalogue order.
    /// Tags the catalogue does not map add no topics.
    pub fn topics_for_profile(&self, tags: &[String]) -> Vec<String> {
        let wanted: Vec<&String> = self
            .always
            .iter()
            .chain(
                tags.iter()
                    .filter_map(|tag| self.profiles.get(tag))
                    .flatten(),
            )
            .collect();
        self.topic_ids()
            .filter(|id| wanted.iter().any(|w| w.as_str() == *id))
            .map(str::to_string)
            .collect()
    }

    fn error_at(&self, field: &str, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(&self.path, message).with_field(field);
        match &self.text {
            Some(text) => d.at(text.clone(), toml_file::locate(text, field)),
            None => d,
        }
    }
}

/// brief.toml: what a country brief is about and who last reviewed it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefInfo {
    /// The country's name, such as "Kyrgyzstan".
    pub name: String,
    /// Adjective for the country's nationals, such as "Kyrgyz"; a sample applicant's nationality.
    pub adjective: String,
    /// Region the country is grouped under, such as "Central Asia".
    pub region: String,
    /// One-paragraph summary of conditions in the country.
    pub summary: String,
    /// When the brief as a whole was last reviewed.
    pub last_reviewed: Date,
    /// Who last reviewed the brief.
    pub reviewer: String,
    /// Example content that an expert must verify before use; the report says so.
    #[serde(default)]
    pub illustrative: bool,
    /// The note the report prints after "Illustrative content." when the brief is illustrative.
    pub illustrative_note: Option<String>,
}

/// The front matter of a topic section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionInfo {
    /// The section's heading.
    pub title: String,
    /// When the section was last reviewed; its staleness is judged from this date.
    pub reviewed: Date,
}

/// One topic of one country's brief.
#[derive(Debug, Clone)]
pub struct Section {
    /// Topic id, from the section's file name.
    pub topic: String,
    /// The section's front matter.
    pub info: SectionInfo,
    /// Where the section file is.
    pub path: PathBuf,
    /// The whole file's text, front matter included, so positions in diagnostics are the file's.
    pub text: Arc<str>,
    /// Byte offset where the Markdown body starts, after the front matter.
    pub body_start: usize,
}

impl Section {
    /// The section's Markdown body, after the front matter.
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    fn parse(topic: &str, source: SourceText) -> Result<Self, Diagnostic> {
        let (front, body_start) = split_front_matter(&source.text).ok_or_else(|| {
            Diagnostic::error(&source.path, "the section has no front matter")
                .at(source.text.clone(), Some(0..0))
                .with_help("start the file with +++, then title = \"...\" and reviewed = 2026-01-31, then +++")
        })?;
        // Parse the front matter in place, blanked around, so positions are those of the file.
        let masked: Arc<str> = Arc::from(mask_outside(&source.text, front.clone()));
        let info: SectionInfo = toml_file::parse(&source.path, &masked)
            .map_err(|d| d.with_source(source.text.clone()))?;
        Ok(Self {
            topic: topic.to_string(),
            info,
            path: source.path,
            text: source.text,
            body_start,
        })
    }
}

/// The byte range of the TOML between `+++` fences and where the body starts.
fn split_front_matter(text: &str) -> Option<(std::ops::Range<usize>, usize)> {
    let text_start = text.strip_prefix('\u{feff}').map_or(0, |_| 3);
    let rest = &text[text_start..];
    let first_line_end = rest.find('\n')?;
    if rest[..first_line_end].trim_end() != "+++" {
        return None;
    }
    let front_start = text_start + first_line_end + 1;
    let mut offset = front_start;
    for line in text[front_start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some((front_start..offset, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

/// `text` with every byte outside `keep` turned into a space (newlines stay), keeping offsets.
fn mask_outside(text: &str, keep: std::ops::Range<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if keep.contains(&i) || c == '\n' {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    out
}

/// One source in a brief's bibliography, reduced to what witness checks and shows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Source {
    /// The entry's citation key, as cited with `[@key]`.
    pub key: String,
    /// The entry's title.
    pub title: Option<String>,
    /// Publisher, else organisation, else first author.
    pub publisher: Option<String>,
    /// Whether the entry names an author (the note style's in-text name); without one an
    /// in-text citation names the publisher.
    pub has_author: bool,
    /// Publication date as written in the bibliography.
    pub published: Option<String>,
    /// The entry's URL.
    pub url: Option<String>,
    /// The date the URL was visited, where the bibliography gives one.
    pub accessed: Option<String>,
    /// Whether the entry is a web page (Hayagriva `web`, BibLaTeX `online`), which always
    /// carries a full date, as opposed to a report or a book.
    pub web: bool,
}

/// A brief's bibliography file, as Typst will read it.
#[derive(Debug, Clone)]
pub struct Bibliography {
    /// The file's name: `sources.yml`, `sources.yaml` or `sources.bib`.
    pub file_name: String,
    /// Where the file is.
    pub path: PathBuf,
    /// The file's text.
    pub text: Arc<str>,
    /// Every entry of the bibliography, in file order.
    pub sources: Vec<Source>,
}

impl Bibliography {
    /// The source with citation key `key`, if the bibliography has one.
    pub fn get(&self, key: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.key == key)
    }

    /// The bibliography in `source`, a file called `file_name` (`.bib` is BibLaTeX, anything
    /// else Hayagriva YAML).
    pub fn parse(file_name: &str, source: SourceText) -> Result<Self, Diagnostic> {
        let library = if file_name.ends_with(".bib") {
            hayagriva::io::from_biblatex_str(&source.text).map_err(|errors| {
                let first = errors.into_iter().next();
                let span = match &first {
                    Some(hayagriva::io::BibLaTeXError::Parse(e)) => Some(e.span.clone()),
                    Some(hayagriva::io::BibLaTeXError::Type(e)) => Some(e.span.clone()),
                    None => None,
                };
                let message = first.map_or(String::new(), |e| e.to_string());
                Diagnostic::error(&source.path, format!("invalid BibLaTeX: {message}"))
                    .at(source.text.clone(), span)
            })?
        } else {
            hayagriva::io::from_yaml_str(&source.text).map_err(|error| {
                let span = error.location().map(|l| l.index()..l.index());
                Diagnostic::error(
                    &source.path,
                    format!("invalid Hayagriva YAML bibliography: {error}"),
                )
                .at(source.text.clone(), span)
                .with_help("see https://github.com/typst/hayagriva/blob/main/docs/file-format.md")
            })?
        };
        let sources = library.iter().map(Source::from_entry).collect();
        Ok(Self {
            file_name: file_name.to_string(),
            path: source.path,
            text: source.text,
            sources,
        })
    }
}

impl Source {
    fn from_entry(entry: &hayagriva::Entry) -> Self {
        let publisher = entry
            .publisher()
            .and_then(|p| p.name())
            .map(|n| n.to_string())
            .or_else(|| entry.organization().map(|o| o.to_string()))
            .or_else(|| {
                entry
                    .authors()
                    .and_then(|a| a.first())
                    .map(|p| p.name.clone())
            });
        let url = entry.url_any();
        Self {
            key: entry.key().to_string(),
            title: entry.title().map(|t| t.to_string()),
            publisher,
            has_author: entry.authors().is_some_and(|a| !a.is_empty()),
            published: entry.date_any().map(|d| d.to_string()),
            url: url.map(|u| u.value.to_string()),
            accessed: url
                .and_then(|u| u.visit_date.as_ref())
                .map(|d| d.to_string()),
            web: entry.entry_type() == &hayagriva::types::EntryType::Web,
        }
    }
}

/// One country's brief: its description, sections by topic, and bibliography.
#[derive(Debug, Clone)]
pub struct Brief {
    /// Country id: the brief's folder name, as named in a case's `report.country`.
    pub id: String,
    /// The contents of brief.toml.
    pub info: BriefInfo,
    /// Where brief.toml is.
    pub info_path: PathBuf,
    /// The brief's folder, in whichever layer it was found.
    pub folder: Tree,
    /// One section per Markdown file of the folder (README excepted), sorted by file name.
    pub sections: Vec<Section>,
    /// The brief's sources.yml or sources.bib.
    pub bibliography: Bibliography,
    /// Its country guidance decisions and CPINs (authorities.toml), if it lists any.
    pub authorities: super::authorities::Authorities,
}

impl Brief {
    /// Reads the brief `id` from the first layer that has it.
    pub fn read(briefs: &Layers, id: &str) -> Result<Option<Self>, Diagnostics> {
        let Some(folder) = briefs.child(id) else {
            return Ok(None);
        };
        let info_source = folder.read_text("brief.toml")?.ok_or_else(|| {
            Diagnostic::error(
                folder.display_path("brief.toml"),
                "the brief has no brief.toml",
            )
        })?;
        // Every missing or mistyped key of brief.toml in one run: a new brief lacks several.
        let parsed = toml_file::parse_all::<BriefInfo>(&info_source.path, &info_source.text);
        let Some(info) = parsed.value.filter(|_| parsed.problems.is_empty()) else {
            return Err(Diagnostics(parsed.problems));
        };

        let bib_name = ["sources.yml", "sources.yaml", "sources.bib"]
            .into_iter()
            .find(|name| folder.exists(name))
            .ok_or_else(|| {
                Diagnostic::error(
                    folder.display_path("sources.yml"),
                    "the brief has no bibliography",
                )
                .with_help(
                    "add sources.yml (Hayagriva) or sources.bib (BibLaTeX) to the brief's folder",
                )
            })?;
        let bib_source = folder.read_text(bib_name)?.expect("bibliography exists");
        let bibliography = Bibliography::parse(bib_name, bib_source)?;

        let mut sections = Vec::new();
        for file in folder.files() {
            let Some(topic) = file.strip_suffix(".md") else {
                continue;
            };
            if topic.eq_ignore_ascii_case("readme") {
                continue;
            }
            let source = folder.read_text(&file)?.expect("listed file exists");
            sections.push(Section::parse(topic, source)?);
        }
        let authorities = super::authorities::Authorities::read(&folder)?;
        Ok(Some(Self {
            id: id.to_string(),
            info,
            info_path: info_source.path,
            folder,
            sections,
            bibliography,
            authorities,
        }))
    }

    /// The brief's section on `topic`, if it has one.
    pub fn section(&self, topic: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.topic == topic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        let text = r#"
always = ["history"]
[[topics]]
id = "history"
title = "History"
[[topics]]
id = "freedom-of-speech"
title = "Speech"
[[topics]]
id = "surveillance"
title = "Surveillance"
[[topics]]
id = "minorities"
title = "Minorities"
[profiles]
journalist = ["surveillance", "freedom-of-speech"]
lgbt = ["minorities", "surveillance"]
"#;
        toml_file::parse(std::path::Path::new("catalogue.toml"), &Arc::from(text)).unwrap()
    }

    #[test]
    fn profile_tags_choose_topics_in_catalogue_order_without_repeats() {
        let catalogue = catalogue();
        let topics = |tags: &[&str]| {
            catalogue.topics_for_profile(&tags.iter().map(|t| t.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(
            topics(&["journalist"]),
            ["history", "freedom-of-speech", "surveillance"]
        );
        assert_eq!(
            topics(&["lgbt", "journalist"]),
            ["history", "freedom-of-speech", "surveillance", "minorities"]
        );
        assert_eq!(topics(&["unknown-tag"]), ["history"]);
    }

    #[test]
    fn the_built_in_catalogue_and_briefs_load() {
        let briefs = crate::load::Workspace::builtin_only().briefs;
        let catalogue = Catalogue::read(&briefs).unwrap();
        for country in ["kyrgyzstan", "kazakhstan", "uzbekistan"] {
            let brief = Brief::read(&briefs, country).unwrap().unwrap();
            for topic in [
                "history",
                "freedom-of-speech",
                "assembly",
                "civil-society",
                "surveillance",
                "opposition",
                "minorities",
            ] {
                let section = brief
                    .section(topic)
                    .unwrap_or_else(|| panic!("{country} has {topic}"));
                assert!(catalogue.topic(topic).is_some());
                for group in crate::citation::find_in_markdown(section.body()) {
                    for cite in group.cites {
                        assert!(
                            brief.bibliography.get(&cite.key).is_some(),
                            "{country}/{topic}: @{}",
                            cite.key
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn front_matter_is_split_from_the_body() {
        let text = "+++\ntitle = \"T\"\nreviewed = 2026-01-01\n+++\nBody.\n";
        let (front, body) = split_front_matter(text).unwrap();
        assert_eq!(&text[front], "title = \"T\"\nreviewed = 2026-01-01\n");
        assert_eq!(&text[body..], "Body.\n");
    }

    #[test]
    fn front_matter_errors_point_into_the_file() {
        let text = "+++\ntitle = \"T\"\nreviewd = 2026-01-01\n+++\nBody [@x].\n";
        let source = SourceText {
            path: PathBuf::from("history.md"),
            text: Arc::from(text),
        };
        let d = Section::parse("history", source).unwrap_err();
        assert_eq!(d.line_column(), Some((3, 1)), "{d}");
        assert!(d.help.as_deref().unwrap().contains("reviewed"));
    }
}
