//! TOML escapes for the text witness writes, and the Handlebars helpers that apply them.
//!
//! The case-file template is rendered with Handlebars' HTML escaping off, so nothing stands
//! between a value and the TOML but these helpers; the template inserts every value through
//! one of them.

use std::fmt::Write as _;

use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, JsonTruthy, Output, RenderContext,
    RenderError, RenderErrorReason, Renderable,
};
use serde_json::Value;

/// A TOML basic string: `"..."` with `\` and `"` escaped, and control characters as `\u`.
pub(super) fn basic_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => push_unicode_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML multi-line string holding `text` on its own lines, as case prose is written.
pub(super) fn text_block(text: &str) -> String {
    let mut escaped = String::new();
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            // Line breaks and tabs are the prose itself; any other control character is not
            // allowed raw in a multi-line string (a lone carriage return included).
            '\n' | '\t' => escaped.push(c),
            c if c.is_control() => push_unicode_escape(&mut escaped, c),
            c => escaped.push(c),
        }
    }
    // Three quotes in a row would end the string: escape the third of each run of three.
    let escaped = escaped.replace("\"\"\"", "\"\"\\\"");
    format!("\"\"\"\n{escaped}\n\"\"\"")
}

/// A TOML key: bare where TOML allows it, so that the usual ids read as they are written,
/// and quoted otherwise.
fn key(text: &str) -> String {
    let bare = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare {
        text.to_string()
    } else {
        basic_string(text)
    }
}

/// Text shown in a TOML comment. A comment ends at the line's end, and TOML refuses control
/// characters in one, so a line break in a value would otherwise turn the rest of the value
/// into TOML; they show as their escapes instead.
pub(super) fn comment(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\t' => out.push(c),
            c if c.is_control() => push_unicode_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// A TOML local date, checked to be one: it goes into the file without quotes.
fn date(text: &str) -> Result<String, String> {
    match text.parse::<toml::value::Datetime>() {
        Ok(datetime) if datetime.time.is_none() && datetime.offset.is_none() => {
            Ok(text.to_string())
        }
        _ => Err(format!("`{text}` is not a TOML date")),
    }
}

fn push_unicode_escape(out: &mut String, c: char) {
    let _ = write!(out, "\\u{:04X}", c as u32);
}

/// Registers the `toml-*` helpers, and `if`/`unless` that refuse a missing value.
///
/// `toml-string`, `toml-text`, `toml-key`, `toml-comment` and `toml-date` take one string,
/// either as a parameter (`{{toml-string reference}}`) or as the rendered text of their
/// block (`{{#toml-string}}{{to_write}} your name{{/toml-string}}`), which lets a prompt mix
/// fixed words and values and still be escaped as a whole. `toml-list` takes a list of
/// strings. Each takes `pad=N`, which pads the TOML to N characters so that the comments after
/// a column of values line up.
pub(super) fn register(registry: &mut Handlebars) {
    let escapes: [(&'static str, Escaper); 5] = [
        ("toml-string", |t| Ok(basic_string(t))),
        ("toml-text", |t| Ok(text_block(t))),
        ("toml-key", |t| Ok(key(t))),
        ("toml-comment", |t| Ok(comment(t))),
        ("toml-date", date),
    ];
    for (name, escape) in escapes {
        registry.register_helper(name, Box::new(Escape { name, escape }));
    }
    registry.register_helper("toml-list", Box::new(List));
    registry.register_helper("if", Box::new(StrictIf { positive: true }));
    registry.register_helper("unless", Box::new(StrictIf { positive: false }));
}

type Escaper = fn(&str) -> Result<String, String>;

/// A helper that turns one string into TOML text.
struct Escape {
    name: &'static str,
    escape: Escaper,
}

impl HelperDef for Escape {
    fn call<'reg: 'rc, 'rc>(
        &self,
        helper: &Helper<'rc>,
        registry: &'reg Handlebars<'reg>,
        context: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let text = match (helper.param(0), helper.template()) {
            (Some(param), None) => {
                let value = present(self.name, param)?;
                value
                    .as_str()
                    .ok_or_else(|| wrong(self.name, "a string", value))?
                    .to_string()
            }
            (None, Some(block)) => block.renders(registry, context, rc)?,
            _ => {
                return Err(failure(format!(
                    "{} takes either one value or a block",
                    self.name
                )));
            }
        };
        let toml =
            (self.escape)(&text).map_err(|reason| failure(format!("{}: {reason}", self.name)))?;
        write_padded(helper, out, &toml)
    }
}

/// `toml-list`: a list of strings as a one-line TOML array.
struct List;

impl HelperDef for List {
    fn call<'reg: 'rc, 'rc>(
        &self,
        helper: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let param = helper
            .param(0)
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("toml-list", 0))?;
        let value = present("toml-list", param)?;
        let items = value
            .as_array()
            .ok_or_else(|| wrong("toml-list", "a list", value))?
            .iter()
            .map(|item| {
                item.as_str()
                    .map(basic_string)
                    .ok_or_else(|| wrong("toml-list", "a list of strings", value))
            })
            .collect::<Result<Vec<_>, _>>()?;
        write_padded(helper, out, &format!("[{}]", items.join(", ")))
    }
}

