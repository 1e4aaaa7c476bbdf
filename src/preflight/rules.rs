//! The forum's rules held against a [`Measurement`]: the paper, the smallest text, the body's
//! line spacing. What was measured goes into the [`Report`] whatever the rules, so that a PDF
//! under a forum without rules is still described.

use serde::Serialize;

use super::measure::{Found, Measurement, Smallest, find_in, key};
use crate::load::Profile;

/// How much smaller than the minimum a size may be and still meet it, in pt: typst's 0.85em
/// of 11 pt is 9.35 pt, and a size written to the PDF may be off in its last digits.
pub const SIZE_TOLERANCE: f64 = 0.05;
/// How much closer than required the body's lines may be, as a share of the requirement.
pub const SPACING_TOLERANCE: f64 = 0.02;
/// How far a page may be from the paper's size, in pt, either way (half a point is 0.18 mm).
pub const PAPER_TOLERANCE: f64 = 0.5;
/// Pairs of consecutive body lines needed before the line spacing is judged: fewer are too
/// few to tell a paragraph's spacing from a list's or a table's.
pub const MIN_SPACING_SAMPLES: usize = 10;

/// A paper size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paper {
    /// As people write it: "A4", "US Letter".
    pub name: String,
    /// Width in pt, portrait.
    pub width: f64,
    /// Height in pt, portrait.
    pub height: f64,
}

/// The paper sizes a profile may name, by their typst names, with their sizes in pt.
const PAPERS: &[(&str, &str, f64, f64)] = &[
    ("a4", "A4", 595.276, 841.89),
    ("a5", "A5", 419.528, 595.276),
    ("us-letter", "US Letter", 612.0, 792.0),
    ("us-legal", "US Legal", 612.0, 1008.0),
];

impl Paper {
    /// The paper typst calls `name` (`a4`, `us-letter`, …), if witness knows its size.
    pub fn named(name: &str) -> Option<Paper> {
        PAPERS
            .iter()
            .find(|p| p.0 == name)
            .map(|&(_, name, width, height)| Paper {
                name: name.to_string(),
                width,
                height,
            })
    }

    /// Whether a page `width` × `height` pt is this paper, upright or turned.
    pub fn fits(&self, width: f64, height: f64) -> bool {
        let near = |a: f64, b: f64| (a - b).abs() <= PAPER_TOLERANCE;
        (near(width, self.width) && near(height, self.height))
            || (near(width, self.height) && near(height, self.width))
    }

    /// The known paper a page `width` × `height` pt is, if any.
    pub fn of(width: f64, height: f64) -> Option<Paper> {
        PAPERS
            .iter()
            .filter_map(|p| Paper::named(p.0))
            .find(|p| p.fits(width, height))
    }
}

/// What a PDF must meet: a profile's paper and typography, or nothing (a sample).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    /// The paper every page must be.
    pub paper: Option<Paper>,
    /// The smallest text allowed anywhere, in pt.
    pub min_text_size: Option<f64>,
    /// The body's line spacing, at least, in single lines (1.5 is "1.5 lines").
    pub line_spacing: Option<f64>,
    /// Where the typography rules come from, for messages; "the profile" when not given.
    pub rule: Option<String>,
}

impl Rules {
    /// The rules of a jurisdiction profile: its `paper` and its `[typography]`.
    pub fn from_profile(profile: &Profile) -> Rules {
        let typography = &profile.typography;
        Rules {
            paper: Paper::named(&profile.paper),
            min_text_size: typography.min_text_size,
            line_spacing: typography.line_spacing,
            rule: typography.rule.clone(),
        }
    }

    fn source(&self) -> &str {
        self.rule.as_deref().unwrap_or("the profile")
    }
}

/// What the preflight measured of a PDF, and which rules it breaks.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Number of pages.
    pub pages: usize,
    /// The paper, from the first page.
    pub paper: PageSize,
    /// The size of most of the text, in pt.
    pub body_size: Option<f64>,
    /// The smallest text, where it is.
    pub smallest: Option<Smallest>,
    /// The rules' minimum text size, in pt.
    pub min_text_size: Option<f64>,
    /// Share of the non-whitespace characters below that minimum (0 to 1).
    pub share_below_minimum: Option<f64>,
    /// The body text's line spacing, where two lines of one paragraph could be found.
    pub line_spacing: Option<LineSpacing>,
    /// Link annotations (a link broken over two lines counts twice).
    pub links: usize,
    /// The rules the PDF breaks; empty when it meets them all.
    pub failures: Vec<Failure>,
    /// What could not be judged, and why: too few lines to measure the spacing on, a page
    /// whose text could not be read in full.
    pub notes: Vec<String>,
    /// Each page's text, for [`Report::find`]; not serialised.
    #[serde(skip)]
    pub text: Vec<String>,
    /// The top-level bookmarks, for the page budget; not serialised.
    #[serde(skip)]
    pub bookmarks: Vec<(String, f64)>,
}

