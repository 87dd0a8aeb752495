//! The complaint forms: what the user typed (kept as typed, to show again)
//! and its parsing into domain values or errors per field.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::model::{Complaint, ComplaintInput, ComplaintStatus, SchoolOption};
use crate::admin::model::LocationOption;
use crate::web::forms::{FieldErrors, FormData, choice, required_date, text};
use crate::web::money;

/// Longest description or action taken (characters).
pub const LONG_TEXT: usize = 5000;
/// Longest complainant name or contact (characters).
pub const CONTACT_TEXT: usize = 200;

/// The largest fee a complaint can name: a school fee beyond a million som
/// is a typing slip, not a fee.
pub fn max_amount() -> Decimal {
    Decimal::from(1_000_000)
}

/// An amount in som above zero, at most two decimals and at most a million.
pub fn parse_amount(value: &str) -> Result<Decimal, &'static str> {
    let amount = money::positive(value)?;
    if amount > max_amount() {
        Err("error-money-too-large")
    } else {
        Ok(amount)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ComplaintValues {
    pub school_id: String,
    /// Empty: the school's territory.
    pub location_id: String,
    pub charged_on: String,
    pub amount: String,
    pub complainant_name: String,
    pub complainant_contact: String,
    pub description: String,
    pub version: String,
}

impl ComplaintValues {
    pub fn from_form(form: &FormData) -> ComplaintValues {
        ComplaintValues {
            school_id: form.get("school_id").to_owned(),
            location_id: form.get("location_id").to_owned(),
            charged_on: form.get("charged_on").to_owned(),
            amount: form.get("amount").to_owned(),
            complainant_name: form.get("complainant_name").to_owned(),
            complainant_contact: form.get("complainant_contact").to_owned(),
            description: form.get("description").to_owned(),
            version: form.get("version").to_owned(),
        }
    }

    pub fn from_record(c: &Complaint) -> ComplaintValues {
        ComplaintValues {
            school_id: c.school_id.to_string(),
            location_id: c.location_id.to_string(),
            charged_on: c.charged_on.format("%Y-%m-%d").to_string(),
            amount: money::input(&c.amount),
            complainant_name: c.complainant_name.clone(),
            complainant_contact: c.complainant_contact.clone(),
            description: c.description.clone(),
            version: c.version.to_string(),
        }
    }

    /// Parse against the schools and territories that can be chosen.
    pub fn parse(
        &self,
        today: NaiveDate,
        schools: &[SchoolOption],
        places: &[LocationOption],
    ) -> Result<ComplaintInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let school = match self.school_id.trim() {
            "" => {
                errors.add("school_id", "error-required");
                None
            }
            v => {
                let found = i64::from_str(v)
                    .ok()
                    .and_then(|id| schools.iter().find(|s| s.id == id));
                if found.is_none() {
                    errors.add("school_id", "error-invalid-choice");
                }
                found
            }
        };
        let location_id = match self.location_id.trim() {
            "" => school.map(|s| s.location_id),
            v => {
                let found = i32::from_str(v)
                    .ok()
                    .filter(|id| places.iter().any(|p| p.id == *id));
                if found.is_none() {
                    errors.add("location_id", "error-invalid-choice");
                }
                found
            }
        };
        let charged_on = required_date(&self.charged_on, today)
            .map_err(|e| errors.add("charged_on", e))
            .ok();
        let amount = parse_amount(&self.amount)
            .map_err(|e| errors.add("amount", e))
            .ok();
        let complainant_name = text(&self.complainant_name, CONTACT_TEXT, false)
            .map_err(|e| errors.add("complainant_name", e))
            .ok();
        let complainant_contact = text(&self.complainant_contact, CONTACT_TEXT, false)
            .map_err(|e| errors.add("complainant_contact", e))
            .ok();
        let description = match text(&self.description, LONG_TEXT, true) {
            Ok(d) if d.is_empty() => {
                errors.add("description", "error-required");
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                errors.add("description", e);
                None
            }
        };
        match (
            school,
            location_id,
            charged_on,
            amount,
            complainant_name,
            complainant_contact,
            description,
        ) {
            (
                Some(school),
                Some(location_id),
                Some(charged_on),
                Some(amount),
                Some(complainant_name),
                Some(complainant_contact),
                Some(description),
            ) if errors.is_empty() => Ok(ComplaintInput {
                school_id: school.id,
                location_id,
                charged_on,
                amount,
                complainant_name,
                complainant_contact,
                description,
            }),
            _ => Err(errors),
        }
    }

    pub fn parse_version(&self) -> Result<i32, FieldErrors> {
        parse_version(&self.version)
    }
}

fn parse_version(value: &str) -> Result<i32, FieldErrors> {
    value.trim().parse::<i32>().map_err(|_| {
        let mut errors = FieldErrors::new();
        errors.add("version", "error-invalid-choice");
        errors
    })
}

