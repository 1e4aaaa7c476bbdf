//! Images for Word: an SVG signature drawn as a PNG, since Word's own SVG support needs a PNG
//! beside it and docx-rs writes PNG only.

use anyhow::{Result, anyhow};
use resvg::{tiny_skia, usvg};

/// How many pixels per CSS pixel the SVG is drawn at: 300 dpi for print.
const SCALE: f32 = 300.0 / 96.0;

/// `svg` drawn as a PNG at print resolution.
pub fn svg_to_png(svg: &[u8]) -> Result<Vec<u8>> {
    let tree = usvg::Tree::from_data(svg, &usvg::Options::default())
        .map_err(|e| anyhow!("the signature SVG cannot be read: {e}"))?;
    let size = tree.size();
    let (width, height) = (
        (size.width() * SCALE).ceil() as u32,
        (size.height() * SCALE).ceil() as u32,
    );
    let mut pixmap = tiny_skia::Pixmap::new(width.max(1), height.max(1))
        .ok_or_else(|| anyhow!("the signature SVG has no size"))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| anyhow!("the signature cannot be drawn as PNG: {e}"))
}
