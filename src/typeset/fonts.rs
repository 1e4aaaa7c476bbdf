//! The fonts witness bundles (Arabic script, emoji), written once to the data folder for typst.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::load::tree::BUILTIN_TEMPLATES;

const BUNDLED: &str = "common/fonts";

/// A folder holding the bundled fonts, created on first use.
///
/// Its name carries witness's version and the fonts' total size, so a new release with other
/// fonts gets a fresh folder instead of trusting stale files.
pub fn bundled_font_folder() -> Result<PathBuf> {
    let fonts: Vec<_> = BUILTIN_TEMPLATES
        .get_dir(BUNDLED)
        .into_iter()
        .flat_map(|dir| dir.files())
        .filter(|f| {
            f.path()
                .extension()
                .is_some_and(|e| e == "ttf" || e == "otf")
        })
        .collect();
    let size: usize = fonts.iter().map(|f| f.contents().len()).sum();
    let data = super::locate::data_folder()?;
    let folder = data.join(format!("fonts-{}-{size}", env!("CARGO_PKG_VERSION")));
    if folder.is_dir() {
        return Ok(folder);
    }
    std::fs::create_dir_all(&data).with_context(|| format!("cannot create {}", data.display()))?;
    // Written in a private folder and renamed into place, so a concurrent run never sees half a font.
    let staging = tempfile::Builder::new()
        .prefix(".fonts-")
        .tempdir_in(&data)
        .with_context(|| format!("cannot write in {}", data.display()))?;
    for font in &fonts {
        let name = font.path().file_name().expect("a font file has a name");
        std::fs::write(staging.path().join(name), font.contents())?;
    }
    let staged = staging.keep();
    if std::fs::rename(&staged, &folder).is_err() {
        // Another process won the race; its folder is as good as ours.
        let _ = std::fs::remove_dir_all(&staged);
    }
    Ok(folder)
}
