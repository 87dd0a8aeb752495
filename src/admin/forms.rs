//! The user and agency forms: raw values (kept to re-render the form as the
//! user typed it) and their parsing into model inputs or field errors.

use crate::admin::model::{
    Agency, AgencyInput, AgencyKind, Names, ServiceKind, UserInput, UserRecord,
};
use crate::auth::forms::Password;
use crate::policy::Role;
use crate::web::forms::{self, FieldErrors, FormData};
use crate::web::i18n::Lang;

pub const NAME_MAX: usize = 200;
pub const AGENCY_NAME_MAX: usize = 300;
pub const CONTACT_MAX: usize = 1000;

/// A login: 3–64 of a–z, 0–9, dot, dash, underscore; compared lower-case.
pub fn parse_login(value: &str) -> Result<String, &'static str> {
    let login = value.trim().to_lowercase();
    if login.is_empty() {
        return Err("error-required");
    }
    let ok = (3..=64).contains(&login.len())
        && login.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        });
    if ok {
        Ok(login)
    } else {
        Err("error-login-format")
    }
}

/// The user form as typed.
#[derive(Debug, Clone, Default)]
pub struct UserValues {
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub agency_id: String,
    pub location_id: String,
    pub locale: String,
    pub password: String,
    pub version: String,
    /// For the head of a labour inspection office: they inspect, so a
    /// labour inspector post opens with the account.
    pub inspects: bool,
}

impl UserValues {
    pub fn from_form(form: &FormData) -> UserValues {
        UserValues {
            login: form.get("login").to_owned(),
            display_name: form.get("display_name").to_owned(),
            role: form.get("role").to_owned(),
            agency_id: form.get("agency_id").to_owned(),
            location_id: form.get("location_id").to_owned(),
            locale: form.get("locale").to_owned(),
            password: form.get("password").to_owned(),
            version: form.get("version").to_owned(),
            inspects: form.get("inspects") == "yes",
        }
    }

    pub fn from_record(user: &UserRecord) -> UserValues {
        UserValues {
            login: user.login.clone(),
            display_name: user.display_name.clone(),
            role: user.role.as_str().to_owned(),
            agency_id: user.agency_id.map(|i| i.to_string()).unwrap_or_default(),
            location_id: user.location_id.map(|i| i.to_string()).unwrap_or_default(),
            locale: user.locale.as_str().to_owned(),
            password: String::new(),
            version: user.version.to_string(),
            inspects: false,
        }
    }

    pub fn blank() -> UserValues {
        UserValues {
            locale: Lang::DEFAULT.as_str().to_owned(),
            ..UserValues::default()
        }
    }

    /// The fields both creating and editing share.
    fn parse_input(&self, errors: &mut FieldErrors) -> Option<UserInput> {
        let display_name = forms::name(&self.display_name, NAME_MAX, true)
            .map_err(|k| errors.add("display_name", k))
            .ok();
        let role = Role::parse(&self.role);
        if role.is_none() {
            errors.add(
                "role",
                if self.role.is_empty() {
                    "error-required"
                } else {
                    "error-invalid-choice"
                },
            );
        }
        let agency_id = forms::optional_id(&self.agency_id)
            .map_err(|k| errors.add("agency_id", k))
            .ok();
        let location_id = forms::optional_number(&self.location_id, 1, i64::from(i32::MAX))
            .map_err(|_| errors.add("location_id", "error-invalid-choice"))
            .ok();
        let locale = Lang::parse(&self.locale);
        if locale.is_none() {
            errors.add("locale", "error-invalid-choice");
        }
        Some(UserInput {
            display_name: display_name?,
            role: role?,
            agency_id: agency_id?,
            location_id: location_id?.map(|i| i as i32),
            locale: locale?,
        })
    }

    /// A new user: login, profile and the temporary password the admin chose.
    pub fn parse_new(&self) -> Result<(String, UserInput, Password), FieldErrors> {
        let mut errors = FieldErrors::new();
        let login = parse_login(&self.login)
            .map_err(|k| errors.add("login", k))
            .ok();
        let input = self.parse_input(&mut errors);
        let password = Password::parse(&self.password, &self.login)
            .map_err(|k| errors.add("password", k))
            .ok();
        match (login, input, password) {
            (Some(l), Some(i), Some(p)) if errors.is_empty() => Ok((l, i, p)),
            _ => Err(errors),
        }
    }

    /// Changes to an existing user, with the version the form was loaded at.
    pub fn parse_edit(&self) -> Result<(UserInput, i32), FieldErrors> {
        let mut errors = FieldErrors::new();
        let input = self.parse_input(&mut errors);
        let version = self.version.trim().parse::<i32>().ok();
        if version.is_none() {
            errors.add("version", "error-invalid-choice");
        }
        match (input, version) {
            (Some(i), Some(v)) if errors.is_empty() => Ok((i, v)),
            _ => Err(errors),
        }
    }
}

