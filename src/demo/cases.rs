//! Demo cases: more (fictional) children in Kara-Suu and Sokuluk, each with a
//! case opened some time in the last three years and taken as far through the
//! workflow as its age allows, so that every status, every referral state and
//! the follow-up visits of the monitoring rule appear. The shapes follow what
//! is known of the country (DESIGN §7): mostly farm work, some bazaars and
//! streets, a few worst forms. Generated from a fixed seed: the same every time.

use chrono::{Days, NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::admin::model::{self as admin, ServiceKind};
use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::cases::model::{
    self as cases, CaseInput, CaseSource, CaseStatus, ClosureReason, Consent, EventKind,
    ExploitationForm, NewCase, Risk, Sector,
};
use crate::cases::workflow::Deadlines;
use crate::children::model::{
    self as children, ChildInput, ChildLanguage, Disability, SchoolStatus, Sex,
};
use crate::db::schema::{
    case_events, cases as cases_table, children as children_table, follow_ups, referrals, users,
};
use crate::referrals::model::{ReferralInput, ReferralStatus, Shared, Urgency};
use crate::web::context::TIME_ZONE;

const DEADLINES: Deadlines = Deadlines {
    assessment_days: 7,
    plan_days: 14,
    follow_up_days: 30,
};

/// A small deterministic generator (xorshift), so the demo is the same on
/// every machine.
pub(super) struct Dice(pub(super) u64);

impl Dice {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const GIRLS: &[&str] = &[
    "Айгерим",
    "Бегимай",
    "Жазгүл",
    "Нургүл",
    "Асель",
    "Мээрим",
    "Айпери",
    "Сезим",
    "Алтынай",
    "Каныкей",
    "Назира",
    "Гүлзада",
];
const BOYS: &[&str] = &[
    "Бакыт",
    "Нурсултан",
    "Адилет",
    "Эрмек",
    "Темирлан",
    "Айбек",
    "Жанболот",
    "Улан",
    "Бекзат",
    "Мирлан",
    "Азамат",
    "Дастан",
];
/// Family names, masculine form; the feminine adds "а".
const FAMILIES: &[&str] = &[
    "Осмонов",
    "Асанов",
    "Садыков",
    "Жумабаев",
    "Маматов",
    "Турдубаев",
    "Абдыраимов",
    "Каримов",
    "Ташиев",
    "Эшматов",
    "Бообеков",
    "Үсөнов",
];

/// How far through the workflow a demo case has gone.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    New,
    Assessment,
    PlanPending,
    InServices,
    Monitoring,
    ClosurePending,
    Closed(ClosureReason),
    Reopened,
}

/// Days from opening at which each step happened.
const ASSIGNED: u64 = 1;
const ASSESSING: u64 = 2;
const ASSESSED: u64 = 6;
const PLANNED: u64 = 9;
const APPROVED: u64 = 12;
const REFERRED: u64 = 13;
const MONITORING: u64 = 75;
const FIRST_VISIT: u64 = 80;
const SECOND_VISIT: u64 = 115;
const CLOSURE_ASKED: u64 = 120;
const CLOSED: u64 = 122;

struct Unit {
    territory: &'static str,
    worker: &'static str,
    supervisor: &'static str,
    cases: usize,
}

const UNITS: &[Unit] = &[
    Unit {
        territory: "KG-O-KARASUU",
        worker: "worker.karasuu",
        supervisor: "supervisor.karasuu",
        cases: 34,
    },
    Unit {
        territory: "KG-C-SOKULUK",
        worker: "worker.sokuluk",
        supervisor: "supervisor.sokuluk",
        cases: 18,
    },
];

struct People {
    worker: i64,
    supervisor: i64,
    provider: i64,
}

fn user(conn: &mut PgConnection, login: &str) -> anyhow::Result<i64> {
    Ok(users::table
        .filter(users::login.eq(login))
        .select(users::id)
        .first(conn)?)
}

fn agency(conn: &mut PgConnection, english: &str) -> anyhow::Result<i64> {
    use crate::db::schema::agencies;
    Ok(agencies::table
        .filter(agencies::name_en.eq(english))
        .select(agencies::id)
        .first(conn)?)
}

pub(super) fn at(day: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    let local = day.and_hms_opt(hour, 0, 0).unwrap_or_default();
    TIME_ZONE
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

fn event(
    conn: &mut PgConnection,
    case: i64,
    day: NaiveDate,
    actor: i64,
    kind: EventKind,
    note: &str,
    details: Value,
) -> anyhow::Result<()> {
    diesel::insert_into(case_events::table)
        .values((
            case_events::case_id.eq(case),
            case_events::at.eq(at(day, 10)),
            case_events::actor_id.eq(actor),
            case_events::kind.eq(kind),
            case_events::note.eq(note),
            case_events::details.eq(details),
        ))
        .execute(conn)?;
    Ok(())
}

/// The stage a case opened `age` days ago reaches, varied by `n`.
fn stage_for(age: u64, n: usize) -> Stage {
    const CYCLE: &[Stage] = &[
        Stage::Closed(ClosureReason::Withdrawn),
        Stage::Monitoring,
        Stage::InServices,
        Stage::Closed(ClosureReason::Withdrawn),
        Stage::PlanPending,
        Stage::ClosurePending,
        Stage::Closed(ClosureReason::MovedAway),
        Stage::InServices,
        Stage::Assessment,
        Stage::Closed(ClosureReason::Turned18),
        Stage::Reopened,
        Stage::Monitoring,
        Stage::New,
    ];
    let wanted = CYCLE[n % CYCLE.len()];
    let needs = match wanted {
        Stage::New => 0,
        Stage::Assessment => ASSESSING,
        Stage::PlanPending => PLANNED,
        Stage::InServices => REFERRED + 10,
        Stage::Monitoring => MONITORING + 5,
        Stage::ClosurePending => CLOSURE_ASKED,
        Stage::Closed(_) | Stage::Reopened => CLOSED + 10,
    };
    if age >= needs {
        wanted
    } else if age >= PLANNED {
        Stage::PlanPending
    } else if age >= ASSESSING {
        Stage::Assessment
    } else {
        Stage::New
    }
}

pub(super) fn load(conn: &mut PgConnection, who: &Who) -> anyhow::Result<()> {
    let any: i64 = cases_table::table.count().get_result(conn)?;
    if any > 0 {
        return Ok(());
    }
    let today = Utc::now().with_timezone(&TIME_ZONE).date_naive();
    let mut dice = Dice(0x4b6f_7267_6f6f_2026);
    let centre = agency(conn, "Child Labour Rehabilitation Centre, Osh")?;
    let providers = [
        (centre, ServiceKind::Rehabilitation),
        (
            agency(conn, "Kara-Suu Catch-up Education Programme")?,
            ServiceKind::CatchUpEducation,
        ),
        (
            agency(conn, "Kara-Suu Secondary School No. 12")?,
            ServiceKind::SchoolEnrolment,
        ),
        (
            agency(conn, "Kara-Suu District Hospital")?,
            ServiceKind::Medical,
        ),
        (
            agency(conn, "Legal Aid for Children (NGO)")?,
            ServiceKind::LegalAid,
        ),
    ];
    let mut n = 0usize;
    for unit in UNITS {
        let people = People {
            worker: user(conn, unit.worker)?,
            supervisor: user(conn, unit.supervisor)?,
            provider: user(conn, "provider.osh")?,
        };
        let home = admin::location_id_by_code(conn, unit.territory)?
            .ok_or_else(|| anyhow::anyhow!("demo territory {} missing", unit.territory))?;
        let unit_id = cases::unit_for_location(conn, home)?
            .ok_or_else(|| anyhow::anyhow!("no unit for {}", unit.territory))?;
        // The demo children already registered here come first.
        let mut kids: Vec<(i64, NaiveDate)> = children_table::table
            .filter(children_table::home_location_id.eq(home))
            .order(children_table::id)
            .select((children_table::id, children_table::birth_date))
            .load(conn)?;
        while kids.len() < unit.cases {
            let girl = dice.below(2) == 0;
            let family = dice.pick(FAMILIES);
            let given = if girl {
                dice.pick(GIRLS)
            } else {
                dice.pick(BOYS)
            };
            let born = today - Days::new(365 * 8 + dice.below(365 * 9));
            let input = ChildInput {
                family_name: if girl {
                    format!("{family}а")
                } else {
                    (*family).to_owned()
                },
                given_name: (*given).to_owned(),
                patronymic: String::new(),
                sex: if girl { Sex::Female } else { Sex::Male },
                birth_date: born,
                birth_date_estimated: dice.below(5) == 0,
                personal_number: None,
                guardian_name: format!("{} {}", dice.pick(GIRLS), family),
                guardian_contact: format!(
                    "+996 7{:02} {:06}",
                    dice.below(100),
                    dice.below(1_000_000)
                ),
                home_location_id: home,
                language: if unit.territory == "KG-O-KARASUU" && dice.below(4) == 0 {
                    ChildLanguage::Uz
                } else {
                    ChildLanguage::Ky
                },
                school_status: *dice.pick(&[
                    SchoolStatus::Enrolled,
                    SchoolStatus::Irregular,
                    SchoolStatus::Irregular,
                    SchoolStatus::OutOfSchool,
                    SchoolStatus::NeverEnrolled,
                ]),
                disability: if dice.below(12) == 0 {
                    Disability::Physical
                } else {
                    Disability::None
                },
            };
            let id = children::create_child(conn, &input, people.worker)?;
            audit::record(
                conn,
                who,
                AuditAction::ChildCreated,
                Some((TargetKind::Child, id)),
                json!({ "demo": true }),
            )?;
            kids.push((id, born));
        }
        for (i, &(child, born)) in kids.iter().enumerate().take(unit.cases) {
            // Spread over three years, the newest few within the last days.
            let age = if i < 3 {
                i as u64 * 3
            } else {
                (i as u64 * 1090 / unit.cases as u64 + dice.below(20)).min(1095)
            };
            let opened = today - Days::new(age);
            let stage = stage_for(age, n);
            let turned_18 = born + Days::new(18 * 365 + 5);
            let stage = match stage {
                Stage::Closed(ClosureReason::Turned18) if turned_18 > today => {
                    Stage::Closed(ClosureReason::Withdrawn)
                }
                other => other,
            };
            open_case(
                conn, who, &mut dice, &people, unit_id, home, child, opened, today, stage,
                &providers, n,
            )?;
            n += 1;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn open_case(
    conn: &mut PgConnection,
    who: &Who,
    dice: &mut Dice,
    people: &People,
    unit_id: i64,
    home: i32,
    child: i64,
    opened: NaiveDate,
    today: NaiveDate,
    stage: Stage,
    providers: &[(i64, ServiceKind)],
    n: usize,
) -> anyhow::Result<()> {
    let (forms, sector) = match n % 20 {
        7 => (
            vec![ExploitationForm::CommercialSexualExploitation],
            Sector::Services,
        ),
        13 => (
            vec![ExploitationForm::IllicitActivities],
            Sector::StreetWork,
        ),
        3 | 16 => (vec![ExploitationForm::ForcedBegging], Sector::StreetWork),
        11 => (
            vec![
                ExploitationForm::HazardousWork,
                ExploitationForm::ForcedLabor,
            ],
            Sector::Agriculture,
        ),
        _ => (
            vec![ExploitationForm::HazardousWork],
            *dice.pick(&[
                Sector::Agriculture,
                Sector::Agriculture,
                Sector::Agriculture,
                Sector::Livestock,
                Sector::MarketsTrade,
                Sector::DomesticWork,
                Sector::Construction,
            ]),
        ),
    };
    let narrative = match sector {
        Sector::Agriculture => "Пахта териминде табылды: сабак убагында талаада иштеп жүргөн.",
        Sector::Livestock => {
            "Жайлоодо кошунасынын койлорун кайтарат; жазтан бери мектепке барбайт."
        }
        Sector::MarketsTrade => "Эртең мененден базарда жүк ташыйт.",
        Sector::StreetWork => "Кечинде автобекеттин жанында көчө кызматкерлери жолуктурган.",
        Sector::DomesticWork => "Башка үй-бүлөнүн үйүндө үй жумушун аткарат.",
        Sector::Construction => "Үй курулушунда кирпич ташыйт.",
        _ => "Милиция текшерүүдөн кийин жиберген.",
    };
    let consent = (n % 9 != 4).then(|| Consent {
        given_by: "Мать / энеси".to_owned(),
        given_on: opened,
    });
    let input = CaseInput {
        source: *dice.pick(&[
            CaseSource::Inspection,
            CaseSource::Inspection,
            CaseSource::School,
            CaseSource::Hotline,
            CaseSource::StreetOutreach,
            CaseSource::Police,
            CaseSource::Ngo,
        ]),
        forms,
        sector,
        risk: *dice.pick(&[Risk::Low, Risk::Medium, Risk::Medium, Risk::High]),
        narrative: narrative.to_owned(),
        consent,
        identified_on: opened,
    };
    let id = cases::create_case(
        conn,
        &NewCase {
            child_id: child,
            inspection_id: None,
            unit_id,
            location_id: home,
            input: &input,
            opened_by: people.worker,
            due_on: opened + Days::new(7),
        },
    )?;
    audit::record(
        conn,
        who,
        AuditAction::CaseOpened,
        Some((TargetKind::Case, id)),
        json!({ "demo": true }),
    )?;
    let day = |d: u64| opened + Days::new(d);
    event(
        conn,
        id,
        opened,
        people.worker,
        EventKind::Opened,
        "",
        json!({}),
    )?;
    let mut status = CaseStatus::New;
    let mut since = opened;
    let mut assigned = None;
    if stage != Stage::New || n.is_multiple_of(2) {
        assigned = Some(people.worker);
        event(
            conn,
            id,
            day(ASSIGNED),
            people.supervisor,
            EventKind::Assigned,
            "Айгүл Токтогулова",
            json!({}),
        )?;
    }
    let reached = |s: Stage| -> bool {
        let order = |s: Stage| match s {
            Stage::New => 0,
            Stage::Assessment => 1,
            Stage::PlanPending => 2,
            Stage::InServices => 3,
            Stage::Monitoring => 4,
            Stage::ClosurePending => 5,
            Stage::Closed(_) | Stage::Reopened => 6,
        };
        order(stage) >= order(s)
    };
    let mut assessment = "";
    let mut plan = "";
    let mut plan_pending = None;
    if reached(Stage::Assessment) {
        event(
            conn,
            id,
            day(ASSESSING),
            people.worker,
            EventKind::AssessmentStarted,
            "",
            json!({}),
        )?;
        (status, since) = (CaseStatus::Assessment, day(ASSESSING));
    }
    if reached(Stage::PlanPending) {
        assessment = "Күнүнө 6 саатка чейин иштейт; жумасына эки-үч күн мектепке барбайт. Үй-бүлө мезгилдүү кирешеге көз каранды.";
        plan = "1. Реабилитация борбору: психологиялык колдоо. 2. Окуудан артта калгандар үчүн сабактар. 3. Үй-бүлөгө колдоо: социалдык жөлөкпулга арыз.";
        event(
            conn,
            id,
            day(ASSESSED),
            people.worker,
            EventKind::AssessmentRecorded,
            "",
            json!({}),
        )?;
        event(
            conn,
            id,
            day(PLANNED),
            people.worker,
            EventKind::PlanSubmitted,
            "",
            json!({}),
        )?;
        (status, since) = (CaseStatus::CasePlan, day(ASSESSED));
        plan_pending = Some(at(day(PLANNED), 10));
    }
    if reached(Stage::InServices) {
        event(
            conn,
            id,
            day(APPROVED),
            people.supervisor,
            EventKind::PlanApproved,
            "",
            json!({}),
        )?;
        (status, since) = (CaseStatus::InServices, day(APPROVED));
        plan_pending = None;
        refer(
            conn,
            who,
            dice,
            people,
            id,
            day(REFERRED),
            today,
            stage,
            providers,
            n,
            input.consent.is_some(),
        )?;
    }
    let mut last_visit = None;
    if reached(Stage::Monitoring) {
        event(
            conn,
            id,
            day(MONITORING),
            people.worker,
            EventKind::MonitoringStarted,
            "",
            json!({}),
        )?;
        (status, since) = (CaseStatus::Monitoring, day(MONITORING));
        for (d, working) in [(FIRST_VISIT, false), (SECOND_VISIT, false)] {
            if day(d) > today {
                break;
            }
            // Some children are found working again at the first visit.
            let working = working || (d == FIRST_VISIT && n % 7 == 1 && stage == Stage::Monitoring);
            diesel::insert_into(follow_ups::table)
                .values((
                    follow_ups::case_id.eq(id),
                    follow_ups::visited_on.eq(day(d)),
                    follow_ups::visited_by.eq(people.worker),
                    follow_ups::still_working.eq(working),
                    follow_ups::attending_school.eq(!working),
                    follow_ups::notes.eq(if working {
                        "Базар күндөрү кайра базарда иштейт."
                    } else {
                        "Мектепте; энеси бала мындан ары иштебей турганын тастыктады."
                    }),
                ))
                .execute(conn)?;
            event(
                conn,
                id,
                day(d),
                people.worker,
                EventKind::FollowUp,
                "",
                json!({ "still_working": working }),
            )?;
            last_visit = Some(day(d));
        }
    }
    let mut closure_requested = None;
    let mut closed = None;
    match stage {
        Stage::ClosurePending => {
            closure_requested = Some(ClosureReason::Withdrawn);
            event(
                conn,
                id,
                day(CLOSURE_ASKED),
                people.worker,
                EventKind::ClosureRequested,
                "",
                json!({ "reason": "withdrawn" }),
            )?;
        }
        Stage::Closed(_) | Stage::Reopened => {
            let reason = match stage {
                Stage::Closed(reason) => reason,
                _ => ClosureReason::Withdrawn,
            };
            let note = match reason {
                ClosureReason::MovedAway => {
                    "Үй-бүлө Бишкекке көчүп кетти; ал жактагы бөлүмгө кабарланды."
                }
                _ => "",
            };
            event(
                conn,
                id,
                day(CLOSURE_ASKED),
                people.worker,
                EventKind::ClosureRequested,
                note,
                json!({ "reason": reason.as_str() }),
            )?;
            event(
                conn,
                id,
                day(CLOSED),
                people.supervisor,
                EventKind::ClosureApproved,
                "",
                json!({ "reason": reason.as_str() }),
            )?;
            (status, since) = (CaseStatus::Closed, day(CLOSED));
            closed = Some(reason);
            if stage == Stage::Reopened {
                let back = day(CLOSED + 8).min(today);
                event(
                    conn,
                    id,
                    back,
                    people.supervisor,
                    EventKind::Reopened,
                    "Кайра базарда иштеп жүргөнү аныкталды.",
                    json!({}),
                )?;
                (status, since) = (CaseStatus::Assessment, back);
                closed = None;
            }
        }
        _ => {}
    }
    let due = match status {
        CaseStatus::Monitoring | CaseStatus::InServices => {
            DEADLINES.due(status, last_visit.unwrap_or(since))
        }
        CaseStatus::Assessment | CaseStatus::New => DEADLINES.due(status, since),
        other => DEADLINES.due(other, since),
    };
    diesel::update(cases_table::table.find(id))
        .set((
            cases_table::opened_at.eq(at(opened, 9)),
            cases_table::status.eq(status),
            cases_table::status_since.eq(at(since, 10)),
            cases_table::assigned_to.eq(assigned),
            cases_table::assessment.eq(assessment),
            cases_table::plan.eq(plan),
            cases_table::plan_submitted_at.eq(plan_pending),
            cases_table::plan_submitted_by.eq(plan_pending.map(|_| people.worker)),
            cases_table::due_on.eq(due),
            cases_table::closure_requested_reason.eq(closure_requested),
            cases_table::closure_requested_by.eq(closure_requested.map(|_| people.worker)),
            cases_table::closure_reason.eq(closed),
            cases_table::closed_at.eq(closed.map(|_| at(day(CLOSED), 10))),
        ))
        .execute(conn)?;
    Ok(())
}

/// One or two referrals, in states that fit the case's stage; over the whole
/// demo every state appears, some overdue.
#[allow(clippy::too_many_arguments)]
fn refer(
    conn: &mut PgConnection,
    who: &Who,
    dice: &mut Dice,
    people: &People,
    case: i64,
    sent: NaiveDate,
    today: NaiveDate,
    stage: Stage,
    providers: &[(i64, ServiceKind)],
    n: usize,
    consent: bool,
) -> anyhow::Result<()> {
    let (first, second) = match stage {
        Stage::InServices if n.is_multiple_of(2) => {
            (ReferralStatus::InService, Some(ReferralStatus::Sent))
        }
        Stage::InServices => (ReferralStatus::Accepted, Some(ReferralStatus::Declined)),
        Stage::Monitoring => (ReferralStatus::Completed, Some(ReferralStatus::Failed)),
        _ => (
            ReferralStatus::Completed,
            n.is_multiple_of(3).then_some(ReferralStatus::Completed),
        ),
    };
    for (k, status) in std::iter::once(first).chain(second).enumerate() {
        let (agency, service) = if k == 0 {
            providers[0]
        } else {
            *dice.pick(&providers[1..])
        };
        let sent = sent + Days::new(k as u64);
        // An unanswered referral of a recent case is overdue when its answer
        // date has passed.
        let answer_by = sent + Days::new(10);
        let input = ReferralInput {
            agency_id: agency,
            service,
            urgency: *dice.pick(&[
                Urgency::Routine,
                Urgency::Routine,
                Urgency::Urgent,
                Urgency::Emergency,
            ]),
            shared: vec![Shared::BirthDate, Shared::Sex, Shared::SchoolStatus],
            note: String::new(),
            answer_by,
            planned_end: Some(sent + Days::new(60)),
        };
        let override_reason = (!consent)
            .then_some("Энеси менен байланышуу мүмкүн болгон жок; балага коопсуз жай керек болчу.");
        let id = crate::referrals::model::create_referral(
            conn,
            case,
            &input,
            people.worker,
            override_reason,
        )?;
        let answered = (sent + Days::new(3)).min(today);
        let started = (sent + Days::new(5)).min(today);
        let ended = (sent + Days::new(55)).min(today);
        let (decline, outcome) = match status {
            ReferralStatus::Declined => ("Бул айда бош орун жок.", ""),
            ReferralStatus::Completed => ("", "Бардык сабактарга катышты; мектепке кайтты."),
            ReferralStatus::Failed => ("", "Эки жумадан кийин үй-бүлө баланы алып келбей калды."),
            _ => ("", ""),
        };
        diesel::update(referrals::table.find(id))
            .set((
                referrals::status.eq(status),
                referrals::sent_at.eq(at(sent, 11)),
                referrals::answered_at
                    .eq((status != ReferralStatus::Sent).then(|| at(answered, 12))),
                referrals::started_at.eq(matches!(
                    status,
                    ReferralStatus::InService | ReferralStatus::Completed | ReferralStatus::Failed
                )
                .then(|| at(started, 12))),
                referrals::ended_at.eq(matches!(
                    status,
                    ReferralStatus::Completed | ReferralStatus::Failed
                )
                .then(|| at(ended, 12))),
                referrals::started_on.eq(matches!(
                    status,
                    ReferralStatus::InService | ReferralStatus::Completed | ReferralStatus::Failed
                )
                .then_some(started)),
                referrals::ended_on.eq(matches!(
                    status,
                    ReferralStatus::Completed | ReferralStatus::Failed
                )
                .then_some(ended)),
                referrals::decline_reason.eq(decline),
                referrals::outcome_note.eq(outcome),
            ))
            .execute(conn)?;
        if let Some(reason) = override_reason {
            event(
                conn,
                case,
                sent,
                people.supervisor,
                EventKind::ConsentOverridden,
                reason,
                json!({ "referral_id": id }),
            )?;
        }
        event(
            conn,
            case,
            sent,
            people.worker,
            EventKind::ReferralSent,
            "",
            json!({ "referral_id": id }),
        )?;
        let steps: &[(EventKind, NaiveDate)] = match status {
            ReferralStatus::Sent => &[],
            ReferralStatus::Accepted => &[(EventKind::ReferralAccepted, answered)],
            ReferralStatus::Declined => &[(EventKind::ReferralDeclined, answered)],
            ReferralStatus::InService => &[
                (EventKind::ReferralAccepted, answered),
                (EventKind::ReferralStarted, started),
            ],
            ReferralStatus::Completed => &[
                (EventKind::ReferralAccepted, answered),
                (EventKind::ReferralStarted, started),
                (EventKind::ReferralCompleted, ended),
            ],
            ReferralStatus::Failed => &[
                (EventKind::ReferralAccepted, answered),
                (EventKind::ReferralStarted, started),
                (EventKind::ReferralFailed, ended),
            ],
        };
        for &(kind, on) in steps {
            event(
                conn,
                case,
                on,
                people.provider,
                kind,
                "",
                json!({ "referral_id": id }),
            )?;
        }
        audit::record(
            conn,
            who,
            AuditAction::ReferralSent,
            Some((TargetKind::Referral, id)),
            json!({ "demo": true }),
        )?;
    }
    Ok(())
}
