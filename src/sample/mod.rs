//! Sample reports for marketing: a country's brief with a fictional applicant, or a real case
//! anonymised, as a PDF or as a web article. The leak check on the finished file decides
//! whether it may exist.

pub mod anonymise;
pub mod article;
pub mod data;
pub mod leak;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

use crate::assemble::{Assembly, Template};
use crate::diagnostic::Diagnostic;
use crate::load::case::{Applicant, Case, Instructing, Opinion, Report, Status};
use crate::load::toml_file::{self, Date};
use crate::load::workspace::Brand;
use crate::load::{self, Attachments, CaseFile, Catalogue, Inputs, Profile, Workspace};
use crate::pipeline::{self, Backend, Html, Pdf, Prepared};
use crate::typeset::{self, Control};

/// Name of the built-in template that sample reports are typeset with.
pub const TEMPLATE: &str = "sample-report";

const SETTINGS_FILE: &str = "sample-report/sample.toml";
/// Name of the optional file in the briefs folder listing the countries covered.
pub const COVERAGE_FILE: &str = "coverage.toml";

/// report-templates/sample-report/sample.toml: the default agency and the fixed wording.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleSettings {
    /// The default agency named on samples; a workspace's `[brand]` replaces it.
    pub brand: Brand,
    /// The fictional applicant every country sample uses.
    pub applicant: SampleApplicant,
    /// The fixed wording of every sample.
    pub text: SampleText,
}

/// The fictional applicant of country samples, from sample.toml's `[applicant]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleApplicant {
    /// How the text refers to the applicant, e.g. "the Appellant" ("Application to the Appellant").
    pub label: String,
    /// The applicant's name, e.g. "Mr A.".
    pub name: String,
    /// Profile tags that choose the sample's topics, e.g. `journalist`.
    pub profile: Vec<String>,
}

/// The fixed wording of sample reports; `{country}` in each is replaced by the country's name.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SampleText {
    /// Opening of a country sample, explaining that it is a sample with an invented applicant.
    pub introduction: String,
    /// Opening used instead of `introduction` for a sample anonymised from a real case (`--from`).
    pub introduction_anonymised: String,
    /// Closing text: what a real report would go on to do.
    pub conclusion: String,
    /// The "How to order an expert report" page.
    pub ordering: String,
    /// The notice that the sample must not be submitted in any proceedings.
    pub disclaimer: String,
}

/// coverage.toml in the briefs folder: the countries an agency covers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    /// The covered countries, in the order listed (grouped by region on the page).
    pub countries: Vec<CoveredCountry>,
}

/// One `[[countries]]` entry of coverage.toml.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CoveredCountry {
    /// The country's name as printed.
    pub name: String,
    /// Region the country is listed under, such as "East Africa".
    pub region: String,
    /// One-line note of the main grounds of risk in the country.
    pub focus: String,
}

/// What a sample is made from.
#[derive(Debug, Clone)]
pub enum Subject {
    /// A country id: its brief and the fictional applicant.
    Country(String),
    /// A real case file, anonymised.
    Case(PathBuf),
}

/// What a sample is made as, with the back-end that makes it.
#[derive(Debug, Clone)]
pub enum Output {
    /// The sample report, typeset by typst.
    Pdf(Pdf),
    /// The agency's web article: one self-contained HTML page.
    Html(Html),
}

impl Output {
    /// The back-end that produces this kind of sample.
    pub fn backend(&self) -> &dyn Backend {
        match self {
            Output::Pdf(pdf) => pdf,
            Output::Html(html) => html,
        }
    }

    /// What the output is called in messages.
    fn noun(&self) -> &'static str {
        match self {
            Output::Pdf(_) => "PDF",
            Output::Html(_) => "HTML page",
        }
    }
}

