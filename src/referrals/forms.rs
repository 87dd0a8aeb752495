//! The referral form: parsed into a `ReferralInput` or errors per field.

use chrono::NaiveDate;

use super::model::{ProviderOption, ReferralInput, Shared, Urgency};
use crate::admin::model::ServiceKind;
use crate::cases::forms::{NOTE_TEXT, StepValues, step_text};
use crate::web::forms::{FieldErrors, choice, parse_date};

/// Parse a referral against the agencies that can receive one: the chosen
/// agency must offer the chosen service.
pub fn parse_referral(
    values: &StepValues,
    today: NaiveDate,
    providers: &[ProviderOption],
) -> Result<ReferralInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let agency = values
        .agency_id
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| providers.iter().find(|p| p.id == id));
    if agency.is_none() {
        let key = if values.agency_id.trim().is_empty() {
            "error-required"
        } else {
            "error-invalid-choice"
        };
        errors.add("agency_id", key);
    }
    let service = choice(&values.service, ServiceKind::parse)
        .map_err(|e| errors.add("service", e))
        .ok();
    if let (Some(agency), Some(service)) = (agency, service)
        && !agency.offers(service)
    {
        errors.add("service", "error-service-not-offered");
    }
    let urgency = choice(&values.urgency, Urgency::parse)
        .map_err(|e| errors.add("urgency", e))
        .ok();
    let mut shared = Vec::new();
    for value in &values.shared {
        match Shared::parse(value) {
            Some(s) if !shared.contains(&s) => shared.push(s),
            Some(_) => {}
            None => errors.add("shared", "error-invalid-choice"),
        }
    }
    shared.sort();
    let note = step_text(
        &mut errors,
        "referral_note",
        &values.referral_note,
        NOTE_TEXT,
        false,
    );
    let answer_by = match values.answer_by.trim() {
        "" => {
            errors.add("answer_by", "error-required");
            None
        }
        v => match parse_date(v) {
            None => {
                errors.add("answer_by", "error-date-format");
                None
            }
            Some(d) if d < today => {
                errors.add("answer_by", "error-date-in-past");
                None
            }
            Some(d) => Some(d),
        },
    };
    let planned_end = match values.planned_end.trim() {
        "" => None,
        v => match parse_date(v) {
            None => {
                errors.add("planned_end", "error-date-format");
                None
            }
            Some(d) if answer_by.is_some_and(|a| d < a) => {
                errors.add("planned_end", "error-end-before-answer");
                None
            }
            Some(d) => Some(d),
        },
    };
    match (agency, service, urgency, answer_by) {
        (Some(agency), Some(service), Some(urgency), Some(answer_by)) if errors.is_empty() => {
            Ok(ReferralInput {
                agency_id: agency.id,
                service,
                urgency,
                shared,
                note,
                answer_by,
                planned_end,
            })
        }
        _ => Err(errors),
    }
}
