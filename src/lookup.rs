//! Names a user gives witness (a country, a topic, a template, a jurisdiction): the one rule
//! for what such a name may be, and the one way an unknown name is explained.

/// Whether `name` can name a country, template or jurisdiction. Each of these becomes a
/// folder or file name below a workspace folder, so only a plain name is looked up: letters,
/// digits, `-` and `_`, never a separator, `..` or an absolute path.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The candidate closest to `given`, if one is close enough to be the likely intent.
pub fn did_you_mean<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Jaro-Winkler favours a shared start, which is how names are mistyped; 0.8 keeps
    // `kyrgystan` → `kyrgyzstan` and drops unrelated names.
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&given.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The help for an unknown name: "did you mean `x`?", or else "`listing`: a, b, c", or
/// "there are none" when nothing is known.
pub fn help<S: AsRef<str>>(given: &str, known: &[S], listing: &str) -> String {
    match did_you_mean(given, known.iter().map(AsRef::as_ref)) {
        Some(best) => format!("did you mean `{best}`?"),
        None if known.is_empty() => format!("{listing}: none"),
        None => {
            let names: Vec<&str> = known.iter().map(AsRef::as_ref).collect();
            format!("{listing}: {}", names.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_cannot_reach_outside_their_folder() {
        for good in ["kyrgyzstan", "uk-iac", "expert_report", "a1"] {
            assert!(is_plain_name(good), "{good}");
        }
        for bad in ["", "..", "../etc", "/etc", "a/b", "a b", "a.toml", "ä"] {
            assert!(!is_plain_name(bad), "{bad}");
        }
    }

    #[test]
    fn help_suggests_a_near_name_or_lists_them() {
        let known = ["kyrgyzstan", "kazakhstan"];
        assert_eq!(
            help("kyrgystan", &known, "countries"),
            "did you mean `kyrgyzstan`?"
        );
        assert_eq!(
            help("peru", &known, "countries"),
            "countries: kyrgyzstan, kazakhstan"
        );
        assert_eq!(help::<&str>("peru", &[], "countries"), "countries: none");
    }
}
