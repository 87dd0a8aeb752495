//! The training-record form: what the user typed (kept as typed, to show
//! again) and its parsing into a `TrainingInput` or errors per field.

use chrono::NaiveDate;

use super::model::{Course, TrainingInput, TrainingRecord};
use crate::web::forms::{
    FieldErrors, FormData, choice, optional_number, required_date, required_text, text,
};

/// Longest provider name (characters).
pub const PROVIDER_TEXT: usize = 300;
/// Longest certificate number (characters).
pub const CERTIFICATE_TEXT: usize = 100;
/// Most hours one course can count (a year of full-time study is far less).
pub const MAX_HOURS: i64 = 1000;

#[derive(Debug, Clone, Default)]
pub struct TrainingValues {
    pub course: String,
    pub completed_on: String,
    pub provider: String,
    pub certificate_number: String,
    pub hours: String,
    pub version: String,
}

impl TrainingValues {
    pub fn from_form(form: &FormData) -> TrainingValues {
        TrainingValues {
            course: form.get("course").to_owned(),
            completed_on: form.get("completed_on").to_owned(),
            provider: form.get("provider").to_owned(),
            certificate_number: form.get("certificate_number").to_owned(),
            hours: form.get("hours").to_owned(),
            version: form.get("version").to_owned(),
        }
    }

    pub fn from_record(record: &TrainingRecord) -> TrainingValues {
        TrainingValues {
            course: record.course.as_str().to_owned(),
            completed_on: record.completed_on.format("%Y-%m-%d").to_string(),
            provider: record.provider.clone(),
            certificate_number: record.certificate_number.clone().unwrap_or_default(),
            hours: record.hours.map(|h| h.to_string()).unwrap_or_default(),
            version: record.version.to_string(),
        }
    }

    pub fn parse(&self, today: NaiveDate) -> Result<TrainingInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let course = choice(&self.course, Course::parse)
            .map_err(|e| errors.add("course", e))
            .ok();
        let completed_on = required_date(&self.completed_on, today)
            .map_err(|e| errors.add("completed_on", e))
            .ok();
        let provider = required_text(&self.provider, PROVIDER_TEXT)
            .map_err(|e| errors.add("provider", e))
            .ok();
        let certificate_number = text(&self.certificate_number, CERTIFICATE_TEXT, false)
            .map_err(|e| errors.add("certificate_number", e))
            .ok()
            .filter(|c| !c.is_empty());
        let hours = optional_number(&self.hours, 1, MAX_HOURS)
            .map_err(|e| errors.add("hours", e))
            .ok()
            .flatten()
            .and_then(|h| i32::try_from(h).ok());
        match (course, completed_on, provider) {
            (Some(course), Some(completed_on), Some(provider)) if errors.is_empty() => {
                Ok(TrainingInput {
                    course,
                    completed_on,
                    provider,
                    certificate_number,
                    hours,
                })
            }
            _ => Err(errors),
        }
    }

    /// The version the form was loaded with, or the error to show.
    pub fn parse_version(&self) -> Result<i32, FieldErrors> {
        self.version.trim().parse::<i32>().map_err(|_| {
            let mut errors = FieldErrors::new();
            errors.add("version", "error-invalid-choice");
            errors
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn valid() -> TrainingValues {
        TrainingValues {
            course: "forced_child_labor".into(),
            completed_on: "12.03.2026".into(),
            provider: "ILO".into(),
            ..TrainingValues::default()
        }
    }

    #[test]
    fn a_course_with_only_the_required_fields_parses() {
        let input = valid().parse(today()).unwrap();
        assert_eq!(input.course, Course::ForcedChildLabor);
        assert_eq!(input.certificate_number, None);
        assert_eq!(input.hours, None);
    }

    #[test]
    fn each_bad_field_is_named() {
        type Spoil = fn(&mut TrainingValues);
        let cases: &[(Spoil, &str, &str)] = &[
            (
                |v| v.course = "juggling".into(),
                "course",
                "error-invalid-choice",
            ),
            (
                |v| v.completed_on = "2027-01-01".into(),
                "completed_on",
                "error-date-in-future",
            ),
            (
                |v| v.completed_on = "31.02.2026".into(),
                "completed_on",
                "error-date-format",
            ),
            (|v| v.provider = "  ".into(), "provider", "error-required"),
            (
                |v| v.hours = "0".into(),
                "hours",
                "error-number-out-of-range",
            ),
            (|v| v.hours = "8.5".into(), "hours", "error-not-a-number"),
            (
                |v| v.hours = "1001".into(),
                "hours",
                "error-number-out-of-range",
            ),
            (
                |v| v.certificate_number = "x".repeat(101),
                "certificate_number",
                "error-too-long",
            ),
        ];
        for (spoil, field, key) in cases {
            let mut v = valid();
            spoil(&mut v);
            assert_eq!(
                v.parse(today()).unwrap_err().get(field),
                Some(*key),
                "{field}"
            );
        }
    }
}
