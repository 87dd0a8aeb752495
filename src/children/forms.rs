//! The child form: as typed, and parsed into a `ChildInput` or field errors.

use chrono::{Datelike, NaiveDate};

use super::model::{Child, ChildInput, ChildLanguage, Disability, SchoolStatus, Sex, age_on};
use super::pin::PersonalNumber;
use crate::web::forms::{self, FieldErrors, FormData};

pub const NAME_MAX: usize = 100;
pub const GUARDIAN_MAX: usize = 200;
/// A child is a person under 18 (Children's Code).
pub const ADULT_AGE: i32 = 18;

#[derive(Debug, Clone, Default)]
pub struct ChildValues {
    pub family_name: String,
    pub given_name: String,
    pub patronymic: String,
    pub sex: String,
    pub birth_date: String,
    pub age: String,
    pub personal_number: String,
    pub guardian_name: String,
    pub guardian_contact: String,
    pub home_location_id: String,
    pub language: String,
    pub school_status: String,
    pub disability: String,
    pub version: String,
    /// Set when the user saw the likely duplicates and still registers a new child.
    pub confirmed_new: bool,
}

impl ChildValues {
    pub fn from_form(form: &FormData) -> ChildValues {
        ChildValues {
            family_name: form.get("family_name").to_owned(),
            given_name: form.get("given_name").to_owned(),
            patronymic: form.get("patronymic").to_owned(),
            sex: form.get("sex").to_owned(),
            birth_date: form.get("birth_date").to_owned(),
            age: form.get("age").to_owned(),
            personal_number: form.get("personal_number").to_owned(),
            guardian_name: form.get("guardian_name").to_owned(),
            guardian_contact: form.get("guardian_contact").to_owned(),
            home_location_id: form.get("home_location_id").to_owned(),
            language: form.get("language").to_owned(),
            school_status: form.get("school_status").to_owned(),
            disability: form.get("disability").to_owned(),
            version: form.get("version").to_owned(),
            confirmed_new: form.get("confirmed_new") == "yes",
        }
    }

    pub fn from_record(child: &Child) -> ChildValues {
        ChildValues {
            family_name: child.family_name.clone(),
            given_name: child.given_name.clone(),
            patronymic: child.patronymic.clone(),
            sex: child.sex.as_str().to_owned(),
            birth_date: if child.birth_date_estimated {
                String::new()
            } else {
                child.birth_date.format("%Y-%m-%d").to_string()
            },
            age: if child.birth_date_estimated {
                age_on(child.birth_date, chrono::Utc::now().date_naive()).to_string()
            } else {
                String::new()
            },
            personal_number: child.personal_number.clone().unwrap_or_default(),
            guardian_name: child.guardian_name.clone(),
            guardian_contact: child.guardian_contact.clone(),
            home_location_id: child.home_location_id.to_string(),
            language: child.language.as_str().to_owned(),
            school_status: child.school_status.as_str().to_owned(),
            disability: child.disability.as_str().to_owned(),
            version: child.version.to_string(),
            confirmed_new: false,
        }
    }

    pub fn blank(home_location_id: Option<i32>) -> ChildValues {
        ChildValues {
            home_location_id: home_location_id.map(|i| i.to_string()).unwrap_or_default(),
            language: ChildLanguage::Ky.as_str().to_owned(),
            disability: Disability::None.as_str().to_owned(),
            ..ChildValues::default()
        }
    }

