//! Three languages through Project Fluent: Kyrgyz (the default), Russian and
//! English. The `.ftl` files are embedded in the binary; templates reach them
//! through the page context's `t(...)` methods, never through globals.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

crate::text_enum! {
    /// A language of the interface.
    pub enum Lang ("lang") {
        Ky = "ky",
        Ru = "ru",
        En = "en",
    }
}

impl Lang {
    pub const DEFAULT: Lang = Lang::Ky;
}

#[derive(rust_embed::RustEmbed)]
#[folder = "locales/"]
#[include = "*.ftl"]
struct LocaleFiles;

/// Shown instead of a message that does not exist, so a test (and a reader)
/// sees at once that a key is missing.
pub const MISSING_MARK: char = '⟦';

pub struct Translator {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

impl Translator {
    /// Load every `.ftl` file of every language; a syntax error or a message
    /// defined twice is an error, not a silent gap.
    pub fn load() -> anyhow::Result<Translator> {
        let mut bundles = Vec::new();
        for &lang in Lang::ALL {
            let id: LanguageIdentifier = lang.as_str().parse()?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Fluent wraps arguments in bidi isolation marks; all three languages
            // are left-to-right and the marks would end up in form values and CSV.
            bundle.set_use_isolating(false);
            let prefix = format!("{}/", lang.as_str());
            let mut files: Vec<_> = LocaleFiles::iter()
                .filter(|f| f.starts_with(&prefix))
                .collect();
            files.sort();
            for file in files {
                let data = LocaleFiles::get(&file)
                    .ok_or_else(|| anyhow::anyhow!("locale file {file} vanished"))?
                    .data;
                let text = String::from_utf8(data.into_owned())?;
                let resource = FluentResource::try_new(text)
                    .map_err(|(_, errors)| anyhow::anyhow!("locales/{file}: {errors:?}"))?;
                bundle
                    .add_resource(resource)
                    .map_err(|errors| anyhow::anyhow!("locales/{file}: {errors:?}"))?;
            }
            bundles.push((lang, bundle));
        }
        Ok(Translator { bundles })
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        let (_, bundle) = self
            .bundles
            .iter()
            .find(|(l, _)| *l == lang)
            .unwrap_or(&self.bundles[0]);
        bundle
    }

    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.bundle(lang)
            .get_message(key)
            .is_some_and(|m| m.value().is_some())
    }

    pub fn format(&self, lang: Lang, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = self.bundle(lang);
        match bundle.get_message(key).and_then(|m| m.value()) {
            Some(pattern) => {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(key, lang = lang.as_str(), ?errors, "message formatting");
                }
                text.into_owned()
            }
            None => {
                tracing::warn!(key, lang = lang.as_str(), "missing message");
                format!("{MISSING_MARK}{key}⟧")
            }
        }
    }

    pub fn t(&self, lang: Lang, key: &str) -> String {
        self.format(lang, key, None)
    }

    /// A message with named arguments: numbers select plural forms.
    pub fn t_args(&self, lang: Lang, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            let value = match value {
                Arg::Str(s) => FluentValue::from(*s),
                Arg::Num(n) => FluentValue::from(*n),
            };
            fluent.set(*name, value);
        }
        self.format(lang, key, Some(&fluent))
    }
}

/// An argument to a message.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Str(&'a str),
    Num(i64),
}

/// The best of our languages for an `Accept-Language` header, if any fits.
pub fn negotiate(accept_language: &str) -> Option<Lang> {
    let mut best: Option<(f32, usize, Lang)> = None;
    for (position, item) in accept_language.split(',').enumerate() {
        let mut parts = item.trim().split(';');
        let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        let quality = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let Some(lang) = Lang::parse(primary) else {
            continue;
        };
        if quality.is_nan() || quality <= 0.0 {
            continue;
        }
        // Higher quality wins; among equals, the one the browser listed first.
        let better = match best {
            None => true,
            Some((q, _, _)) => quality > q,
        };
        if better {
            best = Some((quality, position, lang));
        }
    }
    best.map(|(_, _, lang)| lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality_then_order() {
        assert_eq!(negotiate("ru-RU,ru;q=0.9,en;q=0.8"), Some(Lang::Ru));
        assert_eq!(negotiate("de-DE,en;q=0.5,ky;q=0.7"), Some(Lang::Ky));
        assert_eq!(negotiate("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(negotiate("fr, de;q=0.5"), None);
        assert_eq!(negotiate("ru;q=0, en;q=0.1"), Some(Lang::En));
        assert_eq!(negotiate(""), None);
        assert_eq!(negotiate("ky-KG"), Some(Lang::Ky));
    }
}
