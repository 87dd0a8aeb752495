//! A small, realistic demo dataset: local agencies in Osh and Chüy regions, one
//! user for every role, and a few (fictional) children in two districts.
//! Loading is idempotent: what exists is kept. The cases (see `cases`) add
//! more children, with cases in every status, referrals in every state and
//! follow-up visits, over three years. Later features extend it
//! (inspections, investigations).

mod cases;
mod inspections;
mod investigations;
pub mod scale;
mod training;

use diesel::prelude::*;
use serde_json::json;

use crate::admin::model::{self, AgencyInput, AgencyKind, Names, ServiceKind, UserInput};
use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::auth;
use crate::children::model::{SchoolStatus, Sex};
use crate::db::schema::agencies;
use crate::policy::Role;
use crate::web::i18n::Lang;

/// Every demo user's password (never used outside a demo database).
pub const DEMO_PASSWORD: &str = "korgoo-demo-2026";

pub struct DemoLogin {
    pub login: &'static str,
    pub role: Role,
    pub place: String,
}

struct DemoAgency {
    kind: AgencyKind,
    parent: Option<&'static str>,
    territory: &'static str,
    ky: &'static str,
    ru: &'static str,
    en: &'static str,
    services: &'static [ServiceKind],
    capacity: Option<i32>,
    contact: &'static str,
}

const AGENCIES: &[DemoAgency] = &[
    DemoAgency {
        kind: AgencyKind::LaborInspectorate,
        parent: Some("LABOR-INSPECTION"),
        territory: "KG-O",
        ky: "Ош облустук эмгек инспекциясы",
        ru: "Ошская областная инспекция труда",
        en: "Osh Regional Labour Inspection Office",
        services: &[],
        capacity: None,
        contact: "Ош ш., Ленин көч. 221",
    },
    DemoAgency {
        kind: AgencyKind::LaborInspectorate,
        parent: Some("LABOR-INSPECTION"),
        territory: "KG-C",
        ky: "Чүй облустук эмгек инспекциясы",
        ru: "Чуйская областная инспекция труда",
        en: "Chüy Regional Labour Inspection Office",
        services: &[],
        capacity: None,
        contact: "Токмок ш.",
    },
    DemoAgency {
        kind: AgencyKind::RehabilitationCenter,
        parent: None,
        territory: "KG-GO",
        ky: "Эмгекке тартылган балдарды реабилитациялоо борбору (Ош)",
        ru: "Центр реабилитации детей, вовлечённых в труд (Ош)",
        en: "Child Labour Rehabilitation Centre, Osh",
        services: &[
            ServiceKind::Rehabilitation,
            ServiceKind::Psychosocial,
            ServiceKind::Shelter,
        ],
        capacity: Some(40),
        contact: "+996 3222 0 00 00",
    },
    DemoAgency {
        kind: AgencyKind::CatchUpProgram,
        parent: None,
        territory: "KG-O-KARASUU",
        ky: "Кара-Суу: окуудан артта калган балдар үчүн «жетишүү» программасы",
        ru: "Кара-Суу: программа догоняющего обучения",
        en: "Kara-Suu Catch-up Education Programme",
        services: &[ServiceKind::CatchUpEducation],
        capacity: Some(60),
        contact: "",
    },
    DemoAgency {
        kind: AgencyKind::School,
        parent: None,
        territory: "KG-O-KARASUU",
        ky: "Кара-Суу, №12 орто мектеп",
        ru: "Кара-Суу, средняя школа №12",
        en: "Kara-Suu Secondary School No. 12",
        services: &[ServiceKind::SchoolEnrolment],
        capacity: None,
        contact: "",
    },
    DemoAgency {
        kind: AgencyKind::School,
        parent: None,
        territory: "KG-GO",
        ky: "Ош шаары, №5 мектеп-гимназия",
        ru: "г. Ош, школа-гимназия №5",
        en: "Osh City School-Gymnasium No. 5",
        services: &[],
        capacity: None,
        contact: "",
    },
    DemoAgency {
        kind: AgencyKind::School,
        parent: None,
        territory: "KG-O-NOOKAT",
        ky: "Ноокат, №3 орто мектеп",
        ru: "Ноокат, средняя школа №3",
        en: "Nookat Secondary School No. 3",
        services: &[],
        capacity: None,
        contact: "",
    },
    DemoAgency {
        kind: AgencyKind::School,
        parent: None,
        territory: "KG-C-SOKULUK",
        ky: "Сокулук, №2 орто мектеп",
        ru: "Сокулук, средняя школа №2",
        en: "Sokuluk Secondary School No. 2",
        services: &[],
        capacity: None,
        contact: "",
    },
    DemoAgency {
        kind: AgencyKind::Clinic,
        parent: None,
        territory: "KG-O-KARASUU",
        ky: "Кара-Суу райондук ооруканасы",
        ru: "Кара-Суйская районная больница",
        en: "Kara-Suu District Hospital",
        services: &[ServiceKind::Medical],
        capacity: None,
        contact: "",
    },
    DemoAgency {
        kind: AgencyKind::Ngo,
        parent: None,
        territory: "KG-GB",
        ky: "«Балдарга укуктук жардам» коомдук бирикмеси",
        ru: "Общественное объединение «Правовая помощь детям»",
        en: "Legal Aid for Children (NGO)",
        services: &[
            ServiceKind::LegalAid,
            ServiceKind::Psychosocial,
            ServiceKind::FamilySupport,
        ],
        capacity: None,
        contact: "",
    },
    DemoAgency {
        kind: AgencyKind::Prosecutor,
        parent: Some("GPO"),
        territory: "KG-O",
        ky: "Ош облусунун прокуратурасы",
        ru: "Прокуратура Ошской области",
        en: "Osh Regional Prosecutor's Office",
        services: &[ServiceKind::LawEnforcement],
        capacity: None,
        contact: "",
    },
    DemoAgency {
        kind: AgencyKind::Police,
        parent: Some("MIA"),
        territory: "KG-O-KARASUU",
        ky: "Кара-Суу районунун ички иштер бөлүмү",
        ru: "Кара-Суйский районный отдел внутренних дел",
        en: "Kara-Suu District Internal Affairs Department",
        services: &[ServiceKind::LawEnforcement],
        capacity: None,
        contact: "",
    },
];

