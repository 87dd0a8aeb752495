//! The inspection forms: as typed, and parsed into domain values or errors
//! per field.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::model::{
    Bands, Establishment, EstablishmentInput, EstablishmentKind, Inspection, InspectionInput,
    InspectionKind, InspectionMethod, Payment, PenaltyInput, PenaltyStatus, ViolationKind,
};
use crate::cases::model::Sector;
use crate::web::forms::{
    FieldErrors, FormData, choice, day_or_today, optional_number, parse_date, required_date,
    required_text, text,
};
use crate::web::money;

pub const BAND_FIELDS: [&str; 6] = [
    "girls_under_14",
    "girls_14_15",
    "girls_16_17",
    "boys_under_14",
    "boys_14_15",
    "boys_16_17",
];

// ------------------------------------------------------------ establishments

#[derive(Debug, Clone, Default)]
pub struct EstablishmentValues {
    pub kind: String,
    pub sector: String,
    pub name: String,
    pub owner: String,
    pub tax_number: String,
    pub location_id: String,
    pub address: String,
    pub version: String,
}

impl EstablishmentValues {
    pub fn from_form(form: &FormData) -> EstablishmentValues {
        EstablishmentValues {
            kind: form.get("kind").to_owned(),
            sector: form.get("sector").to_owned(),
            name: form.get("name").to_owned(),
            owner: form.get("owner").to_owned(),
            tax_number: form.get("tax_number").to_owned(),
            location_id: form.get("location_id").to_owned(),
            address: form.get("address").to_owned(),
            version: form.get("version").to_owned(),
        }
    }

    pub fn from_record(e: &Establishment) -> EstablishmentValues {
        EstablishmentValues {
            kind: e.kind.as_str().to_owned(),
            sector: e.sector.as_str().to_owned(),
            name: e.name.clone(),
            owner: e.owner.clone(),
            tax_number: e.tax_number.clone().unwrap_or_default(),
            location_id: e.location_id.to_string(),
            address: e.address.clone(),
            version: e.version.to_string(),
        }
    }

    pub fn parse(&self) -> Result<EstablishmentInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = choice(&self.kind, EstablishmentKind::parse)
            .map_err(|e| errors.add("kind", e))
            .ok();
        // The sector defaults to the usual one for the kind of place.
        let sector = if self.sector.trim().is_empty() {
            kind.map(EstablishmentKind::usual_sector)
        } else {
            choice(&self.sector, Sector::parse)
                .map_err(|e| errors.add("sector", e))
                .ok()
        };
        let name = crate::web::forms::name(&self.name, 200, true)
            .map_err(|e| errors.add("name", e))
            .ok();
        let owner = crate::web::forms::name(&self.owner, 200, false)
            .map_err(|e| errors.add("owner", e))
            .ok();
        let tax: String = self
            .tax_number
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let tax_number = if tax.is_empty() {
            None
        } else if tax.len() == 14 && tax.chars().all(|c| c.is_ascii_digit()) {
            Some(tax)
        } else {
            errors.add("tax_number", "error-tax-number");
            None
        };
        let location_id = self.location_id.trim().parse::<i32>().ok();
        if location_id.is_none() {
            errors.add("location_id", "error-required");
        }
        let address = text(&self.address, 300, false)
            .map_err(|e| errors.add("address", e))
            .ok();
        match (kind, sector, name, owner, location_id, address) {
            (
                Some(kind),
                Some(sector),
                Some(name),
                Some(owner),
                Some(location_id),
                Some(address),
            ) if errors.is_empty() => Ok(EstablishmentInput {
                kind,
                sector,
                name,
                owner,
                tax_number,
                location_id,
                address,
            }),
            _ => Err(errors),
        }
    }
}

// ---------------------------------------------------------------- inspections

#[derive(Debug, Clone, Default)]
pub struct InspectionValues {
    pub establishment_id: String,
    pub visited_on: String,
    pub kind: String,
    pub method: String,
    /// In the order of `BAND_FIELDS`.
    pub bands: [String; 6],
    pub children_found: String,
    /// (violation, count as typed) for every kind.
    pub violations: Vec<(ViolationKind, String)>,
    pub law_enforcement_id: String,
    pub notes: String,
    pub follow_up_on: String,
    pub inspectors: Vec<String>,
    pub version: String,
    /// Why a closed inspection is corrected.
    pub correction_reason: String,
}

fn violation_field(kind: ViolationKind) -> String {
    format!("violation_{}", kind.as_str())
}