    /// Parse against `today` (the date in Bishkek).
    pub fn parse(&self, today: NaiveDate) -> Result<ChildInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut name = |field: &'static str, value: &str, required: bool| {
            forms::name(value, NAME_MAX, required)
                .map_err(|k| errors.add(field, k))
                .ok()
        };
        let family_name = name("family_name", &self.family_name, true);
        let given_name = name("given_name", &self.given_name, true);
        let patronymic = name("patronymic", &self.patronymic, false);
        let sex = choice(&self.sex, Sex::parse, "sex", &mut errors);
        let language = choice(
            &self.language,
            ChildLanguage::parse,
            "language",
            &mut errors,
        );
        let school_status = choice(
            &self.school_status,
            SchoolStatus::parse,
            "school_status",
            &mut errors,
        );
        let disability = choice(
            &self.disability,
            Disability::parse,
            "disability",
            &mut errors,
        );
        let guardian_name = forms::name(&self.guardian_name, GUARDIAN_MAX, false)
            .map_err(|k| errors.add("guardian_name", k))
            .ok();
        let guardian_contact = forms::text(&self.guardian_contact, GUARDIAN_MAX, false)
            .map_err(|k| errors.add("guardian_contact", k))
            .ok();
        let home_location_id =
            match forms::optional_number(&self.home_location_id, 1, i64::from(i32::MAX)) {
                Ok(Some(id)) => Some(id as i32),
                Ok(None) => {
                    errors.add("home_location_id", "error-required");
                    None
                }
                Err(_) => {
                    errors.add("home_location_id", "error-invalid-choice");
                    None
                }
            };
        let pin = match self.personal_number.trim() {
            "" => Ok(None),
            value => PersonalNumber::parse(value, today).map(Some),
        }
        .map_err(|k| errors.add("personal_number", k))
        .ok()
        .flatten();

        // Date of birth, or an estimated age, or the one in the ПИН.
        let birth = match (self.birth_date.trim(), self.age.trim()) {
            ("", "") => match &pin {
                Some(p) => Some((p.birth_date, false)),
                None => {
                    errors.add("birth_date", "error-birth-or-age");
                    None
                }
            },
            ("", age) => match age.parse::<i32>() {
                Ok(age) if (0..ADULT_AGE).contains(&age) => {
                    let year = today.year() - age;
                    // The middle of the year of age: the estimate is off by six months at most.
                    let estimate =
                        NaiveDate::from_ymd_opt(year, today.month(), today.day().min(28))
                            .and_then(|d| d.checked_sub_days(chrono::Days::new(182)));
                    estimate.map(|d| (d, true))
                }
                Ok(age) if age >= ADULT_AGE => {
                    errors.add("age", "error-child-adult");
                    None
                }
                _ => {
                    errors.add("age", "error-age-format");
                    None
                }
            },
            (date, _) => match parse_date(date) {
                None => {
                    errors.add("birth_date", "error-date-format");
                    None
                }
                Some(d) if d > today => {
                    errors.add("birth_date", "error-date-in-future");
                    None
                }
                Some(d) if age_on(d, today) >= ADULT_AGE => {
                    errors.add("birth_date", "error-child-adult");
                    None
                }
                Some(d) => Some((d, false)),
            },
        };
        if let Some(p) = &pin {
            if sex.is_some_and(|s| s != p.sex) {
                errors.add("personal_number", "error-pin-sex-mismatch");
            }
            if let Some((date, false)) = birth
                && date != p.birth_date
            {
                errors.add("personal_number", "error-pin-birth-mismatch");
            }
            if age_on(p.birth_date, today) >= ADULT_AGE {
                errors.add("personal_number", "error-child-adult");
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        match (
            family_name,
            given_name,
            patronymic,
            sex,
            birth,
            guardian_name,
            guardian_contact,
            home_location_id,
            language,
            school_status,
            disability,
        ) {
            (
                Some(family_name),
                Some(given_name),
                Some(patronymic),
                Some(sex),
                Some((birth_date, estimated)),
                Some(guardian_name),
                Some(guardian_contact),
                Some(home_location_id),
                Some(language),
                Some(school_status),
                Some(disability),
            ) => Ok(ChildInput {
                family_name,
                given_name,
                patronymic,
                sex,
                birth_date,
                birth_date_estimated: estimated,
                personal_number: pin.map(|p| p.as_str().to_owned()),
                guardian_name,
                guardian_contact,
                home_location_id,
                language,
                school_status,
                disability,
            }),
            _ => Err(errors),
        }
    }
}