/// (login, display name, role, agency: seeded code or demo English name, territory, language)
const USERS: &[(&str, &str, Role, &str, &str, Lang)] = &[
    (
        "admin",
        "Нурлан Асанов",
        Role::Admin,
        "code:MLSSM",
        "KG",
        Lang::Ky,
    ),
    (
        "inspector.osh",
        "Бакыт Осмонов",
        Role::Inspector,
        "Osh Regional Labour Inspection Office",
        "KG-O",
        Lang::Ky,
    ),
    (
        "inspector.chuy",
        "Жылдыз Кадырова",
        Role::Inspector,
        "Chüy Regional Labour Inspection Office",
        "KG-C",
        Lang::Ru,
    ),
    (
        "inspector.bishkek",
        "Нурбек Абдыкадыров",
        Role::Inspector,
        "code:LABOR-INSPECTION",
        "KG",
        Lang::Ru,
    ),
    (
        "head.inspection.osh",
        "Талант Жээнбеков",
        Role::Supervisor,
        "Osh Regional Labour Inspection Office",
        "KG-O",
        Lang::Ky,
    ),
    (
        "inspector.chuy",
        "Жылдыз Кадырова",
        Role::Inspector,
        "Chüy Regional Labour Inspection Office",
        "KG-C",
        Lang::Ru,
    ),
    (
        "head.inspection.osh",
        "Талант Жээнбеков",
        Role::Supervisor,
        "Osh Regional Labour Inspection Office",
        "KG-O",
        Lang::Ky,
    ),
    (
        "worker.karasuu",
        "Айгүл Токтогулова",
        Role::CaseWorker,
        "code:CSU-KG-O-KARASUU",
        "KG-O-KARASUU",
        Lang::Ky,
    ),
    (
        "supervisor.karasuu",
        "Гүлнара Жумабаева",
        Role::Supervisor,
        "code:CSU-KG-O-KARASUU",
        "KG-O-KARASUU",
        Lang::Ru,
    ),
    (
        "worker.sokuluk",
        "Марат Исаков",
        Role::CaseWorker,
        "code:CSU-KG-C-SOKULUK",
        "KG-C-SOKULUK",
        Lang::Ru,
    ),
    (
        "supervisor.sokuluk",
        "Чолпон Бейшеева",
        Role::Supervisor,
        "code:CSU-KG-C-SOKULUK",
        "KG-C-SOKULUK",
        Lang::Ky,
    ),
    (
        "provider.osh",
        "Зарина Мамытова",
        Role::ServiceProvider,
        "Child Labour Rehabilitation Centre, Osh",
        "KG-GO",
        Lang::Ky,
    ),
    (
        "prosecutor.osh",
        "Эрлан Садыков",
        Role::Prosecutor,
        "Osh Regional Prosecutor's Office",
        "KG-O",
        Lang::Ru,
    ),
    (
        "police.karasuu",
        "Азамат Абдыкеримов",
        Role::Police,
        "Kara-Suu District Internal Affairs Department",
        "KG-O-KARASUU",
        Lang::Ky,
    ),
    (
        "official",
        "Elena Petrova",
        Role::Official,
        "code:MLSSM",
        "KG",
        Lang::En,
    ),
];