impl InspectionValues {
    pub fn from_form(form: &FormData) -> InspectionValues {
        InspectionValues {
            establishment_id: form.get("establishment_id").to_owned(),
            visited_on: form.get("visited_on").to_owned(),
            kind: form.get("kind").to_owned(),
            method: form.get("method").to_owned(),
            bands: BAND_FIELDS.map(|f| form.get(f).to_owned()),
            children_found: form.get("children_found").to_owned(),
            correction_reason: form.get("correction_reason").to_owned(),
            violations: ViolationKind::ALL
                .iter()
                .map(|k| (*k, form.get(&violation_field(*k)).to_owned()))
                .collect(),
            law_enforcement_id: form.get("law_enforcement_id").to_owned(),
            notes: form.get("notes").to_owned(),
            follow_up_on: form.get("follow_up_on").to_owned(),
            inspectors: form
                .all("inspectors")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            version: form.get("version").to_owned(),
        }
    }

    pub fn blank(establishment: Option<i64>, me: i64, today: NaiveDate) -> InspectionValues {
        InspectionValues {
            establishment_id: establishment.map(|e| e.to_string()).unwrap_or_default(),
            visited_on: today.format("%Y-%m-%d").to_string(),
            kind: InspectionKind::Routine.as_str().to_owned(),
            method: InspectionMethod::Worksite.as_str().to_owned(),
            bands: Default::default(),
            children_found: "0".to_owned(),
            violations: ViolationKind::ALL
                .iter()
                .map(|k| (*k, String::new()))
                .collect(),
            inspectors: vec![me.to_string()],
            ..InspectionValues::default()
        }
    }

    pub fn from_record(i: &Inspection) -> InspectionValues {
        let b = &i.bands;
        InspectionValues {
            establishment_id: i.establishment.id.to_string(),
            visited_on: i.visited_on.format("%Y-%m-%d").to_string(),
            kind: i.kind.as_str().to_owned(),
            method: i.method.as_str().to_owned(),
            bands: [
                b.girls[0], b.girls[1], b.girls[2], b.boys[0], b.boys[1], b.boys[2],
            ]
            .map(|n| n.to_string()),
            children_found: i.children_found.to_string(),
            violations: ViolationKind::ALL
                .iter()
                .map(|k| {
                    let n = i.violation_count(k);
                    (*k, if n == 0 { String::new() } else { n.to_string() })
                })
                .collect(),
            law_enforcement_id: i
                .law_enforcement_id
                .map(|a| a.to_string())
                .unwrap_or_default(),
            notes: i.notes.clone(),
            follow_up_on: i
                .follow_up_on
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            inspectors: i.inspectors.iter().map(|(id, _)| id.to_string()).collect(),
            version: i.version.to_string(),
            correction_reason: String::new(),
        }
    }

    /// The count typed for band `i` (templates).
    pub fn band(&self, i: &usize) -> &str {
        &self.bands[*i]
    }

    pub fn violation(&self, kind: &ViolationKind) -> &str {
        self.violations
            .iter()
            .find(|(k, _)| k == kind)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn has_inspector(&self, id: &i64) -> bool {
        self.inspectors.iter().any(|i| i == &id.to_string())
    }

    pub fn field_of(kind: &ViolationKind) -> String {
        violation_field(*kind)
    }

    /// Parse what the form says; whether the establishment, the inspectors
    /// and the agency exist is checked against the database by the handler.
    pub fn parse(&self, me: i64) -> Result<InspectionInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let establishment_id = self.establishment_id.trim().parse::<i64>().ok();
        if establishment_id.is_none() {
            errors.add("establishment_id", "error-required");
        }
        let visited_on = required_date(&self.visited_on, NaiveDate::MAX)
            .map_err(|e| errors.add("visited_on", e))
            .ok();
        let kind = choice(&self.kind, InspectionKind::parse)
            .map_err(|e| errors.add("kind", e))
            .ok();
        let method = choice(&self.method, InspectionMethod::parse)
            .map_err(|e| errors.add("method", e))
            .ok();
        let mut counts = [0i32; 6];
        for (i, field) in BAND_FIELDS.iter().enumerate() {
            match optional_number(&self.bands[i], 0, 1000) {
                Ok(n) => counts[i] = n.unwrap_or(0) as i32,
                Err(e) => errors.add(field, e),
            }
        }
        let bands = Bands {
            girls: [counts[0], counts[1], counts[2]],
            boys: [counts[3], counts[4], counts[5]],
        };
        match optional_number(&self.children_found, 0, 6000) {
            Ok(total) if total.unwrap_or(0) != i64::from(bands.total()) => {
                errors.add("children_found", "error-counts-do-not-add-up")
            }
            Ok(_) => {}
            Err(e) => errors.add("children_found", e),
        }
        let mut violations = Vec::new();
        for (kind, typed) in &self.violations {
            match optional_number(typed, 0, 1000) {
                Ok(Some(n)) if n > 0 => violations.push((*kind, n as i32)),
                Ok(_) => {}
                Err(_) => errors.add("violations", "error-violation-count"),
            }
        }
        let law_enforcement_id = match self.law_enforcement_id.trim() {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add("law_enforcement_id", "error-invalid-choice");
                    None
                }
            },
        };
        let notes = text(&self.notes, 5000, true)
            .map_err(|e| errors.add("notes", e))
            .ok();
        let follow_up_on = match self.follow_up_on.trim() {
            "" => None,
            v => match parse_date(v) {
                Some(d) if visited_on.is_some_and(|visit| d <= visit) => {
                    errors.add("follow_up_on", "error-follow-up-after-visit");
                    None
                }
                Some(d) => Some(d),
                None => {
                    errors.add("follow_up_on", "error-date-format");
                    None
                }
            },
        };
        let mut inspectors = vec![me];
        for typed in &self.inspectors {
            match typed.trim().parse::<i64>() {
                Ok(id) if !inspectors.contains(&id) => inspectors.push(id),
                Ok(_) => {}
                Err(_) => errors.add("inspectors", "error-invalid-choice"),
            }
        }
        match (establishment_id, visited_on, kind, method, notes) {
            (Some(establishment_id), Some(visited_on), Some(kind), Some(method), Some(notes))
                if errors.is_empty() =>
            {
                Ok(InspectionInput {
                    establishment_id,
                    visited_on,
                    kind,
                    method,
                    bands,
                    violations,
                    law_enforcement_id,
                    notes,
                    follow_up_on,
                    inspectors,
                })
            }
            _ => Err(errors),
        }
    }
}

