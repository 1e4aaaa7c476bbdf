//! What a sample shows besides the brief and the case: the agency and its contacts, its logo,
//! the coverage list by region, and the fixed wording. Gathered once, in plain values, so the
//! PDF and the web article show the same; [`SampleData::typst`] is the PDF's view of it.

use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};

use super::{SETTINGS_FILE, SampleSettings, countries, read_coverage};
use crate::load::workspace::Brand;
use crate::load::{self, Brief, Inputs, Workspace};

/// A file placed in the build folder beside main.typ: its name and bytes.
pub type BuildFile = (String, Vec<u8>);

/// Everything a sample shows that is not the brief's or the case's.
#[derive(Debug, Clone)]
pub struct SampleData {
    /// Whether the sample is a real case anonymised (`--from`).
    pub from_case: bool,
    /// The agency named on the sample: the workspace's own fields only, or the fictional one.
    pub brand: Brand,
    /// The workspace's logo, read from inside it.
    pub logo: Option<Logo>,
    /// How the text calls the applicant ("the Appellant").
    pub applicant_label: String,
    /// The fixed wording, with `{country}` filled in.
    pub wording: Wording,
    /// The coverage list, grouped by region in the order listed.
    pub regions: Vec<Region>,
    /// What the agency should know: contacts left out, countries without a brief.
    pub warnings: Vec<String>,
}

/// The agency's logo as the workspace gives it.
#[derive(Debug, Clone)]
pub struct Logo {
    /// The image's bytes.
    pub bytes: Vec<u8>,
    /// Its file extension, lower-cased: `png`, `svg`, `jpg`…
    pub extension: String,
}

/// The fixed wording of `sample.toml`, for this country and this kind of sample.
#[derive(Debug, Clone)]
pub struct Wording {
    /// The opening: `introduction`, or `introduction_anonymised` for `--from`.
    pub introduction: String,
    /// Which `sample.toml` field the introduction is, for error messages.
    pub introduction_field: &'static str,
    /// What a real report would go on to do.
    pub conclusion: String,
    /// "How to order an expert report".
    pub ordering: String,
    /// The notice that the sample must not be submitted.
    pub disclaimer: String,
}

/// One region of the coverage list.
#[derive(Debug, Clone, Serialize)]
pub struct Region {
    /// The region's name, as the coverage list gives it.
    pub region: String,
    /// Its countries, in the order listed.
    pub countries: Vec<Covered>,
}

/// One covered country.
#[derive(Debug, Clone, Serialize)]
pub struct Covered {
    /// The country's name.
    pub name: String,
    /// The main grounds of risk there, in a line.
    pub focus: String,
    /// Whether the workspace has a full brief for it.
    pub brief: bool,
}