fn agency_by_code(conn: &mut PgConnection, code: &str) -> QueryResult<Option<i64>> {
    agencies::table
        .filter(agencies::code.eq(code))
        .select(agencies::id)
        .first(conn)
        .optional()
}

fn agency_by_english_name(conn: &mut PgConnection, name: &str) -> QueryResult<Option<i64>> {
    agencies::table
        .filter(agencies::name_en.eq(name))
        .select(agencies::id)
        .first(conn)
        .optional()
}

/// The demo's labour inspector posts (idempotent: only for those who have
/// none): the inspectors from 1 January three years back, or their first
/// inspection if earlier, so everyone was in post when they inspected; the
/// Osh office head, who inspects too, from 1 January two years back.
fn posts(conn: &mut PgConnection) -> QueryResult<()> {
    use diesel::sql_types::{Array, Int4, Text};
    let year =
        chrono::Datelike::year(&chrono::Utc::now().with_timezone(&crate::web::context::TIME_ZONE));
    let logins: Vec<String> = USERS
        .iter()
        .filter(|u| matches!(u.2, Role::Inspector | Role::Supervisor))
        .map(|u| u.0.to_owned())
        .collect();
    diesel::sql_query(
        "INSERT INTO inspector_posts (user_id, agency_id, from_on)
         SELECT u.id, u.agency_id,
                least(make_date($1 - CASE WHEN u.role = 'inspector' THEN 3 ELSE 2 END, 1, 1),
                      coalesce((SELECT min(i.visited_on) FROM inspection_inspectors ii
                                JOIN inspections i ON i.id = ii.inspection_id
                                WHERE ii.user_id = u.id), 'infinity'::date))
         FROM users u JOIN agencies a ON a.id = u.agency_id
         WHERE a.kind = 'labor_inspectorate' AND u.role IN ('inspector', 'supervisor')
           AND u.login = ANY($2)
           AND NOT EXISTS (SELECT 1 FROM inspector_posts p WHERE p.user_id = u.id)",
    )
    .bind::<Int4, _>(year)
    .bind::<Array<Text>, _>(logins)
    .execute(conn)
    .map(|_| ())
}

/// Load the demo dataset into the (migrated) database at `url`.
pub fn load(url: &str) -> anyhow::Result<Vec<DemoLogin>> {
    let mut conn = PgConnection::establish(url)?;
    let who = Who {
        actor_id: None,
        actor_login: None,
        client_addr: "demo-data".into(),
    };
    let hash = auth::model::hash_password(DEMO_PASSWORD)?;
    conn.transaction(|conn| -> anyhow::Result<Vec<DemoLogin>> {
        for a in AGENCIES {
            if agency_by_english_name(conn, a.en)?.is_some() {
                continue;
            }
            let location_id = model::location_id_by_code(conn, a.territory)?
                .ok_or_else(|| anyhow::anyhow!("demo territory {} missing", a.territory))?;
            let input = AgencyInput {
                kind: a.kind,
                location_id,
                names: Names {
                    ky: a.ky.into(),
                    ru: a.ru.into(),
                    en: a.en.into(),
                },
                contact: a.contact.into(),
                services: a.services.to_vec(),
                capacity: a.capacity,
                active: true,
            };
            let id = model::create_agency(conn, &input)?;
            if let Some(parent) = a.parent {
                let parent_id = agency_by_code(conn, parent)?;
                diesel::update(agencies::table.find(id))
                    .set(agencies::parent_id.eq(parent_id))
                    .execute(conn)?;
            }
            audit::record(
                conn,
                &who,
                AuditAction::AgencyCreated,
                Some((TargetKind::Agency, id)),
                json!({ "demo": true }),
            )?;
        }
        let mut logins = Vec::new();
        for &(login, name, role, agency, territory, locale) in USERS {
            let agency_id = match agency.strip_prefix("code:") {
                Some(code) => agency_by_code(conn, code)?,
                None => agency_by_english_name(conn, agency)?,
            };
            let location_id = model::location_id_by_code(conn, territory)?;
            let place = territory.to_string();
            logins.push(DemoLogin { login, role, place });
            if model::login_taken(conn, login)? {
                continue;
            }
            let input = UserInput {
                display_name: name.into(),
                role,
                agency_id,
                location_id,
                locale,
            };
            let id = model::create_user(conn, login, &input, &hash, false)?;
            audit::record(
                conn,
                &who,
                AuditAction::UserCreated,
                Some((TargetKind::User, id)),
                json!({ "login": login, "demo": true }),
            )?;
        }
        load_children(conn, &who)?;
        cases::load(conn, &who)?;
        training::load(conn, &who)?;
        inspections::load(conn, &who)?;
        posts(conn)?;
        investigations::load(conn, &who)?;
        Ok(logins)
    })
}

