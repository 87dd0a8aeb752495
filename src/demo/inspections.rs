//! Demo inspections: establishments in every region and three years of
//! visits, with children found, violations, penalties (some collected, some
//! appealed or cancelled), referrals to law enforcement, follow-ups planned,
//! and an inspection behind each demo case that came from one. The shapes
//! follow DESIGN §7 (most children found on farms; a few hundred visits a
//! year nationally, here fewer); fixed seed, the same every time.

use chrono::{Datelike, Days, NaiveDate, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

use super::cases::{Dice, at};
use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::db::schema::{agencies, cases, children, establishments, inspections, locations, users};
use crate::inspections::model::{
    self as model, Bands, EstablishmentInput, EstablishmentKind, InspectionInput, InspectionKind,
    InspectionMethod, PenaltyStatus, ViolationKind,
};
use crate::web::context::TIME_ZONE;

/// (region, office: English name or seeded code, inspector login, kinds of place there)
const REGIONS: &[(&str, &str, &str, &[EstablishmentKind])] = {
    use EstablishmentKind::*;
    &[
        (
            "KG-O",
            "Osh Regional Labour Inspection Office",
            "inspector.osh",
            &[FarmCotton, FarmCotton, FarmTobacco, FarmLivestock, Market],
        ),
        (
            "KG-C",
            "Chüy Regional Labour Inspection Office",
            "inspector.chuy",
            &[FarmOtherCrops, FarmLivestock, Construction, FactoryWorkshop],
        ),
        (
            "KG-J",
            "code:LABOR-INSPECTION",
            "inspector.bishkek",
            &[FarmCotton, FarmTobacco, FarmOtherCrops, Market],
        ),
        (
            "KG-Y",
            "code:LABOR-INSPECTION",
            "inspector.bishkek",
            &[FarmOtherCrops, FarmLivestock, ServiceBusiness],
        ),
        (
            "KG-B",
            "code:LABOR-INSPECTION",
            "inspector.bishkek",
            &[FarmOtherCrops, Mine, Market],
        ),
        (
            "KG-N",
            "code:LABOR-INSPECTION",
            "inspector.bishkek",
            &[FarmLivestock, Mine],
        ),
        (
            "KG-T",
            "code:LABOR-INSPECTION",
            "inspector.bishkek",
            &[FarmOtherCrops, FarmLivestock],
        ),
        (
            "KG-GB",
            "code:LABOR-INSPECTION",
            "inspector.bishkek",
            &[
                Market,
                Street,
                Construction,
                ServiceBusiness,
                Transport,
                Household,
            ],
        ),
        (
            "KG-GO",
            "code:LABOR-INSPECTION",
            "inspector.bishkek",
            &[Market, Street, ServiceBusiness],
        ),
    ]
};

const OWNERS: &[&str] = &[
    "Асанов Бакыт (дыйкан чарба)",
    "«Ак-Жол» ЖЧК",
    "Маматова Гүлнара (ЖИ)",
    "«Береке Агро» ЖЧК",
    "Турдубаев Эрмек (ЖИ)",
    "«Нур-Курулуш» ЖЧК",
    "Сыдыков Азамат (дыйкан чарба)",
    "«Таза Суу» ЖЧК",
];

const BASES: &[&str] = &[
    "Укук бузуулар жөнүндө кодекс, 117-берене",
    "Укук бузуулар жөнүндө кодекс, 118-берене",
    "Эмгек кодекси, 294-берене",
];

fn office_id(conn: &mut PgConnection, office: &str) -> anyhow::Result<i64> {
    let id = match office.strip_prefix("code:") {
        Some(code) => agencies::table
            .filter(agencies::code.eq(code))
            .select(agencies::id)
            .first(conn)?,
        None => agencies::table
            .filter(agencies::name_en.eq(office))
            .select(agencies::id)
            .first(conn)?,
    };
    Ok(id)
}

fn user(conn: &mut PgConnection, login: &str) -> anyhow::Result<i64> {
    Ok(users::table
        .filter(users::login.eq(login))
        .select(users::id)
        .first(conn)?)
}

/// Districts and cities of a region (or the region itself, for a city).
fn places(conn: &mut PgConnection, region: &str) -> anyhow::Result<Vec<i32>> {
    let path: String = locations::table
        .filter(locations::code.eq(region))
        .select(locations::path)
        .first(conn)?;
    let mut ids: Vec<i32> = locations::table
        .filter(locations::path.like(format!("{path}/%")))
        .order(locations::path)
        .select(locations::id)
        .load(conn)?;
    if ids.is_empty() {
        ids = locations::table
            .filter(locations::code.eq(region))
            .select(locations::id)
            .load(conn)?;
    }
    ids.truncate(4);
    Ok(ids)
}

fn bands_for(dice: &mut Dice, kind: EstablishmentKind) -> Bands {
    let mut bands = Bands::default();
    // Most visits find no child; farms in season find the most.
    let chance = if matches!(
        kind,
        EstablishmentKind::FarmCotton | EstablishmentKind::FarmTobacco | EstablishmentKind::Market
    ) {
        2
    } else {
        4
    };
    if dice.below(chance) != 0 {
        return bands;
    }
    for _ in 0..=dice.below(3) {
        let band = dice.below(3) as usize;
        if dice.below(2) == 0 {
            bands.girls[band] += 1;
        } else {
            bands.boys[band] += 1;
        }
    }
    bands
}

struct Visit {
    establishment: i64,
    kind: EstablishmentKind,
    office: i64,
    inspector: i64,
    on: NaiveDate,
    bands: Bands,
}

fn record(
    conn: &mut PgConnection,
    who: &Who,
    dice: &mut Dice,
    visit: &Visit,
    today: NaiveDate,
    law_enforcement: &[i64],
) -> anyhow::Result<i64> {
    let mut violations = Vec::new();
    for v in model::suggested_violations(visit.kind, &visit.bands) {
        violations.push((v, visit.bands.total()));
    }
    if dice.below(5) == 0 {
        violations.push((ViolationKind::NoContract, 1 + dice.below(3) as i32));
    }
    if visit.bands.total() > 0 && dice.below(6) == 0 {
        violations.push((ViolationKind::ExcessiveHours, visit.bands.total()));
    }
    let forced = visit.bands.total() > 0 && dice.below(25) == 0;
    if forced {
        violations.push((ViolationKind::ForcedLabor, visit.bands.total()));
    }
    let input = InspectionInput {
        establishment_id: visit.establishment,
        visited_on: visit.on,
        kind: *dice.pick(&[
            InspectionKind::Routine,
            InspectionKind::Routine,
            InspectionKind::Unannounced,
            InspectionKind::Complaint,
            InspectionKind::FollowUp,
            InspectionKind::JointPolice,
        ]),
        method: if dice.below(8) == 0 {
            InspectionMethod::DeskReview
        } else {
            InspectionMethod::Worksite
        },
        bands: visit.bands,
        violations: violations.clone(),
        // Forced labour always goes to law enforcement; other serious
        // findings sometimes do.
        law_enforcement_id: (forced || (!violations.is_empty() && dice.below(8) == 0))
            .then(|| *dice.pick(law_enforcement)),
        notes: String::new(),
        follow_up_on: (!violations.is_empty() && dice.below(2) == 0)
            .then(|| visit.on + Days::new(60)),
        inspectors: vec![visit.inspector],
    };
    let id = model::create_inspection(conn, &input, visit.office, visit.inspector, today)?;
    audit::record(
        conn,
        who,
        AuditAction::InspectionCreated,
        Some((TargetKind::Inspection, id)),
        json!({ "demo": true }),
    )?;
    // About four in ten visits with violations end in a fine.
    if !violations.is_empty() && dice.below(5) < 2 {
        let imposed = Decimal::from(5_000 + 2_500 * dice.below(9) as i64);
        let status = *dice.pick(&[
            PenaltyStatus::Paid,
            PenaltyStatus::Paid,
            PenaltyStatus::Paid,
            PenaltyStatus::PartlyPaid,
            PenaltyStatus::Imposed,
            PenaltyStatus::Appealed,
            PenaltyStatus::Cancelled,
        ]);
        let collected = match status {
            PenaltyStatus::Paid => imposed,
            PenaltyStatus::PartlyPaid => (imposed / Decimal::from(2)).round_dp(2),
            _ => Decimal::ZERO,
        };
        // The decision often comes after the visit was closed (day 3).
        let decided_on = (visit.on + Days::new(2 + dice.below(18))).min(today);
        let paid_on = (decided_on + Days::new(10 + dice.below(40))).min(today);
        let decision = model::PenaltyInput {
            legal_basis: (*dice.pick(BASES)).to_owned(),
            imposed,
            decided_on,
            violations: input.violations.iter().map(|(k, _)| *k).collect(),
        };
        let penalty = model::impose(conn, id, &decision, visit.inspector)?;
        if !collected.is_zero() {
            let payment = model::Payment {
                amount: collected,
                paid_on,
            };
            model::record_payment(conn, penalty, 1, &payment, visit.inspector)?;
        } else if matches!(status, PenaltyStatus::Appealed | PenaltyStatus::Cancelled) {
            model::set_penalty_status(conn, penalty, 1, status)?;
        }
    }
    // Visits more than two weeks old are closed.
    if visit.on + Days::new(14) < today {
        diesel::update(inspections::table.find(id))
            .set((
                inspections::status.eq("closed"),
                inspections::closed_at.eq(Some(at(visit.on + Days::new(3), 17))),
                inspections::closed_by.eq(Some(visit.inspector)),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

pub(super) fn load(conn: &mut PgConnection, who: &Who) -> anyhow::Result<()> {
    let any: i64 = establishments::table.count().get_result(conn)?;
    if any > 0 {
        return Ok(());
    }
    let today = Utc::now().with_timezone(&TIME_ZONE).date_naive();
    let mut dice = Dice(0x696e_7370_6563_7421);
    let law_enforcement: Vec<i64> = agencies::table
        .filter(agencies::kind.eq_any(["police", "prosecutor"]))
        .order(agencies::id)
        .select(agencies::id)
        .load(conn)?;
    let mut karasuu_farm = None;
    let mut names = 0usize;
    for &(region, office, login, kinds) in REGIONS {
        let office = office_id(conn, office)?;
        let inspector = user(conn, login)?;
        let mut places_here = Vec::new();
        for location in places(conn, region)? {
            for _ in 0..2 {
                let kind = *dice.pick(kinds);
                names += 1;
                let input = EstablishmentInput {
                    kind,
                    sector: kind.usual_sector(),
                    name: format!("{} № {names}", kind_name(kind)),
                    owner: (*dice.pick(OWNERS)).to_owned(),
                    tax_number: (dice.below(3) == 0)
                        .then(|| format!("{:014}", 10_000_000_000_000 + names as u64 * 7_919)),
                    location_id: location,
                    address: String::new(),
                };
                let id = model::create_establishment(conn, &input, inspector)?;
                audit::record(
                    conn,
                    who,
                    AuditAction::EstablishmentCreated,
                    Some((TargetKind::Establishment, id)),
                    json!({ "demo": true }),
                )?;
                if region == "KG-O"
                    && kind == EstablishmentKind::FarmCotton
                    && karasuu_farm.is_none()
                {
                    karasuu_farm = Some((id, office, inspector));
                }
                places_here.push((id, kind));
            }
        }
        // Three years of visits: more in the cotton and tobacco season.
        let visits = if matches!(region, "KG-O" | "KG-J" | "KG-Y") {
            24
        } else {
            12
        };
        for n in 0..visits {
            let days = (n as u64 * 1090 / visits as u64) + dice.below(25);
            let mut on = today - Days::new(days.min(1095));
            // Drawn for every visit, so the sequence (and the demo's every
            // record after it) does not depend on the day it is loaded.
            let to_season = dice.below(2) == 0;
            if on.month() < 5 && to_season {
                on = on.with_month(9).unwrap_or(on);
                if on > today {
                    on = today - Days::new(1);
                }
            }
            let (establishment, kind) = *dice.pick(&places_here);
            let bands = bands_for(&mut dice, kind);
            record(
                conn,
                who,
                &mut dice,
                &Visit {
                    establishment,
                    kind,
                    office,
                    inspector,
                    on,
                    bands,
                },
                today,
                &law_enforcement,
            )?;
        }
    }
    link_cases(conn, who, &mut dice, karasuu_farm, today, &law_enforcement)
}

/// The inspection behind each demo case in Osh region that came from one.
fn link_cases(
    conn: &mut PgConnection,
    who: &Who,
    dice: &mut Dice,
    farm: Option<(i64, i64, i64)>,
    today: NaiveDate,
    law_enforcement: &[i64],
) -> anyhow::Result<()> {
    let Some((farm, office, inspector)) = farm else {
        return Ok(());
    };
    let found: Vec<(i64, chrono::DateTime<Utc>, String, NaiveDate)> = cases::table
        .inner_join(children::table)
        .filter(cases::source.eq("inspection"))
        .filter(cases::inspection_id.is_null())
        .filter(
            cases::location_id.eq_any(
                locations::table
                    .filter(locations::path.like("KG/KG-O/%"))
                    .select(locations::id),
            ),
        )
        .select((
            cases::id,
            cases::opened_at,
            children::sex,
            children::birth_date,
        ))
        .load(conn)?;
    for (case, opened, sex, born) in found {
        let on = opened.with_timezone(&TIME_ZONE).date_naive();
        let age = crate::children::model::age_on(born, on);
        let band = if age < 14 {
            0
        } else if age < 16 {
            1
        } else {
            2
        };
        let mut bands = Bands::default();
        if sex == "female" {
            bands.girls[band] = 1;
        } else {
            bands.boys[band] = 1;
        }
        let id = record(
            conn,
            who,
            dice,
            &Visit {
                establishment: farm,
                kind: EstablishmentKind::FarmCotton,
                office,
                inspector,
                on,
                bands,
            },
            today,
            law_enforcement,
        )?;
        diesel::update(cases::table.find(case))
            .set(cases::inspection_id.eq(Some(id)))
            .execute(conn)?;
    }
    Ok(())
}

fn kind_name(kind: EstablishmentKind) -> &'static str {
    use EstablishmentKind::*;
    match kind {
        FarmCotton => "Пахта талаасы",
        FarmTobacco => "Тамеки плантациясы",
        FarmOtherCrops => "Дыйкан чарба",
        FarmLivestock => "Мал чарба",
        Market => "Базар",
        Street => "Көчө соодасы",
        Construction => "Курулуш",
        FactoryWorkshop => "Цех",
        Mine => "Көмүр кени",
        Household => "Үй чарбасы",
        Transport => "Жүк ташуу",
        ServiceBusiness => "Унаа жуугуч",
    }
}