/// The paper a PDF is on.
#[derive(Debug, Clone, Serialize)]
pub struct PageSize {
    /// Width of the first page in pt.
    pub width: f64,
    /// Height of the first page in pt.
    pub height: f64,
    /// The known paper that is ("A4"), if it is one.
    pub name: Option<String>,
    /// The paper the rules require.
    pub required: Option<String>,
    /// Whether every page is that paper; `None` when no paper is required.
    pub matches: Option<bool>,
}

/// The body text's line spacing.
#[derive(Debug, Clone, Serialize)]
pub struct LineSpacing {
    /// The body size it was measured at, in pt.
    pub size: f64,
    /// Pairs of consecutive lines of one paragraph measured.
    pub samples: usize,
    /// Median baseline-to-baseline distance, in pt.
    pub baseline_distance: f64,
    /// That distance in single lines of the body font, if the font gives its ascent and descent.
    pub ratio_to_single: Option<f64>,
    /// What the rules require, in single lines.
    pub required: Option<f64>,
}

/// One rule a PDF breaks.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// Which rule: `paper`, `min_text_size` or `line_spacing`.
    pub rule: &'static str,
    /// What is wrong and which rule says so, in one sentence.
    pub message: String,
}

impl Report {
    /// Every line of the PDF that contains `needle` (e.g. "TO WRITE:"), in page order.
    pub fn find(&self, needle: &str) -> Vec<Found> {
        let pages = self.text.iter().enumerate();
        find_in(pages.map(|(i, t)| (i as u32 + 1, t.clone())), needle)
    }
}

/// Holds `measurement` against `rules`.
pub fn preflight(measurement: &Measurement, rules: &Rules) -> Report {
    let mut failures = Vec::new();
    let mut notes: Vec<String> = measurement
        .warnings
        .iter()
        .map(|w| format!("{w}; the text of that page may be incomplete"))
        .collect();
    let paper = paper(measurement, rules, &mut failures);

    let minimum = rules.min_text_size;
    let share = minimum.map(|m| round(measurement.share_below(m), 4));
    if let (Some(min), Some(smallest)) = (minimum, &measurement.smallest)
        && smallest.size < min - SIZE_TOLERANCE
    {
        let share = share.unwrap_or(0.0) * 100.0;
        let share = if share < 0.1 {
            "under 0.1%".to_string()
        } else {
            format!("{share:.1}%")
        };
        failures.push(Failure {
            rule: "min_text_size",
            message: format!(
                "the smallest text is {} pt ({:?}, page {}), and {share} of the text is smaller \
                 than {} pt; {} requires at least {} pt",
                smallest.size,
                excerpt(&smallest.line),
                smallest.page,
                min,
                rules.source(),
                min
            ),
        });
    }

    let line_spacing = body_spacing(measurement, rules);
    if let Some(required) = rules.line_spacing {
        match &line_spacing {
            None => notes.push(format!(
                "no two lines of one paragraph of body text were found, so the line spacing \
                 ({required} lines required) was not judged"
            )),
            Some(s) if s.samples < MIN_SPACING_SAMPLES => notes.push(format!(
                "only {} pairs of consecutive body lines ({} pt) were found, fewer than the {} \
                 needed to judge the line spacing ({required} lines required)",
                s.samples, s.size, MIN_SPACING_SAMPLES
            )),
            Some(LineSpacing {
                ratio_to_single: None,
                ..
            }) => notes.push(format!(
                "the body font gives no ascent and descent, so its single spacing, and whether \
                 the lines are {required} lines apart, is unknown"
            )),
            Some(s) => {
                let ratio = s.ratio_to_single.unwrap_or(0.0);
                if ratio < required * (1.0 - SPACING_TOLERANCE) {
                    failures.push(Failure {
                        rule: "line_spacing",
                        message: format!(
                            "body lines are {ratio:.2} single lines apart ({} pt at {} pt); {} \
                             requires {required}",
                            s.baseline_distance,
                            s.size,
                            rules.source()
                        ),
                    });
                }
            }
        }
    }

    Report {
        pages: measurement.pages.len(),
        paper,
        body_size: measurement.body_size,
        smallest: measurement.smallest.clone(),
        min_text_size: minimum,
        share_below_minimum: share,
        line_spacing,
        links: measurement.links.len(),
        failures,
        notes,
        text: measurement.pages.iter().map(|p| p.text()).collect(),
        bookmarks: measurement.bookmarks.clone(),
    }
}