/// One fictional child of the demo: any likeness to a real child is chance.
struct DemoChild {
    /// Family, given and patronymic name.
    names: [&'static str; 3],
    sex: Sex,
    birth_date: &'static str,
    personal_number: Option<&'static str>,
    guardian: &'static str,
    territory: &'static str,
    school: SchoolStatus,
    registered_by: &'static str,
}

const CHILDREN: &[DemoChild] = &[
    DemoChild {
        names: ["Токтогулова", "Айгүл", "Бакытовна"],
        sex: Sex::Female,
        birth_date: "2012-03-05",
        personal_number: Some("10503201200123"),
        guardian: "Гүлмира Токтогулова",
        territory: "KG-O-KARASUU",
        school: SchoolStatus::Irregular,
        registered_by: "worker.karasuu",
    },
    DemoChild {
        names: ["Осмонов", "Нурбек", "Эрланович"],
        sex: Sex::Male,
        birth_date: "2011-07-19",
        personal_number: None,
        guardian: "Эрлан Осмонов",
        territory: "KG-O-KARASUU",
        school: SchoolStatus::OutOfSchool,
        registered_by: "worker.karasuu",
    },
    DemoChild {
        names: ["Мамытова", "Жылдыз", ""],
        sex: Sex::Female,
        birth_date: "2013-11-02",
        personal_number: None,
        guardian: "Айнура Мамытова",
        territory: "KG-O-KARASUU",
        school: SchoolStatus::Enrolled,
        registered_by: "supervisor.karasuu",
    },
    DemoChild {
        names: ["Абдыкеримов", "Чыңгыз", "Азаматович"],
        sex: Sex::Male,
        birth_date: "2010-01-28",
        personal_number: Some("22801201000451"),
        guardian: "Азамат Абдыкеримов",
        territory: "KG-O-KARASUU",
        school: SchoolStatus::NeverEnrolled,
        registered_by: "worker.karasuu",
    },
    DemoChild {
        names: ["Исакова", "Бегимай", ""],
        sex: Sex::Female,
        birth_date: "2012-09-14",
        personal_number: None,
        guardian: "Марат Исаков",
        territory: "KG-C-SOKULUK",
        school: SchoolStatus::Irregular,
        registered_by: "worker.sokuluk",
    },
    DemoChild {
        names: ["Сыдыков", "Өмүрбек", ""],
        sex: Sex::Male,
        birth_date: "2014-05-30",
        personal_number: None,
        guardian: "Гүлзат Сыдыкова",
        territory: "KG-C-SOKULUK",
        school: SchoolStatus::Enrolled,
        registered_by: "worker.sokuluk",
    },
];

fn load_children(conn: &mut PgConnection, who: &Who) -> anyhow::Result<()> {
    use crate::children::model::{self as children, ChildInput, ChildLanguage, Disability};
    use crate::db::schema::{children as children_table, users};
    let any: i64 = children_table::table.count().get_result(conn)?;
    if any > 0 {
        return Ok(());
    }
    for child in CHILDREN {
        let territory = child.territory;
        let home_location_id = model::location_id_by_code(conn, territory)?
            .ok_or_else(|| anyhow::anyhow!("demo territory {territory} missing"))?;
        let registrar: i64 = users::table
            .filter(users::login.eq(child.registered_by))
            .select(users::id)
            .first(conn)?;
        let input = ChildInput {
            family_name: child.names[0].into(),
            given_name: child.names[1].into(),
            patronymic: child.names[2].into(),
            sex: child.sex,
            birth_date: chrono::NaiveDate::parse_from_str(child.birth_date, "%Y-%m-%d")?,
            birth_date_estimated: false,
            personal_number: child.personal_number.map(str::to_owned),
            guardian_name: child.guardian.into(),
            guardian_contact: String::new(),
            home_location_id,
            language: ChildLanguage::Ky,
            school_status: child.school,
            disability: Disability::None,
        };
        let id = children::create_child(conn, &input, registrar)?;
        audit::record(
            conn,
            who,
            AuditAction::ChildCreated,
            Some((TargetKind::Child, id)),
            json!({ "demo": true }),
        )?;
    }
    Ok(())
}
