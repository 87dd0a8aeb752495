//! The case forms: what the user typed (kept as typed, to show again) and its
//! parsing into domain values or errors per field.

use chrono::NaiveDate;

use super::model::{
    Case, CaseInput, CaseSource, ClosureReason, Consent, ExploitationForm, FollowUpInput, Risk,
    Sector,
};
use crate::web::forms::{FieldErrors, FormData, choice, parse_date, required_date, text, yes_no};

/// Longest narrative, assessment or plan (characters).
pub const LONG_TEXT: usize = 5000;
/// Longest comment, reason or note (characters).
pub const NOTE_TEXT: usize = 2000;

#[derive(Debug, Clone, Default)]
pub struct CaseValues {
    pub source: String,
    pub forms: Vec<String>,
    pub sector: String,
    pub risk: String,
    pub narrative: String,
    pub consent_given_by: String,
    pub consent_given_on: String,
    /// The day the child was identified (dd.mm.yyyy or yyyy-mm-dd).
    pub identified_on: String,
    pub version: String,
}

impl CaseValues {
    pub fn from_form(form: &FormData) -> CaseValues {
        CaseValues {
            source: form.get("source").to_owned(),
            forms: form.all("forms").into_iter().map(str::to_owned).collect(),
            sector: form.get("sector").to_owned(),
            risk: form.get("risk").to_owned(),
            narrative: form.get("narrative").to_owned(),
            consent_given_by: form.get("consent_given_by").to_owned(),
            consent_given_on: form.get("consent_given_on").to_owned(),
            identified_on: form.get("identified_on").to_owned(),
            version: form.get("version").to_owned(),
        }
    }