/// The processing form: the status to save and the action taken.
#[derive(Debug, Clone, Default)]
pub struct ProcessValues {
    pub status: String,
    pub action_taken: String,
    pub version: String,
}

/// What the processing form produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processing {
    pub to: ComplaintStatus,
    pub action_taken: String,
    pub version: i32,
}

impl ProcessValues {
    pub fn from_form(form: &FormData) -> ProcessValues {
        ProcessValues {
            status: form.get("status").to_owned(),
            action_taken: form.get("action_taken").to_owned(),
            version: form.get("version").to_owned(),
        }
    }

    pub fn for_complaint(c: &Complaint) -> ProcessValues {
        ProcessValues {
            status: c.status.as_str().to_owned(),
            action_taken: c.action_taken.clone(),
            version: c.version.to_string(),
        }
    }

    /// Parse against the complaint's current status: only the allowed moves,
    /// and an outcome says what was done (or why it was unfounded).
    pub fn parse(&self, from: ComplaintStatus) -> Result<Processing, FieldErrors> {
        let mut errors = FieldErrors::new();
        let to = choice(&self.status, ComplaintStatus::parse)
            .map_err(|e| errors.add("status", e))
            .ok();
        if let Some(to) = to
            && let Err(key) = from.can_become(to)
        {
            errors.add("status", key);
        }
        let action_taken = match text(&self.action_taken, LONG_TEXT, true) {
            Ok(a) => a,
            Err(e) => {
                errors.add("action_taken", e);
                String::new()
            }
        };
        if to.is_some_and(|t| !t.is_open()) && action_taken.is_empty() {
            errors.add("action_taken", "error-complaint-action-required");
        }
        let version = match parse_version(&self.version) {
            Ok(v) => Some(v),
            Err(_) => {
                errors.add("status", "error-invalid-choice");
                None
            }
        };
        match (to, version) {
            (Some(to), Some(version)) if errors.is_empty() => Ok(Processing {
                to,
                action_taken,
                version,
            }),
            _ => Err(errors),
        }
    }
}

/// `?` filters of the complaint list, kept as typed.
#[derive(Debug, Clone, Default)]
pub struct FilterValues {
    pub status: String,
    pub territory: String,
}

impl FilterValues {
    pub fn from_query(form: &FormData) -> FilterValues {
        FilterValues {
            status: form.get("status").to_owned(),
            territory: form.get("territory").to_owned(),
        }
    }

    /// The query string that reproduces these filters (for the next page).
    pub fn query(&self) -> String {
        let mut pairs = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("status", &self.status), ("territory", &self.territory)] {
            if !v.is_empty() {
                pairs.append_pair(k, v);
            }
        }
        pairs.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn a_fee_is_exact_positive_and_sane() {
        assert_eq!(parse_amount("1234.56"), Ok(d("1234.56")));
        assert_eq!(parse_amount("1 500,5"), Ok(d("1500.5")));
        assert_eq!(parse_amount("1000000"), Ok(d("1000000")));
        assert_eq!(parse_amount("1000000.01"), Err("error-money-too-large"));
        assert_eq!(parse_amount("-10"), Err("error-money-negative"));
        assert_eq!(parse_amount("0"), Err("error-money-zero"));
        assert_eq!(parse_amount("1e3"), Err("error-money-format"));
        assert_eq!(parse_amount("сто"), Err("error-money-format"));
        assert_eq!(parse_amount("10.005"), Err("error-money-cents"));
        assert_eq!(parse_amount(""), Err("error-required"));
        assert_eq!(
            parse_amount("0.1").unwrap() + parse_amount("0.2").unwrap(),
            d("0.3")
        );
    }

    #[test]
    fn processing_follows_the_allowed_moves() {
        let values = |status: &str, action: &str| ProcessValues {
            status: status.into(),
            action_taken: action.into(),
            version: "1".into(),
        };
        use ComplaintStatus::*;
        assert!(values("verified", "").parse(Received).is_ok());
        assert_eq!(
            values("resolved", "Refunded")
                .parse(Received)
                .unwrap_err()
                .get("status"),
            Some("error-complaint-verify-first")
        );
        assert_eq!(
            values("resolved", " ")
                .parse(Verified)
                .unwrap_err()
                .get("action_taken"),
            Some("error-complaint-action-required")
        );
        assert_eq!(
            values("resolved", "Refunded to the parents").parse(Verified),
            Ok(Processing {
                to: Resolved,
                action_taken: "Refunded to the parents".into(),
                version: 1
            })
        );
        assert_eq!(
            values("verified", "x")
                .parse(Unfounded)
                .unwrap_err()
                .get("status"),
            Some("error-complaint-closed")
        );
        assert_eq!(
            values("paid", "")
                .parse(Received)
                .unwrap_err()
                .get("status"),
            Some("error-invalid-choice")
        );
    }
}
