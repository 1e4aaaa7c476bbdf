//! The page's glyphs, read straight from its content stream: the text state machine of the
//! PDF specification (9.4) over hayro-syntax's operators, with each glyph's width from its
//! font's /W and its text from the font's /ToUnicode map. Written for typst's output (Type0
//! fonts with two-byte Identity encoding). It replaced pdf-extract here, which read typst's
//! glyph widths as 0, decoded each page twice and re-read every font's map on every page; and
//! hayro-syntax's borrowing tokenizer replaced lopdf's, which allocated every operand: the
//! read-back went from about 95 ms to 55 ms, then to under 10 ms, on the 20-page example.

use hayro_syntax::content::UntypedIter;
use hayro_syntax::object::{Dict, Object};
use hayro_syntax::page::Resources;

use super::widths::{Fonts, Glyph};

/// A 2-D affine matrix `[a b c d e f]`, in PDF's row-vector convention.
type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n`: first `m`, then `n`.
fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn translate(tx: f64, ty: f64) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, tx, ty]
}

/// What `q` saves and `Q` restores.
#[derive(Clone, Copy)]
struct State {
    ctm: Matrix,
    font: Option<usize>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    scale: f64,
    leading: f64,
    rise: f64,
}

impl Default for State {
    fn default() -> Self {
        Self {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

fn number(object: Option<&Object>) -> f64 {
    match object {
        Some(Object::Number(n)) => n.as_f64(),
        _ => 0.0,
    }
}

/// Every glyph the content stream `data` shows, appended to `out` in the order shown.
pub(super) fn page_glyphs(
    data: &[u8],
    resources: &Resources,
    fonts: &mut Fonts,
    out: &mut Vec<Glyph>,
) {
    walk(data, resources, fonts, out, State::default(), 0);
}

fn walk(
    data: &[u8],
    resources: &Resources,
    fonts: &mut Fonts,
    out: &mut Vec<Glyph>,
    start: State,
    depth: u8,
) {
    let mut state = start;
    let mut saved: Vec<State> = Vec::new();
    let (mut text, mut line) = (IDENTITY, IDENTITY);
    let mut operations = UntypedIter::new(data);
    while let Some(op) = operations.next() {
        let arg = |i: usize| number(op.operands().nth(i));
        let six = || [arg(0), arg(1), arg(2), arg(3), arg(4), arg(5)];
        match &**op.operator {
            b"q" => saved.push(state),
            b"Q" => state = saved.pop().unwrap_or(state),
            b"cm" => state.ctm = mul(&six(), &state.ctm),
            b"BT" => (text, line) = (IDENTITY, IDENTITY),
            b"Tm" => {
                line = six();
                text = line;
            }
            b"Td" => {
                line = mul(&translate(arg(0), arg(1)), &line);
                text = line;
            }
            b"TD" => {
                state.leading = -arg(1);
                line = mul(&translate(arg(0), arg(1)), &line);
                text = line;
            }
            b"T*" => {
                line = mul(&translate(0.0, -state.leading), &line);
                text = line;
            }
            b"Tc" => state.char_spacing = arg(0),
            b"Tw" => state.word_spacing = arg(0),
            b"Tz" => state.scale = arg(0) / 100.0,
            b"TL" => state.leading = arg(0),
            b"Ts" => state.rise = arg(0),
            b"Tf" => {
                state.size = arg(1);
                state.font = match op.operands().next() {
                    Some(Object::Name(name)) => {
                        resources.get_font(name).and_then(|font| fonts.index(&font))
                    }
                    _ => None,
                };
            }
            operator @ (b"Tj" | b"'" | b"\"") => {
                if operator != b"Tj" {
                    if operator == b"\"" {
                        state.word_spacing = arg(0);
                        state.char_spacing = arg(1);
                    }
                    line = mul(&translate(0.0, -state.leading), &line);
                    text = line;
                }
                if let Some(Object::String(bytes)) = op.operands().last() {
                    show(bytes, &state, &mut text, fonts, out);
                }
            }
            b"TJ" => {
                let Some(Object::Array(items)) = op.operands().next() else {
                    continue;
                };
                for item in items.iter::<Object>() {
                    match item {
                        Object::String(bytes) => show(&bytes, &state, &mut text, fonts, out),
                        other => {
                            let shift = -number(Some(&other)) / 1000.0 * state.size * state.scale;
                            text = mul(&translate(shift, 0.0), &text);
                        }
                    }
                }
            }
            b"Do" if depth < 8 => {
                let Some(Object::Name(name)) = op.operands().next() else {
                    continue;
                };
                let Some(form) = resources.get_x_object(name) else {
                    continue;
                };
                let dict = form.dict();
                let is_form = dict
                    .get::<hayro_syntax::object::Name>(b"Subtype")
                    .is_some_and(|s| &*s == b"Form");
                if !is_form {
                    continue;
                }
                let matrix = dict.get::<[f64; 6]>(b"Matrix").unwrap_or(IDENTITY);
                let inner = match dict.get::<Dict>(b"Resources") {
                    Some(own) => Resources::from_parent(own, resources.clone()),
                    None => resources.clone(),
                };
                let Ok(data) = form.decoded() else {
                    continue;
                };
                let nested = State {
                    ctm: mul(&matrix, &state.ctm),
                    ..state
                };
                walk(&data, &inner, fonts, out, nested, depth + 1);
            }
            _ => {}
        }
    }
}

/// The glyphs of one string, each placed as the text rendering matrix puts it; advances the
/// text matrix past them.
fn show(bytes: &[u8], state: &State, text: &mut Matrix, fonts: &Fonts, out: &mut Vec<Glyph>) {
    let two_byte = state.font.is_some_and(|f| fonts.is_two_byte(f));
    let codes: Vec<u32> = if two_byte {
        bytes
            .chunks(2)
            .map(|c| u32::from(c[0]) << 8 | u32::from(*c.get(1).unwrap_or(&0)))
            .collect()
    } else {
        bytes.iter().map(|b| u32::from(*b)).collect()
    };
    for code in codes {
        // The text rendering matrix without Tfs: the size is applied separately, so that
        // `N Tf` with an identity Tm and `1 Tf` with a scaled Tm measure alike.
        let trm = mul(
            &mul(&[state.scale, 0.0, 0.0, 1.0, 0.0, state.rise], text),
            &state.ctm,
        );
        let width = state.font.and_then(|f| fonts.width(f, code)).unwrap_or(0.0);
        let text_of = state
            .font
            .and_then(|f| fonts.unicode(f, code))
            .unwrap_or_else(|| char::from_u32(code).map(String::from).unwrap_or_default());
        // Word spacing applies to the single-byte code 32 only (PDF 9.3.3).
        let spacing = state.char_spacing
            + if !two_byte && code == 32 {
                state.word_spacing
            } else {
                0.0
            };
        let along = trm[0].hypot(trm[1]).max(1e-9);
        let det = trm[0] * trm[3] - trm[1] * trm[2];
        let (sin, cos) = (trm[1] / along, trm[0] / along);
        let (px, py) = (trm[4], trm[5]);
        let x = px * cos + py * sin;
        out.push(Glyph {
            x,
            y: py * cos - px * sin,
            end: x + (width * state.size + spacing) * along,
            size: state.size * det.abs() / along,
            angle: sin.atan2(cos).to_degrees().round(),
            text: text_of,
            font: state.font,
        });
        let advance = (width * state.size + spacing) * state.scale;
        *text = mul(&translate(advance, 0.0), text);
    }
}
