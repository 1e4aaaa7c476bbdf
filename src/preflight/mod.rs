//! Reads back every PDF witness makes and holds it to its forum's rules before it goes out.

mod measure;
mod outline;
mod rules;
mod walk;
mod widths;

#[cfg(test)]
mod tests;

pub use measure::{
    FontInfo, Found, Line, Link, Measurement, Page, Smallest, Spacing, measure, measure_file,
};
pub use outline::read_bookmarks;
pub use rules::{
    Failure, LineSpacing, MIN_SPACING_SAMPLES, PAPER_TOLERANCE, PageSize, Paper, Report, Rules,
    SIZE_TOLERANCE, SPACING_TOLERANCE, preflight,
};