fn choice<T>(
    value: &str,
    parse: fn(&str) -> Option<T>,
    field: &'static str,
    errors: &mut FieldErrors,
) -> Option<T> {
    let parsed = parse(value);
    if parsed.is_none() {
        errors.add(
            field,
            if value.is_empty() {
                "error-required"
            } else {
                "error-invalid-choice"
            },
        );
    }
    parsed
}

pub use crate::web::forms::parse_date;

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn valid() -> ChildValues {
        ChildValues {
            family_name: "Токтогулова".into(),
            given_name: "Айгүл".into(),
            sex: "female".into(),
            birth_date: "05.03.2012".into(),
            home_location_id: "7".into(),
            language: "ky".into(),
            school_status: "irregular".into(),
            disability: "none".into(),
            ..ChildValues::default()
        }
    }

    #[test]
    fn a_child_with_a_birth_date() {
        let input = valid().parse(today()).unwrap();
        assert_eq!(
            input.birth_date,
            NaiveDate::from_ymd_opt(2012, 3, 5).unwrap()
        );
        assert!(!input.birth_date_estimated);
        assert_eq!(input.personal_number, None);
    }

    #[test]
    fn an_estimated_age_gives_an_estimated_birth_date() {
        let input = ChildValues {
            birth_date: "".into(),
            age: "13".into(),
            ..valid()
        }
        .parse(today())
        .unwrap();
        assert!(input.birth_date_estimated);
        assert_eq!(age_on(input.birth_date, today()), 13);
    }

    #[test]
    fn the_personal_number_must_agree_with_sex_and_birth_date() {
        let ok = ChildValues {
            personal_number: "10503201200123".into(),
            ..valid()
        }
        .parse(today())
        .unwrap();
        assert_eq!(ok.personal_number.as_deref(), Some("10503201200123"));
        let errors = ChildValues {
            personal_number: "20503201200123".into(),
            ..valid()
        }
        .parse(today())
        .unwrap_err();
        assert_eq!(
            errors.get("personal_number"),
            Some("error-pin-sex-mismatch")
        );
        let errors = ChildValues {
            personal_number: "10603201200123".into(),
            ..valid()
        }
        .parse(today())
        .unwrap_err();
        assert_eq!(
            errors.get("personal_number"),
            Some("error-pin-birth-mismatch")
        );
        // With only a ПИН, the birth date comes from it.
        let from_pin = ChildValues {
            birth_date: "".into(),
            personal_number: "10503201200123".into(),
            ..valid()
        }
        .parse(today())
        .unwrap();
        assert_eq!(
            from_pin.birth_date,
            NaiveDate::from_ymd_opt(2012, 3, 5).unwrap()
        );
    }

    #[test]
    fn adults_future_births_and_missing_ages_are_refused() {
        let errors = ChildValues {
            birth_date: "01.01.2001".into(),
            ..valid()
        }
        .parse(today())
        .unwrap_err();
        assert_eq!(errors.get("birth_date"), Some("error-child-adult"));
        let errors = ChildValues {
            birth_date: "2027-01-01".into(),
            ..valid()
        }
        .parse(today())
        .unwrap_err();
        assert_eq!(errors.get("birth_date"), Some("error-date-in-future"));
        let errors = ChildValues {
            birth_date: "".into(),
            age: "18".into(),
            ..valid()
        }
        .parse(today())
        .unwrap_err();
        assert_eq!(errors.get("age"), Some("error-child-adult"));
        let errors = ChildValues {
            birth_date: "".into(),
            ..valid()
        }
        .parse(today())
        .unwrap_err();
        assert_eq!(errors.get("birth_date"), Some("error-birth-or-age"));
        let errors = ChildValues {
            birth_date: "31.02.2015".into(),
            ..valid()
        }
        .parse(today())
        .unwrap_err();
        assert_eq!(errors.get("birth_date"), Some("error-date-format"));
    }
}
