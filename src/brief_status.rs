//! The state of the country briefs a workspace can use: when each section was reviewed, which
//! are stale, and which sources each section cites (`witness briefs`).

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::Serialize;

use crate::citation;
use crate::diagnostic::Diagnostic;
use crate::load::briefs::Source;
use crate::load::workspace::Staleness;
use crate::load::{Brief, Catalogue, Workspace};

/// Every country against every topic: `witness briefs`.
#[derive(Debug, Serialize)]
pub struct Overview {
    /// The date staleness is judged on.
    pub as_of: NaiveDate,
    /// The catalogue's topics in report order, then any topics only briefs have.
    pub topics: Vec<TopicColumn>,
    /// One row per country brief the workspace can use, sorted by country id.
    pub countries: Vec<CountryRow>,
    /// Briefs that could not be read, each with why; they have no row of their own.
    pub broken: Vec<BrokenBrief>,
    /// The problems of the briefs that could not be read, for stderr.
    #[serde(skip)]
    pub errors: Vec<Diagnostic>,
}

/// A brief that could not be read: its id and each problem, `file:line: message`.
#[derive(Debug, Serialize)]
pub struct BrokenBrief {
    /// Country id: the brief's folder name.
    pub id: String,
    /// What is wrong, one entry per problem, in file order.
    pub problems: Vec<String>,
}

/// One topic column of the overview table.
#[derive(Debug, Serialize)]
pub struct TopicColumn {
    /// Topic id, as used for section file names and in case files.
    pub id: String,
    /// Human title of the topic; the id itself for a topic the catalogue does not list.
    pub title: String,
    /// False for a topic some brief has a section on but the catalogue does not list.
    pub in_catalogue: bool,
    /// Months after review that a section on this topic becomes stale.
    pub stale_after_months: u32,
}

/// One country row of the overview table: a brief and the review state of each of its sections.
#[derive(Debug, Serialize)]
pub struct CountryRow {
    /// Country id: the brief's folder name.
    pub id: String,
    /// Country name from brief.toml.
    pub name: String,
    /// Where the brief comes from: the workspace's folder, or built into witness.
    pub origin: Origin,
    /// The brief's folder, as shown to the user.
    pub folder: String,
    /// When the brief as a whole was last reviewed, from brief.toml.
    pub last_reviewed: NaiveDate,
    /// Who last reviewed the brief.
    pub reviewer: String,
    /// Whether the brief is example content that an expert must verify before use.
    pub illustrative: bool,
    /// By topic id; topics the brief has no section on are absent.
    pub sections: BTreeMap<String, Cell>,
}

/// Where a country brief was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// In the workspace's own briefs folder.
    Workspace,
    /// Built into the witness binary.
    BuiltIn,
}

/// The review state of one brief section, a cell of the overview table.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// When the section was last reviewed, from its front matter.
    pub reviewed: NaiveDate,
    /// Whether that review is older than the topic's staleness limit on the overview's date.
    pub stale: bool,
}

/// A problem on one line: `country-briefs/armenia/brief.toml:3: missing key `adjective``.
fn one_line(problem: &Diagnostic) -> String {
    let file = crate::diagnostic::display_path(&problem.file);
    match problem.line_column() {
        Some((line, _)) => format!("{file}:{line}: {}", problem.message),
        None => format!("{file}: {}", problem.message),
    }
}

/// Whether a section reviewed on `reviewed` is stale on `as_of`: reviewed more than `months`
/// months before it.
pub fn is_stale(reviewed: NaiveDate, months: u32, as_of: NaiveDate) -> bool {
    match reviewed.checked_add_months(Months::new(months)) {
        Some(limit) => limit < as_of,
        None => false,
    }
}