/// The first page's paper, and a failure when any page is not the paper the rules require.
fn paper(measurement: &Measurement, rules: &Rules, failures: &mut Vec<Failure>) -> PageSize {
    let first = measurement.pages.first();
    let (width, height) = first.map_or((0.0, 0.0), |p| (p.width, p.height));
    let describe = |w: f64, h: f64| match Paper::of(w, h) {
        Some(paper) => format!("{w} × {h} pt ({})", paper.name),
        None => format!("{w} × {h} pt"),
    };
    let matches = rules.paper.as_ref().map(|required| {
        let wrong: Vec<_> = measurement
            .pages
            .iter()
            .filter(|p| !required.fits(p.width, p.height))
            .collect();
        if let Some(page) = wrong.first() {
            let what = if wrong.len() == measurement.pages.len() {
                format!("the paper is {}", describe(page.width, page.height))
            } else {
                format!(
                    "page {} is {} ({} of {} pages are not {})",
                    page.number,
                    describe(page.width, page.height),
                    wrong.len(),
                    measurement.pages.len(),
                    required.name
                )
            };
            failures.push(Failure {
                rule: "paper",
                message: format!("{what}; the profile requires {}", required.name),
            });
        }
        wrong.is_empty()
    });
    PageSize {
        width,
        height,
        name: Paper::of(width, height).map(|p| p.name),
        required: rules.paper.as_ref().map(|p| p.name.clone()),
        matches,
    }
}

/// The spacing of the lines at the body size.
fn body_spacing(measurement: &Measurement, rules: &Rules) -> Option<LineSpacing> {
    let body = key(measurement.body_size?);
    let spacing = measurement.spacing.iter().find(|s| key(s.size) == body)?;
    Some(LineSpacing {
        size: spacing.size,
        samples: spacing.samples,
        baseline_distance: spacing.baseline_distance,
        ratio_to_single: spacing.ratio_to_single.map(|r| round(r, 3)),
        required: rules.line_spacing,
    })
}

fn round(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}