/// `if` and `unless` as Handlebars has them, except that a missing value is an error: strict
/// mode leaves these two out, and a misspelt name would otherwise quietly choose a branch.
struct StrictIf {
    positive: bool,
}

impl HelperDef for StrictIf {
    fn call<'reg: 'rc, 'rc>(
        &self,
        helper: &Helper<'rc>,
        registry: &'reg Handlebars<'reg>,
        context: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let name = if self.positive { "if" } else { "unless" };
        let param = helper
            .param(0)
            .ok_or(RenderErrorReason::ParamNotFoundForIndex(name, 0))?;
        let value = present(name, param)?;
        let block = if value.is_truthy(false) == self.positive {
            helper.template()
        } else {
            helper.inverse()
        };
        match block {
            Some(block) => block.render(registry, context, rc, out),
            None => Ok(()),
        }
    }
}

/// The parameter's value, or strict mode's error when there is none: helpers see missing
/// values as null, which strict mode does not catch for them.
fn present<'a>(
    helper: &str,
    param: &'a handlebars::PathAndJson<'_>,
) -> Result<&'a Value, RenderError> {
    if param.is_value_missing() {
        let path = param.relative_path().map(|p| format!("{helper} {p}"));
        return Err(RenderError::strict_error(path.as_ref()));
    }
    Ok(param.value())
}

fn wrong(helper: &str, wanted: &str, value: &Value) -> RenderError {
    failure(format!("{helper} wants {wanted}, not {value}"))
}

fn failure(message: String) -> RenderError {
    RenderErrorReason::Other(message).into()
}

fn write_padded(helper: &Helper, out: &mut dyn Output, toml: &str) -> HelperResult {
    let width = match helper.hash_get("pad") {
        None => 0,
        Some(pad) => pad
            .value()
            .as_u64()
            .ok_or_else(|| wrong(helper.name(), "a number for pad", pad.value()))?
            as usize,
    };
    out.write(&format!("{toml:<width$}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toml_value(toml: &str) -> toml::Value {
        let table: toml::Table = toml::from_str(&format!("v = {toml}")).unwrap();
        table["v"].clone()
    }

    #[test]
    fn strings_are_escaped_for_toml() {
        assert_eq!(basic_string("a \"b\" \\ c"), r#""a \"b\" \\ c""#);
        let block = text_block("x \"\"\" y \\");
        assert_eq!(toml_value(&block).as_str().unwrap(), "x \"\"\" y \\\n");
    }

    #[test]
    fn any_text_survives_each_escape() {
        let hostile = "a \"q\" \\ b\nc\r\nd \"\"\"\" e \u{7} f\tg {{h}} '''";
        assert_eq!(toml_value(&basic_string(hostile)).as_str(), Some(hostile));
        let block = toml_value(&text_block(hostile));
        assert_eq!(block.as_str(), Some(format!("{hostile}\n").as_str()));
        let table: toml::Table = toml::from_str(&format!("{} = 1", key(hostile))).unwrap();
        assert!(table.contains_key(hostile));
        assert_eq!(key("freedom-of-speech"), "freedom-of-speech");
        let commented: toml::Table = toml::from_str(&format!("# {}\n", comment(hostile))).unwrap();
        assert!(commented.is_empty());
    }

    #[test]
    fn dates_must_be_toml_dates() {
        assert_eq!(date("2026-11-26").unwrap(), "2026-11-26");
        assert!(date("+10000-01-01").is_err());
        assert!(date("2026-11-26T10:00:00").is_err());
        assert!(date("\"2026-11-26\"").is_err());
    }

    fn render(template: &str, data: &Value) -> Result<String, RenderError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        register(&mut registry);
        registry.render_template(template, data)
    }

    #[test]
    fn helpers_escape_values_and_blocks_and_pad() {
        let data = serde_json::json!({"name": "a \"b\"", "tags": ["x", "y\\"], "yes": true});
        assert_eq!(
            render("{{toml-string name pad=10}}#", &data).unwrap(),
            "\"a \\\"b\\\"\" #"
        );
        assert_eq!(
            render("{{#toml-string}}to {{name}}{{/toml-string}}", &data).unwrap(),
            "\"to a \\\"b\\\"\""
        );
        assert_eq!(
            render("{{toml-list tags}}", &data).unwrap(),
            "[\"x\", \"y\\\\\"]"
        );
        assert_eq!(
            render(
                "{{#if yes}}1{{else}}2{{/if}}{{#unless yes}}3{{/unless}}",
                &data
            )
            .unwrap(),
            "1"
        );
    }

    #[test]
    fn missing_and_mistyped_values_are_errors() {
        let data = serde_json::json!({"name": "a", "tags": ["x"], "n": 1, "none": null});
        for template in [
            "{{toml-string nmae}}",
            "{{toml-string n}}",
            "{{toml-string none}}",
            "{{toml-string tags}}",
            "{{toml-list name}}",
            "{{toml-list tagz}}",
            "{{toml-date name}}",
            "{{#if nmae}}1{{/if}}",
            "{{#unless nmae}}1{{/unless}}",
            "{{#toml-string}}{{nmae}}{{/toml-string}}",
        ] {
            assert!(render(template, &data).is_err(), "{template} rendered");
        }
    }
}
