//! A child found by someone outside the Child Support Units (an inspector at
//! an inspection, law enforcement in an investigation): the short form that
//! registers the child, and the case opened in the queue of the unit serving
//! the child's home. One path for both, so both keep the same rules.

use chrono::NaiveDate;
use diesel::PgConnection;
use serde_json::{Value, json};

use super::model::{
    self, CaseInput, CaseSource, CaseStatus, EventKind, ExploitationForm, NewCase, Risk, Sector,
};
use super::workflow::Deadlines;
use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::children::forms::ChildValues;
use crate::children::model::{self as children, ChildInput};
use crate::policy::Scope;
use crate::web::error::AppResult;
use crate::web::forms::{FieldErrors, FormData, required_date, text};

/// The short form as typed, to show again with its messages.
#[derive(Debug, Clone, Default)]
pub struct FoundValues {
    pub child: ChildValues,
    pub forms: Vec<String>,
    pub doing: String,
    /// The day law enforcement referred the child (its own form only; at an
    /// inspection the child was identified on the day of the visit).
    pub identified_on: String,
}

impl FoundValues {
    pub fn blank(home_location_id: i32) -> FoundValues {
        FoundValues {
            child: ChildValues {
                home_location_id: home_location_id.to_string(),
                ..ChildValues::blank(None)
            },
            forms: vec![ExploitationForm::HazardousWork.as_str().to_owned()],
            doing: String::new(),
            identified_on: String::new(),
        }
    }

    pub fn from_form(form: &FormData) -> FoundValues {
        FoundValues {
            child: ChildValues {
                family_name: form.get("family_name").to_owned(),
                given_name: form.get("given_name").to_owned(),
                sex: form.get("sex").to_owned(),
                birth_date: form.get("birth_date").to_owned(),
                age: form.get("age").to_owned(),
                home_location_id: form.get("home_location_id").to_owned(),
                school_status: form.get("school_status").to_owned(),
                ..ChildValues::blank(None)
            },
            forms: form.all("forms").into_iter().map(str::to_owned).collect(),
            doing: form.get("doing").to_owned(),
            identified_on: form.get("identified_on").to_owned(),
        }
    }

    pub fn chosen(&self, form: &ExploitationForm) -> bool {
        self.forms.iter().any(|f| f == form.as_str())
    }

    /// The child, the forms of exploitation and what the child was doing,
    /// found on `found_on` (the visit) or, without it, on the day typed in
    /// `identified_on`; either way not before the child was born.
    pub fn parse(
        &self,
        today: NaiveDate,
        found_on: Option<NaiveDate>,
    ) -> Result<Found, FieldErrors> {
        let mut errors = FieldErrors::new();
        let identified_on = match found_on {
            Some(day) => Some(day),
            None => required_date(&self.identified_on, today)
                .map_err(|e| errors.add("identified_on", e))
                .ok(),
        };
        let mut forms = Vec::new();
        for f in &self.forms {
            match ExploitationForm::parse(f) {
                Some(f) if !forms.contains(&f) => forms.push(f),
                Some(_) => {}
                None => errors.add("forms", "error-invalid-choice"),
            }
        }
        if forms.is_empty() {
            errors.add("forms", "error-forms-required");
        }
        forms.sort();
        let narrative = text(&self.doing, 2000, true)
            .map_err(|e| errors.add("doing", e))
            .unwrap_or_default();
        let child = self.child.parse(today);
        if let (Ok(child), Some(day)) = (&child, identified_on)
            && child.birth_date > day
        {
            match found_on {
                Some(_) => errors.add("birth_date", "error-born-after-visit"),
                None => errors.add("identified_on", "error-identified-before-birth"),
            }
        }
        match child {
            Ok(child) if errors.is_empty() => Ok(Found {
                child,
                forms,
                narrative,
                identified_on: identified_on.unwrap_or(today),
            }),
            Ok(_) => Err(errors),
            Err(mut child_errors) => {
                for field in errors.fields() {
                    if let Some(key) = errors.get(field) {
                        child_errors.add(field, key);
                    }
                }
                Err(child_errors)
            }
        }
    }
}

/// A child found, as the short form gives it.
pub struct Found {
    pub child: ChildInput,
    pub forms: Vec<ExploitationForm>,
    pub narrative: String,
    pub identified_on: NaiveDate,
}

/// Where the child was found, for the case.
pub struct Origin {
    pub source: CaseSource,
    pub sector: Sector,
    pub inspection_id: Option<i64>,
    /// Added to the details of the case's first timeline entry.
    pub details: Value,
}

pub enum Intake {
    Opened {
        case_id: i64,
        possible_duplicates: usize,
    },
    /// No Child Support Unit serves the child's home territory.
    NoUnit,
}

/// Register the child and open the case. The duplicate check runs across
/// the country (a child found at work may be registered where the family
/// lives), but its results are not shown to whoever found the child: other
/// children's records are the units'. The unit head sees the likely
/// duplicates on the child's page and merges them if they are one child.
pub fn open_case(
    conn: &mut PgConnection,
    who: &Who,
    by: i64,
    found: Found,
    origin: Origin,
    deadlines: Deadlines,
    today: NaiveDate,
) -> AppResult<Intake> {
    let Found {
        child,
        forms,
        narrative,
        identified_on,
    } = found;
    let child = &child;
    let Some(unit_id) = model::unit_for_location(conn, child.home_location_id)? else {
        return Ok(Intake::NoUnit);
    };
    let possible_duplicates =
        children::likely_duplicates(conn, &Scope::national(), child, None)?.len();
    let child_id = children::create_child(conn, child, by)?;
    audit::record(
        conn,
        who,
        AuditAction::ChildCreated,
        Some((TargetKind::Child, child_id)),
        json!({ "possible_duplicates": possible_duplicates, "origin": origin.details }),
    )?;
    let input = CaseInput {
        source: origin.source,
        forms,
        sector: origin.sector,
        risk: Risk::Medium,
        narrative,
        consent: None,
        identified_on,
    };
    let case_id = model::create_case(
        conn,
        &NewCase {
            child_id,
            inspection_id: origin.inspection_id,
            unit_id,
            location_id: child.home_location_id,
            input: &input,
            opened_by: by,
            due_on: deadlines.due(CaseStatus::New, today).unwrap_or(today),
        },
    )?;
    let mut details = origin.details.clone();
    if let Some(map) = details.as_object_mut() {
        map.insert("possible_duplicates".into(), possible_duplicates.into());
    }
    model::add_event(conn, case_id, Some(by), EventKind::Opened, "", details)?;
    audit::record(
        conn,
        who,
        AuditAction::CaseOpened,
        Some((TargetKind::Case, case_id)),
        json!({ "child_id": child_id, "unit_id": unit_id, "origin": origin.details }),
    )?;
    Ok(Intake::Opened {
        case_id,
        possible_duplicates,
    })
}
