//! Field-level errors and the small parsers every form shares. A form is
//! parsed into domain values or a list of (field, message key) pairs; the
//! page then shows each message next to its field, with the input kept.

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(Vec<(&'static str, &'static str)>);

impl FieldErrors {
    pub fn new() -> FieldErrors {
        FieldErrors(Vec::new())
    }

    /// One message for one field.
    pub fn from_one(field: &'static str, key: &'static str) -> FieldErrors {
        FieldErrors(vec![(field, key)])
    }

    /// Record `key` for `field` (the first error of a field wins).
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        if self.get(field).is_none() {
            self.0.push((field, key));
        }
    }

    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, k)| *k)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The attributes that tie a field to its message when it has one, for a
    /// template to write (`|safe`: field names are our own identifiers).
    pub fn aria(&self, field: &str) -> String {
        if self.get(field).is_some() {
            format!(" aria-invalid=\"true\" aria-describedby=\"{field}-error\"")
        } else {
            String::new()
        }
    }

    /// Every (field, message key), in the order found: the page's summary
    /// of what to correct lists them, each linking to the field's message
    /// (`#<field>-error`).
    pub fn messages(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.0.iter().copied()
    }

    /// The errors of several forms of one page, for its one summary.
    pub fn joined(all: &[&FieldErrors]) -> FieldErrors {
        let mut out = FieldErrors::new();
        for errors in all {
            for (field, key) in errors.messages() {
                out.add(field, key);
            }
        }
        out
    }

    pub fn fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|(f, _)| *f)
    }

    /// `Ok(value)` when no field failed.
    pub fn or_value<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// What saving an edited record came to: optimistic locking means a save can
/// find that someone else saved a newer version first.
pub enum SaveOutcome<T> {
    Saved,
    /// Checks that needed the database failed; the form shows these.
    Invalid(FieldErrors),
    /// Someone saved first: their version, to show beside the form.
    Conflict(Box<T>),
}

/// Text a person typed: trimmed; refused when it holds control characters
/// (other than line breaks and tabs where `multiline`), or is longer than `max` characters.
pub fn text(value: &str, max: usize, multiline: bool) -> Result<String, &'static str> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err("error-too-long");
    }
    let bad = value
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')));
    if bad {
        return Err("error-control-characters");
    }
    Ok(value.to_owned())
}

/// Unicode's format characters (general category Cf): invisible marks
/// such as the zero-width space, the soft hyphen, the byte-order mark and
/// the bidirectional overrides and isolates that make a name read other
/// than it is stored.
pub fn is_format_char(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2
        | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

/// A person's name as typed: compatibility-normalised (NFKC, so a
/// full-width or ligature letter is the letter itself), trimmed, and
/// refused when it holds a control or an invisible format character, or is
/// longer than `max` characters. The same name is then stored the same way
/// however it was typed.
pub fn name(value: &str, max: usize, required: bool) -> Result<String, &'static str> {
    use unicode_normalization::UnicodeNormalization;
    if value.chars().any(is_format_char) {
        return Err("error-invisible-characters");
    }
    let value: String = value.nfkc().collect();
    if required {
        required_text(&value, max)
    } else {
        text(&value, max, false)
    }
}

/// Required text.
pub fn required_text(value: &str, max: usize) -> Result<String, &'static str> {
    let value = text(value, max, false)?;
    if value.is_empty() {
        Err("error-required")
    } else {
        Ok(value)
    }
}

/// An optional whole number in `range`.
pub fn optional_number(value: &str, min: i64, max: i64) -> Result<Option<i64>, &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    match value.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
        Ok(_) => Err("error-number-out-of-range"),
        Err(_) => Err("error-not-a-number"),
    }
}

/// An optional id chosen from a list.
pub fn optional_id(value: &str) -> Result<Option<i64>, &'static str> {
    optional_number(value, 1, i64::MAX).map_err(|_| "error-invalid-choice")
}

/// yyyy-mm-dd (what a date input sends) or dd.mm.yyyy (what people type),
/// in the years a record of Korgoo can concern (1900–2100): anything else is
/// a typing slip, and some of it PostgreSQL could not even store.
pub fn parse_date(value: &str) -> Option<chrono::NaiveDate> {
    use chrono::Datelike;
    let value = value.trim();
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(value, "%d.%m.%Y"))
        .ok()
        .filter(|d| (1900..=2100).contains(&d.year()))
}

