//! What the web article says of itself and how it looks: the head's title, description,
//! Open Graph tags and schema.org JSON-LD, and the brand's colours, logo and contacts made
//! safe for the page.

use anyhow::{Result, bail};
use base64::Engine;
use serde::Serialize;
use serde_json::{Value, json};

use crate::assemble::markdown::is_web_address;
use crate::load::workspace::Brand;
use crate::sample::data::Logo;

/// The house ink of the PDF, for a brand that gives no colour of its own.
const HOUSE_COLOUR: &str = "#1f2a44";
/// The links' colour for a brand that gives no accent.
const HOUSE_ACCENT: &str = "#a4471a";

/// One `<meta property=… content=…>` of the head.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// The Open Graph property, such as `og:title`.
    pub property: &'static str,
    /// Its value, as text.
    pub content: String,
}

/// What the head says: the same words for the title, the Open Graph tags and the JSON-LD.
pub struct Head<'a> {
    /// The article's headline.
    pub headline: &'a str,
    /// `<title>`: the headline and the brand.
    pub title: String,
    /// The meta description: the brief's summary.
    pub description: &'a str,
    /// The date the article's content is from, `YYYY-MM-DD`.
    pub date: String,
    /// The country it is about.
    pub country: &'a str,
    /// The page's language, as `<html lang>` gives it.
    pub lang: &'static str,
}

impl Head<'_> {
    /// The Open Graph tags; `og:site_name` only when the brand gives a name.
    pub fn open_graph(&self, brand: &Contacts) -> Vec<Meta> {
        let mut tags = vec![
            Meta {
                property: "og:type",
                content: "article".into(),
            },
            Meta {
                property: "og:title",
                content: self.headline.to_string(),
            },
            Meta {
                property: "og:description",
                content: self.description.to_string(),
            },
            Meta {
                property: "article:published_time",
                content: self.date.clone(),
            },
        ];
        if let Some(name) = &brand.name {
            tags.push(Meta {
                property: "og:site_name",
                content: name.clone(),
            });
        }
        tags
    }

    /// The schema.org `Article`, as JSON safe to write inside `<script>`: author and
    /// publisher are the agency, as far as the brand names it.
    pub fn json_ld(&self, brand: &Contacts) -> String {
        let mut article = json!({
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": self.headline,
            "description": self.description,
            "datePublished": self.date,
            "inLanguage": self.lang,
            "about": { "@type": "Country", "name": self.country },
        });
        if let Some(name) = &brand.name {
            let mut agency = json!({ "@type": "Organization", "name": name });
            if let Some(website) = brand.website.as_ref().filter(|w| !w.href.is_empty()) {
                agency["url"] = Value::String(website.href.clone());
            }
            if let Some(email) = &brand.email {
                agency["email"] = Value::String(email.text.clone());
            }
            if let Some(phone) = &brand.phone {
                agency["telephone"] = Value::String(phone.text.clone());
            }
            article["author"] = agency.clone();
            article["publisher"] = agency;
        }
        script_safe_json(&article)
    }
}

/// `value` as JSON that no text in it can end the `<script>` holding it: `<`, `>` and `&`
/// are written as `\u` escapes, which JSON reads back as the same characters (they occur
/// only inside strings, so the JSON means exactly what it meant).
pub fn script_safe_json(value: &Value) -> String {
    let json = serde_json::to_string_pretty(value).expect("JSON values serialise");
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A contact as the page shows it and links it.
#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    /// As the brand writes it.
    pub text: String,
    /// Where the link goes: `https://…`, `mailto:…`, `tel:…`.
    pub href: String,
}

/// The brand as the page shows it: only what the brand gives, blanks left out.
#[derive(Debug, Clone, Serialize)]
pub struct Contacts {
    /// The agency's name.
    pub name: Option<String>,
    /// Its one-line description.
    pub tagline: Option<String>,
    /// Its website.
    pub website: Option<Contact>,
    /// Its e-mail address.
    pub email: Option<Contact>,
    /// Its telephone number.
    pub phone: Option<Contact>,
}

impl Contacts {
    /// The page's view of `brand`.
    pub fn of(brand: &Brand) -> Self {
        let given = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let website = given(&brand.website).map(|text| {
            let href = if text.contains("://") {
                text.clone()
            } else {
                format!("https://{text}")
            };
            // An address that is not the web's is printed, not linked.
            let href = if is_web_address(&href) {
                href
            } else {
                String::new()
            };
            Contact { href, text }
        });
        let email = given(&brand.email).map(|text| Contact {
            href: format!("mailto:{text}"),
            text,
        });
        let phone = given(&brand.phone).map(|text| Contact {
            href: format!(
                "tel:{}",
                text.chars()
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect::<String>()
            ),
            text,
        });
        Self {
            name: given(&brand.name),
            tagline: given(&brand.tagline),
            website,
            email,
            phone,
        }
    }
}

/// The brand's colours, checked: they are written into the page's style sheet.
#[derive(Debug, Clone, Serialize)]
pub struct Colours {
    /// The header and headings.
    pub main: String,
    /// Links and marks.
    pub accent: String,
}

impl Colours {
    /// The brand's colours, or the house's where it gives none. Only `#rgb` and `#rrggbb`
    /// are taken, so nothing but a colour reaches the style sheet.
    pub fn of(brand: &Brand) -> Result<Self> {
        let pick = |value: &Option<String>, field: &str, default: &str| -> Result<String> {
            let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
                return Ok(default.to_string());
            };
            let digits = value.strip_prefix('#').unwrap_or("");
            if !(matches!(digits.len(), 3 | 6) && digits.chars().all(|c| c.is_ascii_hexdigit())) {
                bail!(
                    "brand.{field} in witness.toml is {value:?}, not a colour\n  \
                     help: give it as `#` and six hexadecimal digits, such as \"{default}\""
                );
            }
            Ok(value.to_ascii_lowercase())
        };
        Ok(Self {
            main: pick(&brand.colour, "colour", HOUSE_COLOUR)?,
            accent: pick(&brand.accent, "accent", HOUSE_ACCENT)?,
        })
    }
}

/// The logo as a `data:` address, so the page needs no other file; `None` for a kind of
/// image a browser may not show.
pub fn logo_data_uri(logo: &Logo) -> Option<String> {
    let mime = match logo.extension.as_str() {
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => return None,
    };
    let data = base64::engine::general_purpose::STANDARD.encode(&logo.bytes);
    Some(format!("data:{mime};base64,{data}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_its_script_and_reads_back_the_same() {
        let value = json!({ "name": "</script><script>alert(1)</script> & <!--" });
        let safe = script_safe_json(&value);
        assert!(!safe.contains('<') && !safe.contains('>'), "{safe}");
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn only_colours_reach_the_style_sheet() {
        let brand = |colour: &str| Brand {
            colour: Some(colour.to_string()),
            ..Brand::default()
        };
        assert_eq!(Colours::of(&brand("#A1B2C3")).unwrap().main, "#a1b2c3");
        for bad in ["red; } body { display: none", "#12345", "1f2a44", "#12345g"] {
            assert!(Colours::of(&brand(bad)).is_err(), "{bad}");
        }
    }
}