// ------------------------------------------------------------------ penalties

/// A penalty decision: the legal basis, the amount, the day it was decided
/// (not before the visit, not after today) and the violations of the
/// inspection it is imposed for (at least one, each not penalised yet:
/// `open` lists those still open to a penalty).
pub fn parse_penalty(
    form: &FormData,
    open: &[ViolationKind],
    visited_on: NaiveDate,
    today: NaiveDate,
) -> Result<PenaltyInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let basis = required_text(form.get("legal_basis"), 300)
        .map_err(|e| errors.add("legal_basis", e))
        .ok();
    let imposed = money::positive(form.get("imposed"))
        .map_err(|e| errors.add("imposed", e))
        .ok();
    let decided_on = match required_date(&day_or_today(form, "decided_on", today), today) {
        Ok(d) if d < visited_on => {
            errors.add("decided_on", "error-decided-before-visit");
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            errors.add("decided_on", e);
            None
        }
    };
    let mut violations = Vec::new();
    for typed in form.all("violations") {
        match ViolationKind::parse(typed.trim()) {
            Some(v) if open.contains(&v) => {
                if !violations.contains(&v) {
                    violations.push(v)
                }
            }
            _ => errors.add("violations", "error-invalid-choice"),
        }
    }
    if violations.is_empty() && errors.get("violations").is_none() {
        errors.add(
            "violations",
            if open.is_empty() {
                "error-penalty-no-violation-left"
            } else {
                "error-penalty-violations-required"
            },
        );
    }
    violations.sort();
    match (basis, imposed, decided_on) {
        (Some(legal_basis), Some(imposed), Some(decided_on)) if errors.is_empty() => {
            Ok(PenaltyInput {
                legal_basis,
                imposed,
                decided_on,
                violations,
            })
        }
        _ => Err(errors),
    }
}

/// A payment: the amount paid (field `collected`, above zero, at most what
/// is still owed) and the day it was paid (field `collected_on`: not before
/// the penalty was decided, not after today).
pub fn parse_payment(
    form: &FormData,
    owed: Decimal,
    decided_on: NaiveDate,
    today: NaiveDate,
) -> Result<Payment, FieldErrors> {
    let mut errors = FieldErrors::new();
    let amount = money::positive(form.get("collected"))
        .map_err(|e| errors.add("collected", e))
        .ok();
    if amount.is_some_and(|a| a > owed) {
        errors.add("collected", "error-collected-more-than-imposed");
    }
    let paid_on = match required_date(form.get("collected_on"), today) {
        Ok(d) if d < decided_on => {
            errors.add("collected_on", "error-paid-before-decision");
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            errors.add("collected_on", e);
            None
        }
    };
    match (amount, paid_on) {
        (Some(amount), Some(paid_on)) if errors.is_empty() => Ok(Payment { amount, paid_on }),
        _ => Err(errors),
    }
}