/// The agency form as typed.
#[derive(Debug, Clone, Default)]
pub struct AgencyValues {
    pub kind: String,
    pub name_ky: String,
    pub name_ru: String,
    pub name_en: String,
    pub location_id: String,
    pub contact: String,
    pub services: Vec<String>,
    pub capacity: String,
    pub active: bool,
    pub version: String,
}

impl AgencyValues {
    pub fn from_form(form: &FormData) -> AgencyValues {
        AgencyValues {
            kind: form.get("kind").to_owned(),
            name_ky: form.get("name_ky").to_owned(),
            name_ru: form.get("name_ru").to_owned(),
            name_en: form.get("name_en").to_owned(),
            location_id: form.get("location_id").to_owned(),
            contact: form.get("contact").to_owned(),
            services: form
                .all("services")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            capacity: form.get("capacity").to_owned(),
            active: form.get("active") == "on",
            version: form.get("version").to_owned(),
        }
    }

    pub fn from_record(agency: &Agency) -> AgencyValues {
        AgencyValues {
            kind: agency.kind.as_str().to_owned(),
            name_ky: agency.names.ky.clone(),
            name_ru: agency.names.ru.clone(),
            name_en: agency.names.en.clone(),
            location_id: agency.location_id.to_string(),
            contact: agency.contact.clone(),
            services: agency
                .services
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            capacity: agency.capacity.map(|c| c.to_string()).unwrap_or_default(),
            active: agency.active,
            version: agency.version.to_string(),
        }
    }

    pub fn blank() -> AgencyValues {
        AgencyValues {
            active: true,
            ..AgencyValues::default()
        }
    }

    pub fn offers(&self, service: &ServiceKind) -> bool {
        self.services.iter().any(|s| s == service.as_str())
    }

    pub fn parse(&self) -> Result<AgencyInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = AgencyKind::parse(&self.kind);
        if kind.is_none() {
            errors.add(
                "kind",
                if self.kind.is_empty() {
                    "error-required"
                } else {
                    "error-invalid-choice"
                },
            );
        }
        let mut name = |field: &'static str, value: &str| {
            forms::required_text(value, AGENCY_NAME_MAX)
                .map_err(|k| errors.add(field, k))
                .ok()
        };
        let (ky, ru, en) = (
            name("name_ky", &self.name_ky),
            name("name_ru", &self.name_ru),
            name("name_en", &self.name_en),
        );
        let location_id = match forms::optional_number(&self.location_id, 1, i64::from(i32::MAX)) {
            Ok(Some(id)) => Some(id as i32),
            Ok(None) => {
                errors.add("location_id", "error-required");
                None
            }
            Err(_) => {
                errors.add("location_id", "error-invalid-choice");
                None
            }
        };
        let contact = forms::text(&self.contact, CONTACT_MAX, true)
            .map_err(|k| errors.add("contact", k))
            .ok();
        let mut services = Vec::new();
        for value in &self.services {
            match ServiceKind::parse(value) {
                Some(s) if !services.contains(&s) => services.push(s),
                Some(_) => {}
                None => errors.add("services", "error-invalid-choice"),
            }
        }
        services.sort();
        let capacity = forms::optional_number(&self.capacity, 0, 100_000)
            .map_err(|k| errors.add("capacity", k))
            .ok();
        match (kind, ky, ru, en, location_id, contact, capacity) {
            (
                Some(kind),
                Some(ky),
                Some(ru),
                Some(en),
                Some(location_id),
                Some(contact),
                Some(capacity),
            ) if errors.is_empty() => Ok(AgencyInput {
                kind,
                location_id,
                names: Names { ky, ru, en },
                contact,
                services,
                capacity: capacity.map(|c| c as i32),
                active: self.active,
            }),
            _ => Err(errors),
        }
    }

    pub fn parse_version(&self) -> Option<i32> {
        self.version.trim().parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_lower_case_ascii() {
        assert_eq!(parse_login(" Aigul.Osh "), Ok("aigul.osh".into()));
        assert_eq!(parse_login("ab"), Err("error-login-format"));
        assert_eq!(parse_login("айгүл"), Err("error-login-format"));
        assert_eq!(parse_login("a b c"), Err("error-login-format"));
        assert_eq!(parse_login(""), Err("error-required"));
    }

    #[test]
    fn agency_form_reports_every_bad_field() {
        let values = AgencyValues {
            kind: "bank".into(),
            name_ky: "".into(),
            name_ru: "Центр".into(),
            name_en: "x".repeat(301),
            location_id: "abc".into(),
            contact: "".into(),
            services: vec!["medical".into(), "magic".into()],
            capacity: "-3".into(),
            active: true,
            version: "".into(),
        };
        let errors = values.parse().unwrap_err();
        assert_eq!(errors.get("kind"), Some("error-invalid-choice"));
        assert_eq!(errors.get("name_ky"), Some("error-required"));
        assert_eq!(errors.get("name_ru"), None);
        assert_eq!(errors.get("name_en"), Some("error-too-long"));
        assert_eq!(errors.get("location_id"), Some("error-invalid-choice"));
        assert_eq!(errors.get("services"), Some("error-invalid-choice"));
        assert_eq!(errors.get("capacity"), Some("error-number-out-of-range"));
    }
}