/// Gathers the sample's data for `inputs`.
pub fn gather(
    inputs: &Inputs,
    settings: &SampleSettings,
    workspace: &Workspace,
    from_case: bool,
    demo: bool,
) -> Result<SampleData> {
    let (brand, mut warnings) = choose_brand(workspace, &settings.brand, demo);
    let own = &workspace.config.brand;
    let logo = match (&own.logo, &workspace.root) {
        (Some(logo), Some(root)) => {
            let path = load::confine::contained(root, logo, std::slice::from_ref(root))
                .map_err(|m| anyhow::anyhow!("brand.logo in witness.toml: {m}"))?;
            let extension = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("png")
                .to_ascii_lowercase();
            Some(Logo {
                bytes: load::read_bytes(&path)?,
                extension,
            })
        }
        _ => None,
    };
    let country = &inputs.brief.info.name;
    let fill = |text: &str| text.replace("{country}", country);
    let text = &settings.text;
    let wording = Wording {
        introduction: fill(if from_case {
            &text.introduction_anonymised
        } else {
            &text.introduction
        }),
        introduction_field: if from_case {
            "text.introduction_anonymised"
        } else {
            "text.introduction"
        },
        conclusion: fill(&text.conclusion),
        ordering: fill(&text.ordering),
        disclaimer: fill(&text.disclaimer),
    };

    let briefed: Vec<String> = countries(workspace)
        .iter()
        .filter_map(|id| {
            Brief::read(&workspace.briefs, id)
                .ok()
                .flatten()
                .map(|b| b.info.name)
        })
        .collect();
    let mut regions: Vec<Region> = Vec::new();
    if let Some(coverage) = read_coverage(workspace)? {
        for entry in coverage.countries {
            let item = Covered {
                brief: briefed.contains(&entry.name),
                name: entry.name,
                focus: entry.focus,
            };
            match regions.iter_mut().find(|r| r.region == entry.region) {
                Some(region) => region.countries.push(item),
                None => regions.push(Region {
                    region: entry.region,
                    countries: vec![item],
                }),
            }
        }
    }
    let listed: usize = regions.iter().map(|r| r.countries.len()).sum();
    let without = regions
        .iter()
        .flat_map(|r| &r.countries)
        .filter(|c| !c.brief)
        .count();
    if without > 0 {
        warnings.push(format!(
            "\"Countries we cover\" lists {listed} countries from the coverage list; {without} of them have no brief in this workspace (they are shown without the mark for a full brief)"
        ));
    }
    Ok(SampleData {
        from_case,
        brand,
        logo,
        applicant_label: settings.applicant.label.clone(),
        wording,
        regions,
        warnings,
    })
}

impl SampleData {
    /// The PDF's view: what the sample-report template adds to a report's data, and the
    /// files (the logo) placed beside main.typ.
    pub fn typst(&self) -> (serde_json::Map<String, Value>, Vec<BuildFile>) {
        let para = |text: &str, field: &str| {
            crate::assemble::prose::to_typst(text, None, &format!("{SETTINGS_FILE}: {field}"))
        };
        let mut files = Vec::new();
        let logo_file = self.logo.as_ref().map(|logo| {
            let name = format!("logo.{}", logo.extension);
            files.push((name.clone(), logo.bytes.clone()));
            name
        });
        let brand = &self.brand;
        let wording = &self.wording;
        let mut extra = serde_json::Map::new();
        extra.insert(
            "sample".into(),
            json!({
                "from_case": self.from_case,
                "brand": {
                    "name": brand.name,
                    "tagline": brand.tagline,
                    "website": brand.website,
                    "email": brand.email,
                    "phone": brand.phone,
                    "logo": logo_file,
                },
                "applicant_label": self.applicant_label,
                "introduction_typst": para(&wording.introduction, wording.introduction_field),
                "conclusion_typst": para(&wording.conclusion, "text.conclusion"),
                "ordering_typst": para(&wording.ordering, "text.ordering"),
                "disclaimer": wording.disclaimer,
                "regions": self.regions,
            }),
        );
        (extra, files)
    }
}

/// The brand a sample carries: the workspace's own fields and nothing else, or the fictional
/// agency of `sample.toml` when asked for (`--demo`) or when there is no workspace (the
/// built-in example). A contact the workspace does not give is left out, with a warning,
/// never filled in from the fictional agency: that would print another firm's details under
/// the real agency's name.
fn choose_brand(workspace: &Workspace, fictional: &Brand, demo: bool) -> (Brand, Vec<String>) {
    if demo || workspace.config_path.is_none() {
        return (fictional.clone(), Vec::new());
    }
    let own = workspace.config.brand.clone();
    let mut warnings = Vec::new();
    let missing: Vec<&str> = [
        ("name", &own.name),
        ("website", &own.website),
        ("email", &own.email),
        ("phone", &own.phone),
    ]
    .into_iter()
    .filter(|(_, value)| value.as_deref().is_none_or(|v| v.trim().is_empty()))
    .map(|(key, _)| key)
    .collect();
    if !missing.is_empty() {
        warnings.push(format!(
            "witness.toml's [brand] gives no {}: the sample leaves {} out (pass --demo for the fictional agency of the example)",
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" }
        ));
    }
    (own, warnings)
}
