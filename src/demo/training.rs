//! Demo training records of the labour inspectors, and school-fee complaints
//! in every status. Dates are counted back from today, so the demo reads the
//! same whenever it is loaded; the people and the amounts are fictional.

use std::str::FromStr;

use chrono::{Days, NaiveDate, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::complaints::model::{self as complaints, ComplaintInput, ComplaintStatus};
use crate::db::schema::{agencies, school_fee_complaints, training_records, users};
use crate::training::model::{self as training, Course, TrainingInput};
use crate::web::context::TIME_ZONE;

/// A course a demo inspector took.
struct DemoCourse {
    inspector: &'static str,
    course: Course,
    days_ago: u64,
    provider: &'static str,
    certificate: Option<&'static str>,
    hours: Option<i32>,
    recorded_by: &'static str,
}

const COURSES: &[DemoCourse] = &[
    DemoCourse {
        inspector: "inspector.osh",
        course: Course::ForcedChildLabor,
        days_ago: 190,
        provider: "ILO, Bishkek office",
        certificate: Some("ILO-KG-2025-0147"),
        hours: Some(24),
        recorded_by: "head.inspection.osh",
    },
    DemoCourse {
        inspector: "inspector.osh",
        course: Course::HazardousWorkList,
        days_ago: 480,
        provider: "Ministry of Labour, Social Security and Migration",
        certificate: None,
        hours: Some(8),
        recorded_by: "admin",
    },
    DemoCourse {
        inspector: "inspector.osh",
        course: Course::LaborInspectionMethods,
        days_ago: 900,
        provider: "Ministry of Labour, Social Security and Migration",
        certificate: Some("MTSOM-2023-311"),
        hours: Some(40),
        recorded_by: "admin",
    },
    DemoCourse {
        inspector: "inspector.chuy",
        course: Course::WorstForms,
        days_ago: 75,
        provider: "UNICEF Kyrgyzstan",
        certificate: Some("UNICEF-KG-0932"),
        hours: Some(16),
        recorded_by: "admin",
    },
];

struct DemoComplaint {
    /// English name of the school (a demo agency).
    school: &'static str,
    days_ago: u64,
    amount: &'static str,
    complainant: (&'static str, &'static str),
    description: &'static str,
    logged_by: &'static str,
    /// The statuses it went through after "received", with the action taken.
    steps: &'static [(ComplaintStatus, &'static str)],
}

const COMPLAINTS: &[DemoComplaint] = &[
    DemoComplaint {
        school: "Kara-Suu Secondary School No. 12",
        days_ago: 6,
        amount: "1500",
        complainant: ("Гүлмира Т.", "+996 555 00 00 01"),
        description: "Ата-энелер комитети ар бир окуучудан класстык бөлмөнү оңдоо үчүн 1500 сом чогултту.",
        logged_by: "worker.karasuu",
        steps: &[],
    },
    DemoComplaint {
        school: "Osh City School-Gymnasium No. 5",
        days_ago: 24,
        amount: "800.50",
        complainant: ("", ""),
        description: "Биринчи класска кабыл алуу үчүн «ыктыярдуу салым» талап кылынды.",
        logged_by: "inspector.osh",
        steps: &[(
            ComplaintStatus::Verified,
            "Мектептин директору менен сүйлөшүлдү; ата-энелердин үчөө тастыктады.",
        )],
    },
    DemoComplaint {
        school: "Nookat Secondary School No. 3",
        days_ago: 70,
        amount: "2500",
        complainant: ("Айбек М.", ""),
        description: "Окуу китептери үчүн ар бир баладан 2500 сом алынды, дүмүрчөк берилген жок.",
        logged_by: "head.inspection.osh",
        steps: &[
            (
                ComplaintStatus::Verified,
                "Текшерүү учурунда тизме жана чогултулган акча табылды.",
            ),
            (
                ComplaintStatus::Resolved,
                "Акча ата-энелерге кайтарылды; райондук билим берүү бөлүмүнө кат жөнөтүлдү.",
            ),
        ],
    },
    DemoComplaint {
        school: "Kara-Suu Secondary School No. 12",
        days_ago: 120,
        amount: "300",
        complainant: ("", "+996 700 00 00 02"),
        description: "Күзөт кызматы үчүн ай сайын 300 сом талап кылынат.",
        logged_by: "worker.karasuu",
        steps: &[
            (
                ComplaintStatus::Verified,
                "Мектепке барып, ата-энелер жана мугалимдер менен сүйлөшүлдү.",
            ),
            (
                ComplaintStatus::Unfounded,
                "Төлөм мектеп эмес, турак жай кооперативи тарабынан чогултулган; мектептин катышы жок.",
            ),
        ],
    },
    DemoComplaint {
        school: "Sokuluk Secondary School No. 2",
        days_ago: 45,
        amount: "1200",
        complainant: ("Чынара А.", "+996 777 00 00 03"),
        description: "Бүтүрүү кечеси үчүн ар бир окуучудан 1200 сом талап кылынды.",
        logged_by: "worker.sokuluk",
        steps: &[],
    },
];

