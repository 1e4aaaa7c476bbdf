//! The bibliographies a report cites from, as typst and the citation notes need them: the
//! brief's and the case's own, under names that never meet, and the publisher an in-text
//! citation names for a source without an author.

use std::sync::Arc;

use super::cite;
use crate::load::Inputs;

/// For each source without an author, what an in-text citation of it names: its publisher.
pub(super) fn in_text_names(inputs: &Inputs) -> Arc<cite::Names> {
    Arc::new(
        inputs
            .bibliographies()
            .flat_map(|b| &b.sources)
            .filter(|s| !s.has_author)
            .filter_map(|s| Some((s.key.clone(), s.publisher.clone()?)))
            .collect(),
    )
}

/// The bibliographies as the build folder holds them: the brief's under its own name, the
/// case's own as `case-sources.yml` (or `.bib`), so that the two names never meet.
pub(super) fn bibliography_files(
    inputs: &Inputs,
) -> Vec<(String, &crate::load::briefs::Bibliography)> {
    let brief = &inputs.brief.bibliography;
    let mut files = vec![(brief.file_name.clone(), brief)];
    if let Some(case) = &inputs.attachments.sources {
        let extension = if case.file_name.ends_with(".bib") {
            "bib"
        } else {
            "yml"
        };
        files.push((format!("case-sources.{extension}"), case));
    }
    files
}