/// What a penalty's standing becomes: appealed, cancelled (only while
/// nothing was paid) or in force again (imposed, or partly paid when some
/// was paid).
pub fn parse_standing(form: &FormData, collected: Decimal) -> Result<PenaltyStatus, FieldErrors> {
    let paid_some = !collected.is_zero();
    match form.get("standing").trim() {
        "appealed" => Ok(PenaltyStatus::Appealed),
        "cancelled" if paid_some => Err(FieldErrors::from_one(
            "standing",
            "error-cancelled-but-paid",
        )),
        "cancelled" => Ok(PenaltyStatus::Cancelled),
        "in_force" if paid_some => Ok(PenaltyStatus::PartlyPaid),
        "in_force" => Ok(PenaltyStatus::Imposed),
        "" => Err(FieldErrors::from_one("standing", "error-required")),
        _ => Err(FieldErrors::from_one("standing", "error-invalid-choice")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        let body = pairs
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        FormData::parse(body.as_bytes())
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn counts_must_add_up() {
        let mut v = InspectionValues::blank(Some(1), 9, day("2026-11-20"));
        v.bands[0] = "2".into();
        v.bands[4] = "1".into();
        v.children_found = "2".into();
        assert_eq!(
            v.parse(9).unwrap_err().get("children_found"),
            Some("error-counts-do-not-add-up")
        );
        v.children_found = "3".into();
        let input = v.parse(9).unwrap();
        assert_eq!(input.bands.total(), 3);
        assert_eq!(input.inspectors, vec![9]);
        v.bands[1] = "-1".into();
        assert!(v.parse(9).unwrap_err().get("girls_14_15").is_some());
    }

    #[test]
    fn a_payment_is_at_most_what_is_owed_and_not_before_the_decision() {
        let owed = Decimal::from_str("5000.00").unwrap();
        let decided = day("2026-10-01");
        let today = day("2026-11-25");
        let ok = parse_payment(
            &form(&[("collected", "2500,50"), ("collected_on", "2026-11-01")]),
            owed,
            decided,
            today,
        )
        .unwrap();
        assert_eq!(ok.amount, Decimal::from_str("2500.50").unwrap());
        let too_much = parse_payment(
            &form(&[("collected", "5000.01"), ("collected_on", "2026-11-01")]),
            owed,
            decided,
            today,
        )
        .unwrap_err();
        assert_eq!(
            too_much.get("collected"),
            Some("error-collected-more-than-imposed")
        );
        let early = parse_payment(
            &form(&[("collected", "10"), ("collected_on", "2026-09-30")]),
            owed,
            decided,
            today,
        )
        .unwrap_err();
        assert_eq!(
            early.get("collected_on"),
            Some("error-paid-before-decision")
        );
        let future = parse_payment(
            &form(&[("collected", "5000"), ("collected_on", "2099-01-01")]),
            owed,
            decided,
            today,
        )
        .unwrap_err();
        assert_eq!(future.get("collected_on"), Some("error-date-in-future"));
        let negative = parse_payment(
            &form(&[("collected", "-1"), ("collected_on", "2026-11-01")]),
            owed,
            decided,
            today,
        )
        .unwrap_err();
        assert_eq!(negative.get("collected"), Some("error-money-negative"));
    }

    #[test]
    fn a_penalty_names_violations_still_open_and_a_day_after_the_visit() {
        let open = [ViolationKind::UnderageWork, ViolationKind::HazardousWork];
        let (visit, today) = (day("2026-10-01"), day("2026-11-25"));
        let ok = parse_penalty(
            &form(&[
                ("legal_basis", "Labour Code art. 412"),
                ("imposed", "10 000"),
                ("decided_on", "2026-11-20"),
                ("violations", "underage_work"),
            ]),
            &open,
            visit,
            today,
        )
        .unwrap();
        assert_eq!(ok.violations, vec![ViolationKind::UnderageWork]);
        let e = parse_penalty(
            &form(&[
                ("legal_basis", ""),
                ("imposed", "abc"),
                ("decided_on", "2026-09-30"),
                ("violations", "night_work"),
            ]),
            &open,
            visit,
            today,
        )
        .unwrap_err();
        assert_eq!(e.get("legal_basis"), Some("error-required"));
        assert_eq!(e.get("imposed"), Some("error-money-format"));
        assert_eq!(e.get("decided_on"), Some("error-decided-before-visit"));
        assert_eq!(e.get("violations"), Some("error-invalid-choice"));
        let none = parse_penalty(
            &form(&[
                ("legal_basis", "x"),
                ("imposed", "0"),
                ("decided_on", "2026-11-20"),
            ]),
            &open,
            visit,
            today,
        )
        .unwrap_err();
        assert_eq!(none.get("imposed"), Some("error-money-zero"));
        assert_eq!(
            none.get("violations"),
            Some("error-penalty-violations-required")
        );
    }
}