impl Overview {
    /// Reads the catalogue and every brief the workspace can use. A brief that cannot be read
    /// is recorded in `errors` and left out, so one broken brief does not hide the others.
    pub fn read(workspace: &Workspace, as_of: NaiveDate) -> Result<Self, Diagnostic> {
        let catalogue = Catalogue::read(&workspace.briefs)?;
        let staleness = &workspace.config.staleness;
        let (mut errors, mut broken) = (Vec::new(), Vec::new());
        let mut briefs = Vec::new();
        for id in workspace.briefs.folders() {
            match Brief::read(&workspace.briefs, &id) {
                Ok(Some(brief)) => briefs.push(brief),
                Ok(None) => {}
                Err(problems) => {
                    let problems = problems.in_file_order().0;
                    broken.push(BrokenBrief {
                        id: id.clone(),
                        problems: problems.iter().map(one_line).collect(),
                    });
                    errors.extend(problems);
                }
            }
        }

        let mut topics: Vec<TopicColumn> = catalogue
            .topics
            .iter()
            .map(|t| TopicColumn {
                id: t.id.clone(),
                title: t.title.clone(),
                in_catalogue: true,
                stale_after_months: staleness.months_for(&t.id),
            })
            .collect();
        let mut extra: Vec<String> = briefs
            .iter()
            .flat_map(|b| b.sections.iter().map(|s| s.topic.clone()))
            .filter(|t| catalogue.topic(t).is_none())
            .collect();
        extra.sort();
        extra.dedup();
        topics.extend(extra.into_iter().map(|id| TopicColumn {
            title: id.clone(),
            stale_after_months: staleness.months_for(&id),
            id,
            in_catalogue: false,
        }));

        let countries = briefs
            .iter()
            .map(|brief| CountryRow {
                id: brief.id.clone(),
                name: brief.info.name.clone(),
                origin: origin(brief),
                folder: brief.folder.display_path("").display().to_string(),
                last_reviewed: brief.info.last_reviewed.0,
                reviewer: brief.info.reviewer.clone(),
                illustrative: brief.info.illustrative,
                sections: brief
                    .sections
                    .iter()
                    .map(|s| {
                        let reviewed = s.info.reviewed.0;
                        let months = staleness.months_for(&s.topic);
                        let cell = Cell {
                            reviewed,
                            stale: is_stale(reviewed, months, as_of),
                        };
                        (s.topic.clone(), cell)
                    })
                    .collect(),
            })
            .collect();
        Ok(Self {
            as_of,
            topics,
            countries,
            broken,
            errors,
        })
    }

    /// How many sections, across all countries, are stale.
    pub fn stale_count(&self) -> usize {
        self.countries
            .iter()
            .flat_map(|c| c.sections.values())
            .filter(|cell| cell.stale)
            .count()
    }
}

fn origin(brief: &Brief) -> Origin {
    if brief.folder.is_builtin() {
        Origin::BuiltIn
    } else {
        Origin::Workspace
    }
}

/// One brief in full: `witness briefs show COUNTRY`.
#[derive(Debug, Serialize)]
pub struct Detail {
    /// Country id: the brief's folder name.
    pub id: String,
    /// Country name from brief.toml.
    pub name: String,
    /// Adjective for the country's nationals, such as "Kyrgyz".
    pub adjective: String,
    /// Region the country is grouped under, such as "Central Asia".
    pub region: String,
    /// One-paragraph summary of conditions in the country.
    pub summary: String,
    /// Where the brief was found: the workspace or built in.
    pub origin: Origin,
    /// The brief's folder, as shown to the user.
    pub folder: String,
    /// When the brief as a whole was last reviewed.
    pub last_reviewed: NaiveDate,
    /// Who last reviewed the brief.
    pub reviewer: String,
    /// Whether the brief is example content that an expert must verify before use.
    pub illustrative: bool,
    /// The date staleness is judged on.
    pub as_of: NaiveDate,
    /// The brief's sections, in the catalogue's topic order (unknown topics last).
    pub sections: Vec<SectionDetail>,
    /// Path of the brief's bibliography file.
    pub bibliography: String,
    /// Every source in the bibliography, with the topics that cite it.
    pub sources: Vec<SourceDetail>,
}

/// One section of a brief, for `witness briefs show`.
#[derive(Debug, Serialize)]
pub struct SectionDetail {
    /// Topic id of the section.
    pub topic: String,
    /// Title from the section's front matter.
    pub title: String,
    /// Path of the section's Markdown file.
    pub file: String,
    /// When the section was last reviewed.
    pub reviewed: NaiveDate,
    /// Whether the review is older than `stale_after_months` on the detail's date.
    pub stale: bool,
    /// Months after review that this topic's sections become stale.
    pub stale_after_months: u32,
    /// The source keys the section cites, in order of first citation.
    pub cites: Vec<String>,
    /// Keys cited that the bibliography lacks.
    pub missing: Vec<String>,
}