/// Makes one sample and returns its path. A leak found in the finished file (the PDF's text
/// and metadata, or the page's text and head) is an error naming the field, and the file is
/// never moved into place.
///
/// `options` are the pipeline's: `out_dir` (default `out/`), `-o`, `--keep-typ`,
/// `--standard` and `--timeout` mean what they mean for `render`.
pub fn make(
    subject: &Subject,
    workspace: &Workspace,
    output: &Output,
    options: &pipeline::Options,
    demo: bool,
) -> Result<Made> {
    let settings = read_settings(workspace)?;
    let (inputs, personal, file_stem) = match subject {
        Subject::Country(country) => (
            fictional_inputs(country, workspace, &settings)?,
            Vec::new(),
            format!("sample-{country}"),
        ),
        Subject::Case(path) => {
            let mut inputs = load::load(path)?;
            let personal = anonymise::personal_values(
                &inputs.case.case,
                &inputs.workspace.config.anonymise.personal,
            );
            inputs.case.case = anonymise::anonymise(&inputs.case.case, &personal);
            inputs.case.case.report.template = Some(TEMPLATE.to_string());
            inputs.attachments = Attachments::default();
            let stem = format!("sample-{}-anonymised", inputs.case.case.report.country);
            (inputs, personal, stem)
        }
    };
    let backend = output.backend();
    let data = data::gather(
        &inputs,
        &settings,
        workspace,
        matches!(subject, Subject::Case(_)),
        demo,
    )?;
    let assembly = match output {
        Output::Pdf(_) => {
            let template = Template::load(&inputs.workspace.templates, TEMPLATE)?;
            let (extra, files) = data.typst();
            template.assemble_with(&inputs, extra, files)?
        }
        // The page is the whole output: the back-end only writes it.
        Output::Html(_) => Assembly {
            main: article::page(&inputs, &data)?,
            files: Vec::new(),
        },
    };
    let destination = options.output.clone().unwrap_or_else(|| {
        options
            .out_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("out"))
            .join(format!("{file_stem}.{}", backend.extension()))
    });
    pipeline::output::ensure_folder_for(&destination, backend.extension())?;
    let prepared = Prepared {
        findings: Vec::new(),
        assembly,
        destination,
        settings: typeset::Settings::for_inputs(&inputs, &options.pdf_standards)?,
        provenance: false,
        forum_rules: false,
    };
    let noun = output.noun();
    let no_leaks = |file: &Path| -> Result<()> {
        let leaks = match output {
            Output::Pdf(_) => leak::in_pdf(file, &personal)?,
            Output::Html(_) => leak::in_html(file, &personal)?,
        };
        let Some(first) = leaks.first() else {
            return Ok(());
        };
        let mut found: Vec<String> = leaks
            .iter()
            .map(|l| format!("`{}` ({:?} in the {})", l.field, l.found, l.place))
            .collect();
        found.dedup();
        bail!(
            "the sample leaked personal data: {}; the {noun} was deleted\n  \
             help: a template or text printed a personal value that anonymisation should have replaced (first: {:?})",
            found.join(", "),
            first.found
        );
    };
    let stop = AtomicBool::new(false);
    let control = Control {
        stop: &stop,
        threads: None,
    };
    let rendered = pipeline::execute(
        &inputs,
        prepared,
        backend,
        options,
        control,
        Some(&no_leaks),
    )?;
    Ok(Made {
        file: rendered.pdf,
        warnings: data.warnings,
    })
}

/// A sample made.
#[derive(Debug, Clone)]
pub struct Made {
    /// Where the sample is.
    pub file: PathBuf,
    /// What the agency should know: contacts left out, countries without a brief.
    pub warnings: Vec<String>,
}

/// The countries with a brief, for `--all`.
pub fn countries(workspace: &Workspace) -> Vec<String> {
    workspace
        .briefs
        .folders()
        .into_iter()
        .filter(|c| {
            workspace
                .briefs
                .child(c)
                .is_some_and(|t| t.exists("brief.toml"))
        })
        .collect()
}

fn read_settings(workspace: &Workspace) -> Result<SampleSettings, Diagnostic> {
    let source = workspace
        .templates
        .read_text(SETTINGS_FILE)?
        .ok_or_else(|| {
            Diagnostic::error(
                SETTINGS_FILE,
                "the sample-report template has no sample.toml",
            )
        })?;
    toml_file::parse(&source.path, &source.text)
}

/// The workspace's coverage list (coverage.toml in its briefs), if it has one.
pub fn read_coverage(workspace: &Workspace) -> Result<Option<Coverage>, Diagnostic> {
    match workspace.briefs.read_text(COVERAGE_FILE)? {
        Some(source) => toml_file::parse(&source.path, &source.text).map(Some),
        None => Ok(None),
    }
}

/// Inputs for a country sample: the brief, every topic it covers, and the fictional applicant.
fn fictional_inputs(
    country: &str,
    workspace: &Workspace,
    settings: &SampleSettings,
) -> Result<Inputs> {
    let catalogue = Catalogue::read(&workspace.briefs)?;
    let brief = load::find_brief(workspace, country)?
        .ok_or_else(|| load::unknown_country(workspace, country).for_option("sample"))?;
    let topics: Vec<String> = catalogue
        .topic_ids()
        .filter(|t| brief.section(t).is_some())
        .map(str::to_string)
        .collect();
    let case = Case {
        report: Report {
            reference: format!("SAMPLE-{}", country.to_uppercase()),
            date: Date(brief.info.last_reviewed.0),
            country: country.to_string(),
            kind: Default::default(),
            template: Some(TEMPLATE.to_string()),
            jurisdiction: "uk-iac".to_string(),
            status: Status::Final,
            topics: Some(topics),
            appeal_number: None,
            signed_in_united_states: false,
            citations: Default::default(),
            cv: Default::default(),
            sources: None,
        },
        expert: workspace.config.expert.clone(),
        instructing: Instructing {
            firm: "[instructing solicitors]".to_string(),
            solicitor: "[solicitor]".to_string(),
            reference: None,
            instructions: Vec::new(),
        },
        applicant: Applicant {
            name: settings.applicant.name.clone(),
            date_of_birth: None,
            nationality: Some(brief.info.adjective.clone()),
            ethnicity: None,
            religion: None,
            gender: None,
            tribunal_name: None,
            profile: settings.applicant.profile.clone(),
        },
        questions: Vec::new(),
        methodology: Default::default(),
        analysis: Default::default(),
        opinion: Opinion::default(),
        translations: Vec::new(),
        country_guidance: Vec::new(),
        addendum: None,
        points: Vec::new(),
    };
    let case = CaseFile {
        path: PathBuf::from(format!("<sample {country}>")),
        text: Arc::from(""),
        case,
        stand_ins: Vec::new(),
        prose_files: Vec::new(),
    };
    let profile = Profile::read(&workspace.templates, &case)?;
    Ok(Inputs {
        case,
        workspace: workspace.clone(),
        catalogue,
        brief,
        profile,
        attachments: Attachments::default(),
        original: None,
    })
}