    pub fn from_record(case: &Case) -> CaseValues {
        CaseValues {
            source: case.source.as_str().to_owned(),
            forms: case.forms.iter().map(|f| f.as_str().to_owned()).collect(),
            sector: case.sector.as_str().to_owned(),
            risk: case.risk.as_str().to_owned(),
            narrative: case.narrative.clone(),
            consent_given_by: case
                .consent
                .as_ref()
                .map(|c| c.given_by.clone())
                .unwrap_or_default(),
            consent_given_on: case
                .consent
                .as_ref()
                .map(|c| c.given_on.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            identified_on: case.identified_on.format("%Y-%m-%d").to_string(),
            version: case.version.to_string(),
        }
    }

    pub fn blank(source: Option<CaseSource>, today: NaiveDate) -> CaseValues {
        CaseValues {
            source: source.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            risk: Risk::Medium.as_str().to_owned(),
            identified_on: today.format("%Y-%m-%d").to_string(),
            ..CaseValues::default()
        }
    }

    /// Is `form` ticked (templates pass values by reference)?
    pub fn has_form(&self, form: &ExploitationForm) -> bool {
        self.forms.iter().any(|f| f == form.as_str())
    }

    /// The case as typed, for a child born on `born`: the child cannot have
    /// been identified before birth, nor after today.
    pub fn parse(&self, today: NaiveDate, born: NaiveDate) -> Result<CaseInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let identified_on = identified_on(&self.identified_on, today, born)
            .map_err(|e| errors.add("identified_on", e))
            .ok();
        let source = choice(&self.source, CaseSource::parse)
            .map_err(|e| errors.add("source", e))
            .ok();
        let mut forms = Vec::new();
        for value in &self.forms {
            match ExploitationForm::parse(value) {
                Some(f) if !forms.contains(&f) => forms.push(f),
                Some(_) => {}
                None => errors.add("forms", "error-invalid-choice"),
            }
        }
        if forms.is_empty() {
            errors.add("forms", "error-forms-required");
        }
        forms.sort();
        let sector = choice(&self.sector, Sector::parse)
            .map_err(|e| errors.add("sector", e))
            .ok();
        let risk = choice(&self.risk, Risk::parse)
            .map_err(|e| errors.add("risk", e))
            .ok();
        let narrative = text(&self.narrative, LONG_TEXT, true)
            .map_err(|e| errors.add("narrative", e))
            .ok();
        let given_by = text(&self.consent_given_by, 200, false)
            .map_err(|e| errors.add("consent_given_by", e))
            .ok();
        let consent = match (
            given_by.as_deref().unwrap_or(""),
            self.consent_given_on.trim(),
        ) {
            ("", "") => None,
            ("", _) => {
                errors.add("consent_given_by", "error-consent-who");
                None
            }
            (who, on) => match required_date(on, today) {
                Ok(given_on) => Some(Consent {
                    given_by: who.to_owned(),
                    given_on,
                }),
                Err(e) => {
                    errors.add("consent_given_on", e);
                    None
                }
            },
        };
        match (source, sector, risk, narrative, identified_on) {
            (Some(source), Some(sector), Some(risk), Some(narrative), Some(identified_on))
                if errors.is_empty() =>
            {
                Ok(CaseInput {
                    source,
                    forms,
                    sector,
                    risk,
                    narrative,
                    consent,
                    identified_on,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The day a child was identified: required, not after today, not before
/// the child was born.
pub fn identified_on(
    typed: &str,
    today: NaiveDate,
    born: NaiveDate,
) -> Result<NaiveDate, &'static str> {
    let day = required_date(typed, today)?;
    if day < born {
        return Err("error-identified-before-birth");
    }
    Ok(day)
}

/// What a workflow form sent, kept as typed.
#[derive(Debug, Clone, Default)]
pub struct StepValues {
    pub assessment: String,
    pub risk: String,
    pub plan: String,
    pub comment: String,
    pub closure_reason: String,
    pub closure_note: String,
    pub visited_on: String,
    pub still_working: String,
    pub attending_school: String,
    pub notes: String,
    pub agency_id: String,
    pub service: String,
    pub urgency: String,
    pub shared: Vec<String>,
    pub referral_note: String,
    pub answer_by: String,
    pub planned_end: String,
    pub override_reason: String,
    pub le_note: String,
    /// The day the case is referred to law enforcement, as typed.
    pub le_sent_on: String,
}

impl StepValues {
    /// The free text typed into this request's form, with its label's
    /// message id: what a conflict shows back, whatever step is offered now,
    /// so nothing typed is lost when a colleague acted first.
    pub fn typed_texts(&self) -> Vec<(&'static str, String)> {
        [
            ("case-assessment", &self.assessment),
            ("case-plan", &self.plan),
            ("case-comment", &self.comment),
            ("case-closure-note", &self.closure_note),
            ("follow-up-notes", &self.notes),
            ("referral-note", &self.referral_note),
            ("referral-override-reason", &self.override_reason),
            ("referral-note", &self.le_note),
        ]
        .into_iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(label, text)| (label, text.clone()))
        .collect()
    }

    pub fn from_form(form: &FormData) -> StepValues {
        StepValues {
            assessment: form.get("assessment").to_owned(),
            risk: form.get("risk").to_owned(),
            plan: form.get("plan").to_owned(),
            comment: form.get("comment").to_owned(),
            closure_reason: form.get("closure_reason").to_owned(),
            closure_note: form.get("closure_note").to_owned(),
            le_note: form.get("le_note").to_owned(),
            le_sent_on: form.get("le_sent_on").to_owned(),
            visited_on: form.get("visited_on").to_owned(),
            still_working: form.get("still_working").to_owned(),
            attending_school: form.get("attending_school").to_owned(),
            notes: form.get("notes").to_owned(),
            agency_id: form.get("agency_id").to_owned(),
            service: form.get("service").to_owned(),
            urgency: form.get("urgency").to_owned(),
            shared: form.all("shared").into_iter().map(str::to_owned).collect(),
            referral_note: form.get("referral_note").to_owned(),
            answer_by: form.get("answer_by").to_owned(),
            planned_end: form.get("planned_end").to_owned(),
            override_reason: form.get("override_reason").to_owned(),
        }
    }

    /// Is this piece of child data ticked to be shared?
    pub fn shares(&self, field: &crate::referrals::model::Shared) -> bool {
        self.shared.iter().any(|s| s == field.as_str())
    }

    /// The values a case page starts with.
    pub fn for_case(case: &Case) -> StepValues {
        StepValues {
            assessment: case.assessment.clone(),
            risk: case.risk.as_str().to_owned(),
            plan: case.plan.clone(),
            urgency: "routine".to_owned(),
            // Nothing beyond the name is shared unless the worker ticks it.
            ..StepValues::default()
        }
    }
}

/// Text a step needs: `required` ones may not be empty.
pub fn step_text(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    max: usize,
    required: bool,
) -> String {
    match text(value, max, true) {
        Ok(v) if required && v.is_empty() => {
            errors.add(field, "error-required");
            v
        }
        Ok(v) => v,
        Err(e) => {
            errors.add(field, e);
            String::new()
        }
    }
}

pub fn parse_closure_reason(
    errors: &mut FieldErrors,
    values: &StepValues,
) -> Option<ClosureReason> {
    choice(&values.closure_reason, ClosureReason::parse)
        .map_err(|e| errors.add("closure_reason", e))
        .ok()
}

pub fn parse_follow_up(
    values: &StepValues,
    today: NaiveDate,
) -> Result<FollowUpInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let visited_on = required_date(&values.visited_on, today)
        .map_err(|e| errors.add("visited_on", e))
        .ok();
    let still_working = yes_no(&values.still_working)
        .map_err(|e| errors.add("still_working", e))
        .ok();
    let attending_school = yes_no(&values.attending_school)
        .map_err(|e| errors.add("attending_school", e))
        .ok();
    let notes = step_text(&mut errors, "notes", &values.notes, NOTE_TEXT, false);
    match (visited_on, still_working, attending_school) {
        (Some(visited_on), Some(still_working), Some(attending_school)) if errors.is_empty() => {
            Ok(FollowUpInput {
                visited_on,
                still_working,
                attending_school,
                notes,
            })
        }
        _ => Err(errors),
    }
}

/// `?` filters of the case list, kept as typed.
#[derive(Debug, Clone, Default)]
pub struct FilterValues {
    pub status: String,
    pub risk: String,
    pub form: String,
    pub sector: String,
    pub territory: String,
    pub from: String,
    pub to: String,
    pub order: String,
    pub mine: bool,
    pub overdue: bool,
    /// The list is narrowed to the session's search by a child's name
    /// (`named=1`: the address says only that).
    pub named: bool,
    /// That name, as typed (read back from the session).
    pub name: String,
}

impl FilterValues {
    pub fn from_query(form: &FormData) -> FilterValues {
        FilterValues {
            status: form.get("status").to_owned(),
            risk: form.get("risk").to_owned(),
            form: form.get("form").to_owned(),
            sector: form.get("sector").to_owned(),
            territory: form.get("territory").to_owned(),
            from: form.get("from").to_owned(),
            to: form.get("to").to_owned(),
            order: form.get("order").to_owned(),
            mine: form.get("mine") == "1",
            overdue: form.get("overdue") == "1",
            named: form.get("named") == "1",
            name: String::new(),
        }
    }

    /// The query of these filters without the name search (its "clear").
    pub fn query_without_name(&self) -> String {
        FilterValues {
            named: false,
            ..self.clone()
        }
        .query()
    }

    /// The filters set, as (field, value) pairs (the name search's `named`
    /// is not one: it rides on the address, not in a form).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = [
            ("status", &self.status),
            ("risk", &self.risk),
            ("form", &self.form),
            ("sector", &self.sector),
            ("territory", &self.territory),
            ("from", &self.from),
            ("to", &self.to),
            ("order", &self.order),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.clone()))
        .collect();
        if self.mine {
            pairs.push(("mine", "1".to_owned()));
        }
        if self.overdue {
            pairs.push(("overdue", "1".to_owned()));
        }
        pairs
    }