fn user_id(conn: &mut PgConnection, login: &str) -> anyhow::Result<i64> {
    users::table
        .filter(users::login.eq(login))
        .select(users::id)
        .first(conn)
        .map_err(|e| anyhow::anyhow!("demo user {login}: {e}"))
}

pub(super) fn load(conn: &mut PgConnection, who: &Who) -> anyhow::Result<()> {
    let today = Utc::now().with_timezone(&TIME_ZONE).date_naive();
    load_training(conn, who, today)?;
    load_complaints(conn, who, today)
}

fn load_training(conn: &mut PgConnection, who: &Who, today: NaiveDate) -> anyhow::Result<()> {
    let any: i64 = training_records::table.count().get_result(conn)?;
    if any > 0 {
        return Ok(());
    }
    for c in COURSES {
        let inspector = user_id(conn, c.inspector)?;
        let recorded_by = user_id(conn, c.recorded_by)?;
        let course = c.course;
        let input = TrainingInput {
            course,
            completed_on: today - Days::new(c.days_ago),
            provider: c.provider.into(),
            certificate_number: c.certificate.map(str::to_owned),
            hours: c.hours,
        };
        let id = training::create_record(conn, inspector, &input, recorded_by)?;
        audit::record(
            conn,
            who,
            AuditAction::TrainingRecorded,
            Some((TargetKind::TrainingRecord, id)),
            json!({ "user_id": inspector, "course": course.as_str(), "demo": true }),
        )?;
    }
    Ok(())
}

fn load_complaints(conn: &mut PgConnection, who: &Who, today: NaiveDate) -> anyhow::Result<()> {
    let any: i64 = school_fee_complaints::table.count().get_result(conn)?;
    if any > 0 {
        return Ok(());
    }
    for c in COMPLAINTS {
        let (school_id, location_id): (i64, i32) = agencies::table
            .filter(agencies::name_en.eq(c.school))
            .select((agencies::id, agencies::location_id))
            .first(conn)
            .map_err(|e| anyhow::anyhow!("demo school {}: {e}", c.school))?;
        let input = ComplaintInput {
            school_id,
            location_id,
            charged_on: today - Days::new(c.days_ago),
            amount: Decimal::from_str(c.amount)?,
            complainant_name: c.complainant.0.into(),
            complainant_contact: c.complainant.1.into(),
            description: c.description.into(),
        };
        let logged_by = user_id(conn, c.logged_by)?;
        let id = complaints::create_complaint(conn, &input, logged_by)?;
        audit::record(
            conn,
            who,
            AuditAction::ComplaintLogged,
            Some((TargetKind::SchoolFeeComplaint, id)),
            json!({ "school_id": school_id, "demo": true }),
        )?;
        let mut status = ComplaintStatus::Received;
        for (version, &(to, action)) in (1..).zip(c.steps) {
            status
                .can_become(to)
                .map_err(|e| anyhow::anyhow!("demo complaint step: {e}"))?;
            if !complaints::process(conn, id, version, status, to, action)? {
                anyhow::bail!("demo complaint {id} changed while loading");
            }
            audit::record(
                conn,
                who,
                AuditAction::ComplaintProcessed,
                Some((TargetKind::SchoolFeeComplaint, id)),
                json!({ "from": status.as_str(), "to": to.as_str(), "demo": true }),
            )?;
            status = to;
        }
    }
    Ok(())
}
