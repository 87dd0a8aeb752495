//! Demo law enforcement: investigations over three years at every stage,
//! from the demo cases of worst forms (referred by their units and accepted)
//! and from the demo inspections that found forced labour (referred by the
//! inspectors), with the prosecutors' staff per year. Fixed seed.

use chrono::{Datelike, Days, NaiveDate, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

use super::cases::Dice;
use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::db::schema::{agencies, cases, inspections, investigations, users};
use crate::investigations::model::{
    self as model, ChildRole, InvestigationEvent, InvestigationInput, MoveInput, Offense, Stage,
};
use crate::web::context::TIME_ZONE;

fn user(conn: &mut PgConnection, login: &str) -> anyhow::Result<i64> {
    Ok(users::table
        .filter(users::login.eq(login))
        .select(users::id)
        .first(conn)?)
}

fn agency(conn: &mut PgConnection, english: &str) -> anyhow::Result<i64> {
    Ok(agencies::table
        .filter(agencies::name_en.eq(english))
        .select(agencies::id)
        .first(conn)?)
}

/// Take an investigation opened on `opened` as far as `n` says (every stage
/// appears across the demo), never past `today`.
fn progress(
    conn: &mut PgConnection,
    dice: &mut Dice,
    id: i64,
    opened: NaiveDate,
    today: NaiveDate,
    n: usize,
    by: i64,
) -> anyhow::Result<()> {
    let plan: &[Stage] = match n % 6 {
        0 => &[],
        1 => &[Stage::InCourt],
        2 => &[Stage::InCourt, Stage::Convicted],
        3 => &[Stage::InCourt, Stage::Acquitted],
        4 => &[Stage::Dismissed],
        _ => &[Stage::Suspended],
    };
    let mut stage = Stage::Investigation;
    let mut on = opened;
    for &to in plan {
        on = on + Days::new(30 + dice.below(90));
        if on > today {
            break;
        }
        let version: i32 = investigations::table
            .find(id)
            .select(investigations::version)
            .first(conn)?;
        let input = MoveInput {
            on,
            prison_months: (to == Stage::Convicted).then(|| 12 + 6 * dice.below(8) as i32),
            fine: (to == Stage::Convicted && dice.below(2) == 0)
                .then(|| Decimal::from(20_000 + 10_000 * dice.below(5) as i64)),
            other_penalty: String::new(),
        };
        model::move_stage(conn, id, version, stage, to, &input)?;
        model::add_event(
            conn,
            id,
            by,
            InvestigationEvent::Stage,
            "",
            json!({ "from": stage.as_str(), "to": to.as_str(), "on": on }),
        )?;
        stage = to;
    }
    Ok(())
}

pub(super) fn load(conn: &mut PgConnection, who: &Who) -> anyhow::Result<()> {
    let any: i64 = investigations::table.count().get_result(conn)?;
    if any > 0 {
        return Ok(());
    }
    let today = Utc::now().with_timezone(&TIME_ZONE).date_naive();
    let mut dice = Dice(0x7072_6f73_6563_7574);
    let prosecutor = user(conn, "prosecutor.osh")?;
    let osh = agency(conn, "Osh Regional Prosecutor's Office")?;
    let worker = user(conn, "worker.karasuu")?;
    let mut n = 0usize;

    // Cases of the worst forms, referred by their units and taken up.
    let worst: Vec<(i64, chrono::DateTime<Utc>, Vec<Option<String>>)> = cases::table
        .filter(cases::child_is_victim.eq(true))
        .order(cases::id)
        .select((cases::id, cases::opened_at, cases::forms))
        .load(conn)?;
    for (case, opened_at, forms) in worst {
        let opened = opened_at.with_timezone(&TIME_ZONE).date_naive() + Days::new(10);
        if opened > today {
            continue;
        }
        let referral = model::refer(conn, osh, Some(case), None, "", worker, opened)?;
        let offense = match forms.iter().flatten().map(String::as_str).next() {
            Some("commercial_sexual_exploitation") => Offense::Csec,
            Some("trafficking") => Offense::ChildTrafficking,
            Some("illicit_activities") => Offense::IllicitActivities,
            _ => Offense::ForcedChildLabor,
        };
        let id = open(conn, who, osh, prosecutor, offense, opened, &mut dice)?;
        model::accept(conn, referral, 1, id)?;
        model::link_case(conn, id, case, ChildRole::Victim)?;
        model::add_event(
            conn,
            id,
            prosecutor,
            InvestigationEvent::CaseLinked,
            "",
            json!({ "case_id": case }),
        )?;
        progress(conn, &mut dice, id, opened, today, n, prosecutor)?;
        n += 1;
    }

    // Inspections that found forced labour and referred it.
    let referred: Vec<(i64, i64, NaiveDate, i64)> = inspections::table
        .filter(inspections::law_enforcement_id.is_not_null())
        .order(inspections::id)
        .select((
            inspections::id,
            inspections::law_enforcement_id.assume_not_null(),
            inspections::visited_on,
            inspections::created_by,
        ))
        .load(conn)?;
    for (inspection, to, visited, inspector) in referred {
        let referral = model::refer(
            conn,
            to,
            None,
            Some(inspection),
            "",
            inspector,
            visited.min(today),
        )?;
        // Most are taken up by the agency they went to; some still wait.
        if dice.below(4) == 0 {
            continue;
        }
        let opened = (visited + Days::new(7)).min(today);
        let id = open(
            conn,
            who,
            to,
            prosecutor,
            Offense::ForcedChildLabor,
            opened,
            &mut dice,
        )?;
        model::accept(conn, referral, 1, id)?;
        model::link_inspection(conn, id, inspection)?;
        progress(conn, &mut dice, id, opened, today, n, prosecutor)?;
        n += 1;
    }

    // A few more, opened by the office itself, so every stage appears.
    for k in 0..6usize {
        let opened = today - Days::new(100 + 170 * k as u64);
        let offense = [
            Offense::ChildTrafficking,
            Offense::WorstForms,
            Offense::LaborCode,
        ][k % 3];
        let id = open(conn, who, osh, prosecutor, offense, opened, &mut dice)?;
        progress(conn, &mut dice, id, opened, today, k, prosecutor)?;
    }

    // Staff on child labour and trafficking, for three years.
    for (years_ago, staff) in [(2, 9), (1, 11), (0, 12)] {
        model::set_staff(conn, osh, today.year() - years_ago, staff)?;
    }
    let gpo: i64 = agencies::table
        .filter(agencies::code.eq("GPO"))
        .select(agencies::id)
        .first(conn)?;
    for (years_ago, staff) in [(2, 4), (1, 4), (0, 5)] {
        model::set_staff(conn, gpo, today.year() - years_ago, staff)?;
    }
    Ok(())
}

fn open(
    conn: &mut PgConnection,
    who: &Who,
    agency: i64,
    by: i64,
    offense: Offense,
    opened: NaiveDate,
    dice: &mut Dice,
) -> anyhow::Result<i64> {
    let input = InvestigationInput {
        offenses: vec![offense],
        opened_on: opened,
        reference: format!("УД-{}-{:04}", opened.year(), dice.below(10_000)),
        suspects: 1 + dice.below(3) as i32,
        notes: String::new(),
    };
    let id = model::create(conn, agency, &input, by)?;
    model::add_event(conn, id, by, InvestigationEvent::Opened, "", json!({}))?;
    audit::record(
        conn,
        who,
        AuditAction::InvestigationOpened,
        Some((TargetKind::Investigation, id)),
        json!({ "demo": true }),
    )?;
    Ok(id)
}