    /// The query string that reproduces these filters (for the next page).
    pub fn query(&self) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.pairs() {
            query.append_pair(k, &v);
        }
        if self.named {
            query.append_pair("named", "1");
        }
        query.finish()
    }
}

/// An optional filter value: empty is "any"; anything else must parse.
pub fn optional_choice<T>(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    parse: fn(&str) -> Option<T>,
) -> Option<T> {
    if value.trim().is_empty() {
        return None;
    }
    let parsed = parse(value.trim());
    if parsed.is_none() {
        errors.add(field, "error-invalid-choice");
    }
    parsed
}

pub fn optional_date(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
) -> Option<NaiveDate> {
    if value.trim().is_empty() {
        return None;
    }
    let parsed = parse_date(value);
    if parsed.is_none() {
        errors.add(field, "error-date-format");
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn valid() -> CaseValues {
        CaseValues {
            source: "inspection".into(),
            forms: vec!["hazardous_work".into()],
            sector: "agriculture".into(),
            risk: "high".into(),
            narrative: "Found picking cotton.".into(),
            identified_on: "12.09.2025".into(),
            ..CaseValues::default()
        }
    }

    fn born() -> NaiveDate {
        NaiveDate::from_ymd_opt(2012, 3, 1).unwrap()
    }

    #[test]
    fn a_child_is_identified_on_a_past_day_after_birth() {
        let input = valid().parse(today(), born()).unwrap();
        assert_eq!(
            input.identified_on,
            NaiveDate::from_ymd_opt(2025, 9, 12).unwrap()
        );
        let mut v = valid();
        v.identified_on = "26.11.2026".into();
        assert_eq!(
            v.parse(today(), born()).unwrap_err().get("identified_on"),
            Some("error-date-in-future")
        );
        v.identified_on = "28.02.2012".into();
        assert_eq!(
            v.parse(today(), born()).unwrap_err().get("identified_on"),
            Some("error-identified-before-birth")
        );
        v.identified_on.clear();
        assert_eq!(
            v.parse(today(), born()).unwrap_err().get("identified_on"),
            Some("error-required")
        );
    }

    #[test]
    fn a_case_without_consent_parses() {
        let input = valid().parse(today(), born()).unwrap();
        assert_eq!(input.forms, vec![ExploitationForm::HazardousWork]);
        assert_eq!(input.consent, None);
    }

    #[test]
    fn consent_needs_who_and_a_past_date() {
        let mut v = valid();
        v.consent_given_on = "2026-11-20".into();
        assert_eq!(
            v.parse(today(), born())
                .unwrap_err()
                .get("consent_given_by"),
            Some("error-consent-who")
        );
        v.consent_given_by = "Гүлмира Токтогулова (mother)".into();
        assert!(v.parse(today(), born()).unwrap().consent.is_some());
        v.consent_given_on = "2027-01-01".into();
        assert_eq!(
            v.parse(today(), born())
                .unwrap_err()
                .get("consent_given_on"),
            Some("error-date-in-future")
        );
    }

    #[test]
    fn forms_are_required_and_known() {
        let mut v = valid();
        v.forms.clear();
        assert_eq!(
            v.parse(today(), born()).unwrap_err().get("forms"),
            Some("error-forms-required")
        );
        v.forms = vec!["offender".into()];
        assert_eq!(
            v.parse(today(), born()).unwrap_err().get("forms"),
            Some("error-invalid-choice")
        );
    }

    #[test]
    fn a_follow_up_needs_date_and_both_answers() {
        let values = StepValues {
            visited_on: "25.11.2026".into(),
            still_working: "no".into(),
            attending_school: "yes".into(),
            ..StepValues::default()
        };
        let f = parse_follow_up(&values, today()).unwrap();
        assert!(!f.still_working && f.attending_school);
        let errors = parse_follow_up(&StepValues::default(), today()).unwrap_err();
        for field in ["visited_on", "still_working", "attending_school"] {
            assert_eq!(errors.get(field), Some("error-required"), "{field}");
        }
    }
}
