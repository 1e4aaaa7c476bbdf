//! Which paragraph of the new version is which of the old: matched by ID, then by text, the
//! way a reader would pair them, and what became of each.

use serde::Serialize;

use crate::served::{Paragraph, Snapshot};

/// What became of one paragraph between the two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fate {
    /// Its text and its sources are as they were.
    Same,
    /// Its text, its notes or a source it cites changed.
    Changed,
    /// It is new.
    Added,
    /// It is gone.
    Deleted,
}

/// One row of the comparison: an old paragraph, a new one, or a pair.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// What became of it.
    pub fate: Fate,
    /// Its ID in the new version (the old one's, for a deleted paragraph).
    pub id: String,
    /// Its number in the new version, unless deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<usize>,
    /// Its number in the old version, unless added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub was: Option<usize>,
    /// Whether it moved: it now stands among other paragraphs than before.
    pub moved: bool,
    /// The cited sources whose entry in the bibliography changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources_changed: Vec<String>,
    /// Its index among the old version's paragraphs.
    #[serde(skip)]
    pub old: Option<usize>,
    /// Its index among the new version's paragraphs.
    #[serde(skip)]
    pub new: Option<usize>,
}

/// How alike two paragraphs' words are, from 0 (none in common) to 1 (the same words).
/// Spaces are not words: counting them would make any two paragraphs look half alike.
fn likeness(old: &Paragraph, new: &Paragraph) -> f32 {
    let old: Vec<&str> = old.text.split_whitespace().collect();
    let new: Vec<&str> = new.text.split_whitespace().collect();
    similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_slices(&old, &new)
        .ratio()
}

/// An ID the expert set (`{#summons}`), which holds a paragraph however much it changes;
/// witness's own IDs all have a dot.
fn is_explicit(id: &str) -> bool {
    !id.contains('.')
}

/// The part a derived ID belongs to: `analysis.freedom-of-speech` for
/// `analysis.freedom-of-speech.2`.
fn part_of(id: &str) -> &str {
    id.rsplit_once('.').map_or(id, |(part, _)| part)
}

/// Pairs the paragraphs of `old` and `new`: `pairs[new] = Some(old)`.
fn pair(old: &[Paragraph], new: &[Paragraph]) -> Vec<Option<usize>> {
    let mut pairs: Vec<Option<usize>> = vec![None; new.len()];
    let mut taken = vec![false; old.len()];
    fn link(pairs: &mut [Option<usize>], taken: &mut [bool], n: usize, o: usize) {
        pairs[n] = Some(o);
        taken[o] = true;
    }
    // 1. An ID the expert set holds its paragraph however much it changed.
    for (n, paragraph) in new.iter().enumerate() {
        if !is_explicit(&paragraph.id) {
            continue;
        }
        if let Some(o) = (0..old.len()).find(|&o| !taken[o] && old[o].id == paragraph.id) {
            link(&mut pairs, &mut taken, n, o);
        }
    }
    // 2. The same text: at the same ID first, then anywhere (a paragraph moved, or one added
    //    above it in its part shifted its derived ID).
    for same_id in [true, false] {
        for (n, paragraph) in new.iter().enumerate() {
            if pairs[n].is_some() {
                continue;
            }
            let same = (0..old.len()).find(|&o| {
                !taken[o]
                    && old[o].text == paragraph.text
                    && (!same_id || old[o].id == paragraph.id)
            });
            if let Some(o) = same {
                link(&mut pairs, &mut taken, n, o);
            }
        }
    }
    // 3. What is left at the same ID: the paragraph in that place, rewritten.
    for (n, paragraph) in new.iter().enumerate() {
        if pairs[n].is_some() {
            continue;
        }
        if let Some(o) = (0..old.len()).find(|&o| !taken[o] && old[o].id == paragraph.id) {
            link(&mut pairs, &mut taken, n, o);
        }
    }
    // 4. The most alike paragraph left in the same part, if it is alike enough to be a
    //    rewrite of it rather than a new paragraph.
    for (n, paragraph) in new.iter().enumerate() {
        if pairs[n].is_some() || is_explicit(&paragraph.id) {
            continue;
        }
        let best = (0..old.len())
            .filter(|&o| !taken[o] && !is_explicit(&old[o].id))
            .filter(|&o| part_of(&old[o].id) == part_of(&paragraph.id))
            .map(|o| (o, likeness(&old[o], paragraph)))
            .filter(|(_, likeness)| *likeness >= 0.5)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((o, _)) = best {
            link(&mut pairs, &mut taken, n, o);
        }
    }
    pairs
}