/// A day the form offers filled in with today (the day a child was
/// identified, a service started, a penalty was decided): a request that
/// does not carry the field at all, from a page opened before the field
/// existed, means today, as the page would have offered; a field the user
/// emptied stays empty and is refused as required.
pub fn day_or_today(form: &FormData, name: &str, today: chrono::NaiveDate) -> String {
    if form.has(name) {
        form.get(name).to_owned()
    } else {
        today.format("%Y-%m-%d").to_string()
    }
}

/// A required date, not after `latest`.
pub fn required_date(
    value: &str,
    latest: chrono::NaiveDate,
) -> Result<chrono::NaiveDate, &'static str> {
    if value.trim().is_empty() {
        return Err("error-required");
    }
    match parse_date(value) {
        None => Err("error-date-format"),
        Some(d) if d > latest => Err("error-date-in-future"),
        Some(d) => Ok(d),
    }
}

/// One of an enum's values, by its form spelling.
pub fn choice<T>(value: &str, parse: fn(&str) -> Option<T>) -> Result<T, &'static str> {
    if value.trim().is_empty() {
        return Err("error-required");
    }
    parse(value.trim()).ok_or("error-invalid-choice")
}

/// A yes/no radio pair.
pub fn yes_no(value: &str) -> Result<bool, &'static str> {
    match value {
        "yes" => Ok(true),
        "no" => Ok(false),
        "" => Err("error-required"),
        _ => Err("error-invalid-choice"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(text("  Айгүл  ", 10, false), Ok("Айгүл".into()));
        assert_eq!(text("ңөү", 3, false), Ok("ңөү".into()));
        assert_eq!(text("ңөүң", 3, false), Err("error-too-long"));
        assert_eq!(text("a\u{0}b", 10, false), Err("error-control-characters"));
        assert_eq!(text("a\nb", 10, false), Err("error-control-characters"));
        assert_eq!(text("a\nb", 10, true), Ok("a\nb".into()));
        assert_eq!(required_text("   ", 10), Err("error-required"));
    }

    #[test]
    fn dates_are_read_both_ways_within_sane_years() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 25);
        assert_eq!(parse_date("2026-11-25"), d);
        assert_eq!(parse_date(" 25.11.2026 "), d);
        assert_eq!(parse_date("-5000-01-01"), None);
        assert_eq!(parse_date("31.12.-5000"), None);
        assert_eq!(parse_date("0001-01-01"), None);
        assert_eq!(parse_date("31.02.2026"), None);
    }

    #[test]
    fn numbers_are_checked() {
        assert_eq!(optional_number("", 0, 10), Ok(None));
        assert_eq!(optional_number(" 7 ", 0, 10), Ok(Some(7)));
        assert_eq!(
            optional_number("11", 0, 10),
            Err("error-number-out-of-range")
        );
        assert_eq!(
            optional_number("-1", 0, 10),
            Err("error-number-out-of-range")
        );
        assert_eq!(optional_number("1e3", 0, 10), Err("error-not-a-number"));
    }
}

/// A submitted `application/x-www-form-urlencoded` form as name/value pairs.
/// Deserialization cannot fail on missing, repeated or oddly encoded fields;
/// each form's parser decides what they mean.
#[derive(Debug, Clone, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> FormData {
        FormData(
            url::form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// Fields given in code (a form kept for the session, read back).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    /// The first value of `name`, or "" when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name` (checkbox groups, multi-selects).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }
}

impl actix_web::FromRequest for FormData {
    type Error = crate::web::error::AppError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<FormData, Self::Error>>;

    fn from_request(
        req: &actix_web::HttpRequest,
        payload: &mut actix_web::dev::Payload,
    ) -> Self::Future {
        use crate::web::error::AppError;
        let is_form = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        let body = actix_web::web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let body = body.await.map_err(|e| {
                if e.as_response_error().status_code()
                    == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE
                {
                    AppError::PayloadTooLarge
                } else {
                    AppError::BadRequest
                }
            })?;
            if !is_form && !body.is_empty() {
                return Err(AppError::BadRequest);
            }
            Ok(FormData::parse(&body))
        })
    }
}