/// One bibliography source of a brief, with the sections citing it.
#[derive(Debug, Serialize)]
pub struct SourceDetail {
    /// The source as read from the bibliography.
    #[serde(flatten)]
    pub source: Source,
    /// The topics whose sections cite this source; empty for a source nothing cites.
    pub cited_by: Vec<String>,
}

impl Detail {
    /// The brief's details, its sections in the catalogue's order.
    pub fn new(
        brief: &Brief,
        catalogue: &Catalogue,
        staleness: &Staleness,
        as_of: NaiveDate,
    ) -> Self {
        let mut ordered: Vec<&crate::load::Section> = brief.sections.iter().collect();
        let rank = |topic: &str| {
            catalogue
                .topic_ids()
                .position(|id| id == topic)
                .unwrap_or(usize::MAX)
        };
        ordered.sort_by_key(|s| rank(&s.topic));
        let sections: Vec<SectionDetail> = ordered
            .into_iter()
            .map(|section| {
                let mut cites: Vec<String> = Vec::new();
                for group in citation::find_in_markdown(section.body()) {
                    for cite in group.cites {
                        if !cites.contains(&cite.key) {
                            cites.push(cite.key);
                        }
                    }
                }
                let missing = cites
                    .iter()
                    .filter(|k| brief.bibliography.get(k).is_none())
                    .cloned()
                    .collect();
                let months = staleness.months_for(&section.topic);
                SectionDetail {
                    topic: section.topic.clone(),
                    title: section.info.title.clone(),
                    file: section.path.display().to_string(),
                    reviewed: section.info.reviewed.0,
                    stale: is_stale(section.info.reviewed.0, months, as_of),
                    stale_after_months: months,
                    cites,
                    missing,
                }
            })
            .collect();
        let sources = brief
            .bibliography
            .sources
            .iter()
            .map(|source| SourceDetail {
                source: source.clone(),
                cited_by: sections
                    .iter()
                    .filter(|s| s.cites.contains(&source.key))
                    .map(|s| s.topic.clone())
                    .collect(),
            })
            .collect();
        Self {
            id: brief.id.clone(),
            name: brief.info.name.clone(),
            adjective: brief.info.adjective.clone(),
            region: brief.info.region.clone(),
            summary: brief.info.summary.clone(),
            origin: origin(brief),
            folder: brief.folder.display_path("").display().to_string(),
            last_reviewed: brief.info.last_reviewed.0,
            reviewer: brief.info.reviewer.clone(),
            illustrative: brief.info.illustrative,
            as_of,
            sections,
            bibliography: brief.bibliography.path.display().to_string(),
            sources,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_section_is_stale_only_after_its_limit() {
        let reviewed = date(2025, 11, 26);
        assert!(!is_stale(reviewed, 12, date(2026, 11, 26)));
        assert!(is_stale(reviewed, 12, date(2026, 11, 27)));
        assert!(is_stale(reviewed, 0, date(2025, 11, 27)));
    }

    #[test]
    fn the_built_in_briefs_are_listed_with_every_topic() {
        let overview = Overview::read(&Workspace::builtin_only(), date(2026, 11, 26)).unwrap();
        assert!(overview.errors.is_empty());
        let ids: Vec<&str> = overview.countries.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["kazakhstan", "kyrgyzstan", "uzbekistan"]);
        assert!(overview.topics.iter().all(|t| t.in_catalogue));
        assert_eq!(overview.stale_count(), 0);
        let kyrgyzstan = &overview.countries[1];
        assert_eq!(kyrgyzstan.origin, Origin::BuiltIn);
        assert!(kyrgyzstan.sections.contains_key("returnees"));
    }

    #[test]
    fn sources_know_which_sections_cite_them() {
        let briefs = Workspace::builtin_only().briefs;
        let brief = Brief::read(&briefs, "kyrgyzstan").unwrap().unwrap();
        let catalogue = Catalogue::read(&briefs).unwrap();
        let detail = Detail::new(
            &brief,
            &catalogue,
            &Staleness::default(),
            date(2026, 11, 26),
        );
        assert_eq!(detail.sections[0].topic, "history");
        let cpj = detail
            .sources
            .iter()
            .find(|s| s.source.key == "cpj-temirov-2024")
            .unwrap();
        assert!(cpj.cited_by.contains(&"freedom-of-speech".to_string()));
        assert!(detail.sections.iter().all(|s| s.missing.is_empty()));
    }
}