/// The positions (into `sequence`) of a longest increasing subsequence: the pairs that kept
/// their order. Every other pair moved.
fn kept_order(sequence: &[usize]) -> Vec<bool> {
    // Patience sorting with back-links, O(n log n).
    let mut tails: Vec<usize> = Vec::new();
    let mut back: Vec<Option<usize>> = vec![None; sequence.len()];
    for (i, value) in sequence.iter().enumerate() {
        let at = tails.partition_point(|&t| sequence[t] < *value);
        back[i] = at.checked_sub(1).map(|p| tails[p]);
        if at == tails.len() {
            tails.push(i);
        } else {
            tails[at] = i;
        }
    }
    let mut kept = vec![false; sequence.len()];
    let mut at = tails.last().copied();
    while let Some(i) = at {
        kept[i] = true;
        at = back[i];
    }
    kept
}

/// Every paragraph of both versions, in the new version's order, each deleted paragraph
/// after the paragraph that followed the same old paragraph as it did.
pub fn compare(old: &Snapshot, new: &Snapshot) -> Vec<Row> {
    let pairs = pair(&old.paragraphs, &new.paragraphs);
    let matched: Vec<usize> = pairs.iter().flatten().copied().collect();
    let kept = kept_order(&matched);
    let mut moved = vec![false; new.paragraphs.len()];
    let mut k = 0;
    for (n, pair) in pairs.iter().enumerate() {
        if pair.is_some() {
            moved[n] = !kept[k];
            k += 1;
        }
    }
    let mut old_to_new = vec![None; old.paragraphs.len()];
    for (n, pair) in pairs.iter().enumerate() {
        if let Some(o) = pair {
            old_to_new[*o] = Some(n);
        }
    }

    let mut rows: Vec<Row> = Vec::new();
    let deleted_row = |o: usize| Row {
        fate: Fate::Deleted,
        id: old.paragraphs[o].id.clone(),
        number: None,
        was: Some(old.paragraphs[o].number),
        moved: false,
        sources_changed: Vec::new(),
        old: Some(o),
        new: None,
    };
    // Deleted paragraphs before the first kept one go first.
    let mut placed = vec![false; old.paragraphs.len()];
    let mut place_deleted_after = |rows: &mut Vec<Row>, o: Option<usize>| {
        let start = o.map_or(0, |o| o + 1);
        for d in start..old.paragraphs.len() {
            if old_to_new[d].is_some() {
                break;
            }
            if !placed[d] {
                placed[d] = true;
                rows.push(deleted_row(d));
            }
        }
    };
    place_deleted_after(&mut rows, None);
    for (n, paragraph) in new.paragraphs.iter().enumerate() {
        let row = match pairs[n] {
            None => Row {
                fate: Fate::Added,
                id: paragraph.id.clone(),
                number: Some(paragraph.number),
                was: None,
                moved: false,
                sources_changed: Vec::new(),
                old: None,
                new: Some(n),
            },
            Some(o) => {
                let before = &old.paragraphs[o];
                let sources_changed: Vec<String> = paragraph
                    .cites
                    .iter()
                    .filter(|key| old.sources.get(*key) != new.sources.get(*key))
                    .filter(|key| before.cites.contains(key))
                    .cloned()
                    .collect();
                let same = before.text == paragraph.text
                    && before.notes == paragraph.notes
                    && sources_changed.is_empty();
                Row {
                    fate: if same { Fate::Same } else { Fate::Changed },
                    id: paragraph.id.clone(),
                    number: Some(paragraph.number),
                    was: Some(before.number),
                    moved: moved[n],
                    sources_changed,
                    old: Some(o),
                    new: Some(n),
                }
            }
        };
        let after = if row.moved { None } else { row.old };
        rows.push(row);
        if after.is_some() {
            place_deleted_after(&mut rows, after);
        }
    }
    // Any deleted paragraph not yet placed (its neighbours moved) goes at the end.
    for (o, done) in placed.iter().enumerate() {
        if !done && old_to_new[o].is_none() {
            rows.push(deleted_row(o));
        }
    }
    rows
}