/// The start of a line, for a message.
fn excerpt(line: &str) -> String {
    const MAX: usize = 40;
    match line.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", line[..end].trim_end()),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::measure_file;
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/preflight");

    fn fixture(name: &str) -> Measurement {
        measure_file(&std::path::Path::new(FIXTURES).join(name)).unwrap()
    }

    fn iac() -> Rules {
        Rules {
            paper: Paper::named("a4"),
            min_text_size: Some(12.0),
            line_spacing: Some(1.5),
            rule: Some("the Practice Direction, para 1.6".to_string()),
        }
    }

    #[test]
    fn without_rules_it_measures_and_passes() {
        let report = preflight(&fixture("report-a4.pdf"), &Rules::default());
        assert!(
            report.failures.is_empty() && report.notes.is_empty(),
            "{report:?}"
        );
        assert_eq!(
            (report.pages, report.body_size, report.links),
            (1, Some(11.0), 2)
        );
        let paper = &report.paper;
        assert_eq!(
            (
                paper.name.as_deref(),
                paper.required.as_deref(),
                paper.matches
            ),
            (Some("A4"), None, None)
        );
        assert_eq!(report.smallest.as_ref().unwrap().size, 8.5);
        assert_eq!(report.share_below_minimum, None);
        let spacing = report.line_spacing.as_ref().unwrap();
        assert_eq!((spacing.size, spacing.samples), (11.0, 11));
        // 6 pt of leading over Libertinus's 1.14 em: 1.48 lines.
        assert_eq!(spacing.ratio_to_single, Some(1.478));
    }

    #[test]
    fn small_text_fails_naming_size_line_page_and_rule() {
        let report = preflight(&fixture("report-a4.pdf"), &iac());
        let messages: Vec<&str> = report.failures.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(report.failures.len(), 1, "{messages:?}");
        assert_eq!(report.failures[0].rule, "min_text_size");
        assert!(
            messages[0].starts_with("the smallest text is 8.5 pt (\"1Lorem ipsum dolor sit"),
            "{}",
            messages[0]
        );
        assert!(
            messages[0].contains("…\", page 1), and ")
                && messages[0].ends_with(
                    "of the text is smaller than 12 pt; the Practice Direction, para 1.6 \
                     requires at least 12 pt"
                ),
            "{}",
            messages[0]
        );
        // All but the 15.4 pt heading.
        assert_eq!(report.share_below_minimum, Some(0.991));
        assert!(messages[0].contains(", and 99.1% of the text is smaller than 12 pt;"));
        assert!(report.paper.matches == Some(true));
        // 1.478 lines is within 2% of 1.5: no spacing failure.
        let at_8_5 = Rules {
            min_text_size: Some(8.5),
            ..iac()
        };
        assert!(
            preflight(&fixture("report-a4.pdf"), &at_8_5)
                .failures
                .is_empty()
        );
        let at_8_56 = Rules {
            min_text_size: Some(8.56),
            ..iac()
        };
        assert_eq!(
            preflight(&fixture("report-a4.pdf"), &at_8_56)
                .failures
                .len(),
            1
        );
    }

    #[test]
    fn tight_lines_fail_and_too_few_lines_are_only_noted() {
        let double = Rules {
            line_spacing: Some(2.0),
            rule: None,
            ..Rules::default()
        };
        let report = preflight(&fixture("report-a4.pdf"), &double);
        assert_eq!(report.failures.len(), 1);
        assert_eq!(
            report.failures[0].message,
            "body lines are 1.48 single lines apart (18.54 pt at 11 pt); the profile requires 2"
        );
        let mut few = fixture("report-a4.pdf");
        few.spacing[0].samples = MIN_SPACING_SAMPLES - 1;
        let report = preflight(&few, &double);
        assert!(report.failures.is_empty());
        assert!(report.notes[0].starts_with("only 9 pairs of consecutive body lines (11 pt)"));
        // Helvetica in handmade.pdf has no descriptor: single spacing is unknown.
        let report = preflight(&fixture("handmade.pdf"), &double);
        assert!(
            report.failures.is_empty() && report.notes.len() == 1,
            "{report:?}"
        );
        // letter.pdf has no paragraph of two lines.
        let report = preflight(&fixture("letter.pdf"), &double);
        assert!(report.notes[0].starts_with("no two lines"), "{report:?}");
    }

    #[test]
    fn wrong_paper_fails() {
        let report = preflight(&fixture("letter.pdf"), &iac());
        let paper: Vec<&str> = report
            .failures
            .iter()
            .filter(|f| f.rule == "paper")
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(
            paper,
            ["the paper is 612 × 792 pt (US Letter); the profile requires A4"]
        );
        assert_eq!(report.paper.matches, Some(false));
        assert_eq!(report.paper.name.as_deref(), Some("US Letter"));
        let mut mixed = fixture("report-a4.pdf");
        let mut turned = mixed.pages[0].clone();
        (turned.number, turned.width, turned.height) = (2, 841.89, 595.28);
        let mut letter = turned.clone();
        (letter.number, letter.width, letter.height) = (3, 612.0, 792.0);
        mixed.pages.extend([turned, letter]);
        let report = preflight(&mixed, &Rules::from_paper("a4"));
        assert_eq!(
            report.failures[0].message,
            "page 3 is 612 × 792 pt (US Letter) (1 of 3 pages are not A4); the profile requires A4"
        );
    }

    #[test]
    fn the_text_can_be_searched() {
        let report = preflight(&fixture("report-a4.pdf"), &Rules::default());
        let found = report.find("TO WRITE:");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].page, 1);
        assert!(found[0].line.starts_with("TO WRITE: the conclusion."));
        assert_eq!(found, fixture("report-a4.pdf").find("TO WRITE:"));
        assert!(
            report
                .find("https://")
                .iter()
                .all(|f| f.line.ends_with('/'))
        );
        assert!(serde_json::to_value(&report).unwrap().get("text").is_none());
    }

    #[test]
    fn profiles_give_their_paper_and_typography() {
        assert_eq!(Paper::named("us-letter").unwrap().name, "US Letter");
        assert!(Paper::named("a4").unwrap().fits(595.28, 841.89));
        assert!(Paper::named("tabloid").is_none());
        let iac: Profile = toml::from_str(include_str!(
            "../../report-templates/jurisdictions/uk-iac.toml"
        ))
        .unwrap();
        let rules = Rules::from_profile(&iac);
        assert_eq!(
            (
                rules.paper.unwrap().name,
                rules.min_text_size,
                rules.line_spacing
            ),
            ("A4".to_string(), Some(12.0), Some(1.5))
        );
        assert!(rules.rule.unwrap().contains("para 1.6"));
        let eoir: Profile = toml::from_str(include_str!(
            "../../report-templates/jurisdictions/us-eoir.toml"
        ))
        .unwrap();
        assert_eq!(Rules::from_profile(&eoir), Rules::from_paper("us-letter"));
        assert_eq!(excerpt("short"), "short");
        assert_eq!(excerpt(&"é".repeat(50)), format!("{}…", "é".repeat(40)));
    }

    impl Rules {
        fn from_paper(name: &str) -> Rules {
            Rules {
                paper: Paper::named(name),
                ..Rules::default()
            }
        }
    }
}
