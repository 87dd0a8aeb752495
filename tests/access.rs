//! Access control under attack (issue 8): for every route and every role
//! placed in another territory or agency, the ids of territory A's records
//! typed into URLs and form fields are answered 403/404 (or a 422 naming the
//! field), and nothing is shown or written; `official` and anonymous never
//! receive personal data.
//!
//! Territory A is Kara-Suu (Osh Region) of the demo dataset: its Child
//! Support Unit, the Osh labour inspection office, the Osh rehabilitation
//! centre, the Osh prosecutor's office. Territory B is Sokuluk (Chüy Region):
//! a user of every role works there. The forms the attackers send are the
//! ones A's own staff are shown (scraped from their pages, with this
//! session's CSRF token), so a request refused is refused by the policy and
//! not by a malformed form.

use std::collections::BTreeMap;
use std::io::Read;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use korgoo::admin::model::AgencyKind;
use korgoo::policy::Role;
use reqwest::StatusCode;

use crate::common::routes::{GET_ROUTES, POST_ROUTES, fill};
use crate::common::{PASSWORD, Page, TestApp, fixtures};

const DEMO: &str = korgoo::demo::DEMO_PASSWORD;
/// The CSRF refusal's title: a 403 carrying it never reached the policy.
const CSRF_REFUSAL: &str = "Форманын мөөнөтү бүттү";
/// What makes A's target child and case recognisable in any text.
const FAMILY: &str = "Жашыруунова";
const GIVEN: &str = "Сезимкан";
const GUARDIAN_CONTACT: &str = "+996 555 271 828";
const NARRATIVE: &str = "Баяны жашыруун: пахта талаасында күнүгө он саат иштейт";
const ASSESSMENT: &str = "Баалоосу жашыруун: түнкү сменада иштейт";

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Integer)]
    version: i32,
}

fn one_id(conn: &mut PgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Id>(conn)
        .unwrap_or_else(|e| panic!("{e}: {sql}"))
        .id
}

fn names(conn: &mut PgConnection, sql: &str) -> Vec<String> {
    diesel::sql_query(sql)
        .load::<Name>(conn)
        .unwrap_or_else(|e| panic!("{e}: {sql}"))
        .into_iter()
        .map(|n| n.name)
        .collect()
}

fn agency_named(conn: &mut PgConnection, english: &str) -> i64 {
    use korgoo::db::schema::agencies;
    agencies::table
        .filter(agencies::name_en.eq(english))
        .select(agencies::id)
        .first(conn)
        .expect("a demo agency")
}

/// Every table a request could write, with its row count and a checksum of
/// its rows. Sessions hold the CSRF token and flash messages of the
/// attackers themselves; the children each reader saw are written with the
/// audit entry of every read, which the tests check by itself.
fn snapshot(app: &TestApp) -> BTreeMap<String, String> {
    let tables = crate::common::table_digests(
        app,
        &["sessions", "saved_searches", "audit_children_seen"],
        &[],
    );
    assert!(tables.len() > 15, "{tables:?}");
    tables
}

/// The audit entries written since `after_id`: (action, target kind, target id).
fn audit_since(app: &TestApp, after_id: i64) -> Vec<(String, String, i64)> {
    #[derive(QueryableByName)]
    struct Entry {
        #[diesel(sql_type = Text)]
        action: String,
        #[diesel(sql_type = Text)]
        kind: String,
        #[diesel(sql_type = BigInt)]
        target: i64,
    }
    diesel::sql_query(format!(
        "SELECT action, coalesce(target_kind, '') AS kind, coalesce(target_id, 0) AS target
         FROM audit_log WHERE id > {after_id} ORDER BY id"
    ))
    .load::<Entry>(&mut app.conn())
    .unwrap()
    .into_iter()
    .map(|e| (e.action, e.kind, e.target))
    .collect()
}

fn last_audit(app: &TestApp) -> i64 {
    one_id(
        &mut app.conn(),
        "SELECT coalesce(max(id), 0) AS id FROM audit_log",
    )
}

fn changed(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<String> {
    before
        .iter()
        .filter(|(t, sum)| after.get(*t) != Some(sum))
        .map(|(t, _)| t.clone())
        .collect()
}

fn leaks<'a>(text: &str, traces: &'a [String]) -> Vec<&'a str> {
    traces
        .iter()
        .filter(|t| text.contains(t.as_str()))
        .map(String::as_str)
        .collect()
}

/// A text as it may appear in a page, a URL or a form-encoded body.
fn spellings(text: &str) -> Vec<String> {
    vec![
        text.to_owned(),
        url::form_urlencoded::byte_serialize(text.as_bytes()).collect(),
        text.replace(' ', "%20"),
        // As HTML escapes it (an apostrophe, an ampersand) it stays the same
        // for these Cyrillic texts; the spaced form is enough.
    ]
}

/// The records of territory A the attacks aim at, and what identifies the
/// child in them.
struct World {
    app: TestApp,
    /// (placeholder, id of A's record)
    ids: Vec<(&'static str, String)>,
    /// The target child, case and narrative, as they could appear in a body.
    secrets: Vec<String>,
    /// Every child's name, personal number and contact, every narrative.
    every_child: Vec<String>,
    /// Users of territory A who may do what the routes do.
    a: BTreeMap<&'static str, TestApp>,
    /// Users placed in territory B (and the official), by a label.
    b: Vec<(String, TestApp)>,
    ids_b: BTreeMap<&'static str, i64>,
    location_a: i32,
}

impl World {
    fn id(&self, name: &str) -> String {
        self.ids
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no id for {name}"))
    }
}

async fn signed_in(app: &TestApp, login: &str, password: &str) -> TestApp {
    let browser = app.other_browser();
    let page = browser.login(login, password).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "sign-in as {login}");
    assert_eq!(page.location(), Some("/"), "{login} is not sent elsewhere");
    // Everyone reads Kyrgyz here, so that messages can be looked for.
    assert_eq!(browser.get("/?lang=ky").await.status, StatusCode::SEE_OTHER);
    browser
}

async fn world() -> World {
    let app = TestApp::spawn_with(|c| c.login_rate_per_minute = 100_000).await;
    let url = app.db.url.clone();
    actix_web::rt::task::spawn_blocking(move || korgoo::demo::load(&url).map(|_| ()))
        .await
        .unwrap()
        .expect("the demo data loads");
    let mut conn = app.conn();
    let karasuu_unit = fixtures::agency_by_code(&mut conn, "CSU-KG-O-KARASUU");
    let sokuluk_unit = fixtures::agency_by_code(&mut conn, "CSU-KG-C-SOKULUK");
    let osh_office = agency_named(&mut conn, "Osh Regional Labour Inspection Office");
    let chuy_office = agency_named(&mut conn, "Chüy Regional Labour Inspection Office");
    let osh_centre = agency_named(&mut conn, "Child Labour Rehabilitation Centre, Osh");
    let osh_prosecutor = agency_named(&mut conn, "Osh Regional Prosecutor's Office");
    let location_a = fixtures::location(&mut conn, "KG-O-KARASUU");

    // A's case: in services, with a referral to the Osh centre waiting for
    // its answer, so that every form of the case page is on offer.
    let referral = one_id(
        &mut conn,
        &format!(
            "SELECT r.id FROM referrals r JOIN cases c ON c.id = r.case_id
             WHERE c.unit_id = {karasuu_unit} AND r.agency_id = {osh_centre}
               AND c.status = 'in_services' AND c.transfer_to_unit_id IS NULL
               AND r.status IN ('sent', 'accepted', 'in_service')
             ORDER BY (r.status = 'sent') DESC, r.id LIMIT 1"
        ),
    );
    let case = one_id(
        &mut conn,
        &format!("SELECT case_id AS id FROM referrals WHERE id = {referral}"),
    );
    let child = one_id(
        &mut conn,
        &format!("SELECT child_id AS id FROM cases WHERE id = {case}"),
    );
    // The child gets names, a number and a contact no other record has.
    let record = korgoo::children::model::get_child(&mut conn, child).unwrap();
    let mut input = record.as_input();
    input.family_name = FAMILY.into();
    input.given_name = GIVEN.into();
    input.guardian_contact = GUARDIAN_CONTACT.into();
    let pin = format!(
        "{}{}{:05}",
        if record.sex == korgoo::children::model::Sex::Female {
            1
        } else {
            2
        },
        record.birth_date.format("%d%m%Y"),
        77_177
    );
    input.personal_number = Some(pin.clone());
    assert!(
        korgoo::children::model::update_child(&mut conn, child, record.version, &input).unwrap()
    );
    diesel::sql_query(format!(
        "UPDATE cases SET narrative = '{NARRATIVE}', assessment = '{ASSESSMENT}' WHERE id = {case}"
    ))
    .execute(&mut conn)
    .unwrap();
    // A referral keeps what it shared when sent: the one the provider reads
    // is sent again now, with the names above.
    let referral = one_id(
        &mut conn,
        &format!(
            "INSERT INTO referrals (case_id, agency_id, service, urgency, shared, note, answer_by,
                                    planned_end, status, sent_by, consent_override_reason)
             SELECT case_id, agency_id, service, urgency, shared, note, answer_by, planned_end,
                    status, sent_by, consent_override_reason
             FROM referrals WHERE id = {referral} RETURNING id"
        ),
    );

    // A's inspection: of the Osh office, still open, with a penalty.
    let penalty = one_id(
        &mut conn,
        &format!(
            "SELECT p.id FROM penalties p JOIN inspections i ON i.id = p.inspection_id
             WHERE i.office_id = {osh_office}
             ORDER BY (i.status = 'open') DESC, (p.status = 'imposed') DESC, p.id DESC LIMIT 1"
        ),
    );
    let inspection = one_id(
        &mut conn,
        &format!("SELECT inspection_id AS id FROM penalties WHERE id = {penalty}"),
    );
    let establishment = one_id(
        &mut conn,
        &format!("SELECT establishment_id AS id FROM inspections WHERE id = {inspection}"),
    );
    let investigation = one_id(
        &mut conn,
        &format!(
            "SELECT id FROM investigations WHERE agency_id = {osh_prosecutor}
             ORDER BY (stage = 'investigation') DESC, id LIMIT 1"
        ),
    );
    // A referral of A's case to the Osh prosecutor's office, waiting.
    let worker_a = fixtures::user_id(&mut conn, "worker.karasuu");
    let le_referral = korgoo::investigations::model::refer(
        &mut conn,
        osh_prosecutor,
        Some(case),
        None,
        "",
        worker_a,
        crate::common::today(),
    )
    .unwrap();
    let inspector_a = fixtures::user_id(&mut conn, "inspector.osh");
    let training = one_id(
        &mut conn,
        &format!(
            "SELECT id FROM training_records WHERE user_id = {inspector_a} ORDER BY id LIMIT 1"
        ),
    );
    let complaint = one_id(
        &mut conn,
        "SELECT c.id FROM school_fee_complaints c JOIN locations l ON l.id = c.location_id
         WHERE l.path LIKE 'KG/KG-O/%' ORDER BY (c.status IN ('received', 'verified')) DESC, c.id LIMIT 1",
    );
    let recommendation = one_id(
        &mut conn,
        "SELECT id::bigint AS id FROM recommendations ORDER BY id LIMIT 1",
    );
    let ids = vec![
        ("user", inspector_a.to_string()),
        ("agency", karasuu_unit.to_string()),
        ("child", child.to_string()),
        ("case", case.to_string()),
        ("referral", referral.to_string()),
        ("establishment", establishment.to_string()),
        ("inspection", inspection.to_string()),
        ("penalty", penalty.to_string()),
        ("investigation", investigation.to_string()),
        ("le_referral", le_referral.to_string()),
        ("record", training.to_string()),
        ("complaint", complaint.to_string()),
        ("recommendation", recommendation.to_string()),
    ];

    let mut secrets = Vec::new();
    for text in [
        format!("{FAMILY} {GIVEN}"),
        format!("{GIVEN} {FAMILY}"),
        FAMILY.to_owned(),
        pin.clone(),
        GUARDIAN_CONTACT.to_owned(),
        NARRATIVE.to_owned(),
        ASSESSMENT.to_owned(),
    ] {
        secrets.extend(spellings(&text));
    }
    // Who complained of A's school fees is personal data too.
    secrets.extend(
        names(
            &mut conn,
            &format!(
                "SELECT complainant_name AS name FROM school_fee_complaints
                 WHERE id = {complaint} AND complainant_name <> ''
                 UNION SELECT complainant_contact FROM school_fee_complaints
                 WHERE id = {complaint} AND complainant_contact <> ''"
            ),
        )
        .iter()
        .flat_map(|t| spellings(t)),
    );
    // Every child, for the pages of those who may see none: names in both
    // orders (unless a user bears the same name), numbers, contacts.
    let users = names(&mut conn, "SELECT display_name AS name FROM users");
    let mut every_child = secrets.clone();
    for text in names(
        &mut conn,
        "SELECT family_name || ' ' || given_name AS name FROM children
         UNION SELECT given_name || ' ' || family_name FROM children
         UNION SELECT personal_number FROM children WHERE personal_number IS NOT NULL
         UNION SELECT guardian_contact FROM children WHERE guardian_contact <> ''
         UNION SELECT complainant_name FROM school_fee_complaints WHERE complainant_name <> ''
         UNION SELECT complainant_contact FROM school_fee_complaints
         WHERE complainant_contact <> ''",
    ) {
        if !users.contains(&text) {
            every_child.extend(spellings(&text));
        }
    }

    // Territory B: a user of every role, and the official.
    let chuy_prosecutor =
        fixtures::agency(&mut conn, AgencyKind::Prosecutor, "KG-C", "Chüy Prosecutor");
    let sokuluk_police = fixtures::agency(
        &mut conn,
        AgencyKind::Police,
        "KG-C-SOKULUK",
        "Sokuluk Police",
    );
    let sokuluk_school = agency_named(&mut conn, "Sokuluk Secondary School No. 2");
    let karasuu_school = agency_named(&mut conn, "Kara-Suu Secondary School No. 12");
    let url = app.db.url.clone();
    let created = actix_web::rt::task::spawn_blocking(move || {
        [
            ("head of the Chüy inspection", Role::Supervisor, chuy_office),
            ("provider in Sokuluk", Role::ServiceProvider, sokuluk_school),
            ("prosecutor in Chüy", Role::Prosecutor, chuy_prosecutor),
            ("police in Sokuluk", Role::Police, sokuluk_police),
            (
                "another case worker of Sokuluk",
                Role::CaseWorker,
                sokuluk_unit,
            ),
            (
                "provider of another agency in Kara-Suu",
                Role::ServiceProvider,
                karasuu_school,
            ),
        ]
        .map(|(label, role, agency)| (label, fixtures::user_in(&url, role, agency)))
    })
    .await
    .unwrap();
    let official = app.create_user(Role::Official, false).await;
    let mut b = Vec::new();
    for (label, login) in [
        ("case worker of Sokuluk", "worker.sokuluk"),
        ("supervisor of Sokuluk", "supervisor.sokuluk"),
        ("inspector of Chüy", "inspector.chuy"),
        ("police of another agency in Kara-Suu", "police.karasuu"),
    ] {
        b.push((label.to_owned(), signed_in(&app, login, DEMO).await));
    }
    for (label, login) in &created {
        b.push((label.to_string(), signed_in(&app, login, PASSWORD).await));
    }
    b.push((
        "official".to_owned(),
        signed_in(&app, &official, PASSWORD).await,
    ));
    b.push((
        "demo official".to_owned(),
        signed_in(&app, "official", DEMO).await,
    ));
    // Every role of src/policy.rs that has a place is placed in B (the
    // admin has none: national by design).
    for role in Role::ALL.iter().filter(|r| **r != Role::Admin) {
        assert!(
            b.iter().any(|(label, _)| label.contains(match role {
                Role::Inspector => "inspector of",
                Role::CaseWorker => "case worker",
                Role::Supervisor => "supervisor",
                Role::ServiceProvider => "provider",
                Role::Prosecutor => "prosecutor",
                Role::Police => "police",
                Role::Official => "official",
                Role::Admin => unreachable!(),
            })),
            "{role} is placed in B"
        );
    }

    let mut a = BTreeMap::new();
    for login in [
        "worker.karasuu",
        "supervisor.karasuu",
        "inspector.osh",
        "head.inspection.osh",
        "provider.osh",
        "prosecutor.osh",
        "admin",
    ] {
        a.insert(login, signed_in(&app, login, DEMO).await);
    }

    // B's own records, for the attacks through form fields.
    let case_b = one_id(
        &mut conn,
        &format!(
            "SELECT id FROM cases WHERE unit_id = {sokuluk_unit} AND status = 'in_services'
               AND transfer_to_unit_id IS NULL AND consent_given_by IS NOT NULL
             ORDER BY id LIMIT 1"
        ),
    );
    let child_b = one_id(
        &mut conn,
        &format!("SELECT child_id AS id FROM cases WHERE id = {case_b}"),
    );
    let establishment_b = one_id(
        &mut conn,
        "SELECT e.id FROM establishments e JOIN locations l ON l.id = e.location_id
         WHERE l.path LIKE 'KG/KG-C/%' ORDER BY e.id LIMIT 1",
    );
    let inspection_b = one_id(
        &mut conn,
        &format!(
            "SELECT id FROM inspections WHERE office_id = {chuy_office} ORDER BY (status = 'open') DESC, id LIMIT 1"
        ),
    );
    let worker_b = fixtures::user_id(&mut conn, "worker.sokuluk");
    // The Chüy prosecutor's office has an investigation of its own.
    let prosecutor_b = fixtures::user_id(&mut conn, &created[2].1);
    korgoo::investigations::model::create(
        &mut conn,
        chuy_prosecutor,
        &korgoo::investigations::model::InvestigationInput {
            offenses: vec![korgoo::investigations::model::Offense::ForcedChildLabor],
            opened_on: crate::common::today() - chrono::Days::new(30),
            reference: "УД-ЧҮЙ-1".into(),
            suspects: 1,
            notes: String::new(),
        },
        prosecutor_b,
    )
    .unwrap();
    let le_referral_b = korgoo::investigations::model::refer(
        &mut conn,
        chuy_prosecutor,
        Some(case_b),
        None,
        "",
        worker_b,
        crate::common::today(),
    )
    .unwrap();
    let ids_b = BTreeMap::from([
        ("case", case_b),
        ("child", child_b),
        ("establishment", establishment_b),
        ("inspection", inspection_b),
        ("le_referral", le_referral_b),
        ("school", sokuluk_school),
        ("chuy_prosecutor", chuy_prosecutor),
        ("sokuluk_police", sokuluk_police),
        ("osh_prosecutor", osh_prosecutor),
        ("osh_centre", osh_centre),
        ("karasuu_unit", karasuu_unit),
        ("inspector_a", inspector_a),
        ("worker_a", worker_a),
    ]);
    World {
        app,
        ids,
        secrets,
        every_child,
        a,
        b,
        ids_b,
        location_a,
    }
}

// ------------------------------------------------------------ the forms

/// The fields of every POST form on a page, by the form's action: hidden
/// and typed values, checked boxes, chosen options, the first submit
/// button's name; an empty text area or date filled in as a person would.
fn forms_of(page: &Page) -> Vec<(String, Vec<(String, String)>)> {
    use scraper::Selector;
    let html = page.html();
    let forms = Selector::parse("form").unwrap();
    let fields = Selector::parse("input, select, textarea, button").unwrap();
    let options = Selector::parse("option").unwrap();
    let today = crate::common::today().format("%Y-%m-%d").to_string();
    let mut out = Vec::new();
    for form in html.select(&forms) {
        let el = form.value();
        if !el
            .attr("method")
            .is_some_and(|m| m.eq_ignore_ascii_case("post"))
        {
            continue;
        }
        let Some(action) = el.attr("action") else {
            continue;
        };
        let mut values: Vec<(String, String)> = Vec::new();
        let mut button = None;
        for field in form.select(&fields) {
            let f = field.value();
            let Some(name) = f.attr("name") else {
                continue;
            };
            if name == "csrf_token" {
                continue;
            }
            let value = f.attr("value").unwrap_or("").to_owned();
            match f.name() {
                "button" => {
                    if button.is_none() {
                        button = Some((name.to_owned(), value));
                    }
                }
                "textarea" => {
                    let text: String = field.text().collect();
                    let text = if text.trim().is_empty() {
                        "Текшерүү үчүн жазылды".to_owned()
                    } else {
                        text
                    };
                    values.push((name.to_owned(), text));
                }
                "select" => {
                    let chosen = field
                        .select(&options)
                        .find(|o| o.value().attr("selected").is_some())
                        .or_else(|| {
                            field
                                .select(&options)
                                .find(|o| o.value().attr("value").is_some_and(|v| !v.is_empty()))
                        });
                    if let Some(o) = chosen {
                        let v = o
                            .value()
                            .attr("value")
                            .map(str::to_owned)
                            .unwrap_or_else(|| o.text().collect());
                        values.push((name.to_owned(), v));
                    }
                }
                _ => match f.attr("type").unwrap_or("text") {
                    "checkbox" => {
                        if f.attr("checked").is_some() {
                            values.push((name.to_owned(), value));
                        }
                    }
                    "radio" => {
                        if f.attr("checked").is_some() {
                            values.retain(|(n, _)| n != name);
                            values.push((name.to_owned(), value));
                        } else if !values.iter().any(|(n, _)| n == name) {
                            values.push((name.to_owned(), value));
                        }
                    }
                    "submit" => {
                        if button.is_none() {
                            button = Some((name.to_owned(), value));
                        }
                    }
                    // A date the form needs; the optional ones stay empty.
                    "date"
                        if value.is_empty()
                            && !matches!(name, "follow_up_on" | "planned_end" | "from" | "to") =>
                    {
                        values.push((name.to_owned(), today.clone()))
                    }
                    _ => values.push((name.to_owned(), value)),
                },
            }
        }
        values.extend(button);
        out.push((action.to_owned(), values));
    }
    out
}

/// Fields for a POST route that no page of A's staff offered (a transfer
/// answer, a merge, …): what its handler reads, valid for A's records.
fn fallback_fields(world: &World, route: &str) -> Vec<(String, String)> {
    let mut conn = world.app.conn();
    let table = match route {
        r if r.contains("{penalty}") => "penalties",
        r if r.starts_with("/cases") => "cases",
        r if r.starts_with("/children") => "children",
        r if r.starts_with("/referrals") => "referrals",
        r if r.starts_with("/investigations/referrals") => "le_referrals",
        r if r.starts_with("/investigations") => "investigations",
        r if r.starts_with("/inspections") => "inspections",
        r if r.starts_with("/establishments") => "establishments",
        r if r.starts_with("/complaints") => "school_fee_complaints",
        r if r.starts_with("/training") => "training_records",
        r if r.starts_with("/reports") => "recommendations",
        r if r.starts_with("/admin/users") => "users",
        _ => "agencies",
    };
    let placeholder = match table {
        "penalties" => "penalty",
        "cases" => "case",
        "children" => "child",
        "referrals" => "referral",
        "le_referrals" => "le_referral",
        "investigations" => "investigation",
        "inspections" => "inspection",
        "establishments" => "establishment",
        "school_fee_complaints" => "complaint",
        "training_records" => "record",
        "recommendations" => "recommendation",
        "users" => "user",
        _ => "agency",
    };
    let version = diesel::sql_query(format!(
        "SELECT version FROM {table} WHERE id = {}",
        world.id(placeholder)
    ))
    .get_result::<Version>(&mut conn)
    .map(|v| v.version)
    .unwrap_or(1);
    let child_b = world.ids_b["child"].to_string();
    let keep_version =
        diesel::sql_query(format!("SELECT version FROM children WHERE id = {child_b}"))
            .get_result::<Version>(&mut conn)
            .unwrap()
            .version;
    [
        ("version", version.to_string()),
        ("answer", "accept".to_owned()),
        ("step", "accept".to_owned()),
        ("comment", "Текшерүү үчүн жазылды".to_owned()),
        ("note", "Текшерүү үчүн жазылды".to_owned()),
        ("keep", child_b),
        ("keep_version", keep_version.to_string()),
        ("confirm", "yes".to_owned()),
        ("year", "2025".to_owned()),
        ("staff", "3".to_owned()),
        ("status", "in_progress".to_owned()),
        ("password", "a long enough new phrase 2026".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The form fields A's own staff would send to each POST route (filled with
/// A's ids), from their pages.
async fn a_forms(world: &World) -> BTreeMap<String, Vec<(String, String)>> {
    let pages: &[(&str, &str)] = &[
        ("supervisor.karasuu", "/cases/{case}"),
        ("worker.karasuu", "/cases/{case}"),
        ("worker.karasuu", "/cases/{case}/edit"),
        ("supervisor.karasuu", "/children/{child}"),
        ("worker.karasuu", "/children/{child}/edit"),
        ("provider.osh", "/referrals/{referral}"),
        ("inspector.osh", "/inspections/{inspection}"),
        ("inspector.osh", "/inspections/{inspection}/edit"),
        ("head.inspection.osh", "/inspections/{inspection}"),
        ("inspector.osh", "/establishments/{establishment}/edit"),
        ("prosecutor.osh", "/investigations/{investigation}"),
        ("prosecutor.osh", "/investigations/referrals/{le_referral}"),
        ("head.inspection.osh", "/training/inspectors/{user}/new"),
        ("head.inspection.osh", "/training/records/{record}/edit"),
        ("head.inspection.osh", "/complaints/{complaint}"),
        ("head.inspection.osh", "/complaints/{complaint}/edit"),
        ("admin", "/admin/users/{user}"),
        ("admin", "/admin/agencies/{agency}"),
        ("admin", "/reports/recommendations"),
    ];
    let mut found = BTreeMap::new();
    for (login, route) in pages {
        let path = fill(route, &world.ids);
        let page = world.a[login].get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{login} opens {path}");
        for (action, fields) in forms_of(&page) {
            found.entry(action).or_insert(fields);
        }
    }
    found
}

fn refused_by_policy(page: &Page, what: &str) {
    assert!(
        matches!(page.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{what}: answered {} {}",
        page.status,
        page.location().unwrap_or("")
    );
    assert!(
        !page.body.contains(CSRF_REFUSAL),
        "{what}: refused by the CSRF check, not by the policy"
    );
}

/// A refusal of a signed-in user wrote one *access refused* entry: the
/// route's pattern and the record its first placeholder names, whether or
/// not the record is the reader's to know of.
fn refusal_audited(
    app: &TestApp,
    after: i64,
    route: &str,
    ids: &[(&'static str, String)],
    what: &str,
) {
    let written = audit_since(app, after);
    let [(action, kind, target)] = written.as_slice() else {
        panic!("{what}: audited {written:?}");
    };
    assert_eq!(action, "access_refused", "{what}");
    let placeholder = route
        .split('{')
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .unwrap_or_else(|| panic!("{route} names no record"));
    let id = ids
        .iter()
        .find(|(k, _)| *k == placeholder)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("no id for {placeholder}"));
    assert!(
        kind.ends_with(placeholder) && target.to_string() == id,
        "{what}: audited {kind} #{target}, not the {placeholder} #{id}"
    );
    #[derive(QueryableByName)]
    struct Details {
        #[diesel(sql_type = diesel::sql_types::Jsonb)]
        details: serde_json::Value,
    }
    let details: Details = diesel::sql_query(format!(
        "SELECT details FROM audit_log WHERE id > {after} ORDER BY id LIMIT 1"
    ))
    .get_result(&mut app.conn())
    .unwrap();
    let pattern = details.details["route"].as_str().unwrap_or_default();
    assert_eq!(
        pattern.split('/').count(),
        route.split('/').count(),
        "{what}: the route is recorded as its pattern, {pattern}"
    );
    assert!(!pattern.contains(&id), "{what}: {pattern} is a pattern");
}

/// A visitor who has not signed in is sent to sign in; a form they post
/// (they have no session, so no session's token) is refused as a forgery.
fn refused_anonymous(page: &Page, what: &str) {
    if page.status == StatusCode::FORBIDDEN {
        // The form-expired page (the visitors' browsers show Kyrgyz).
        assert!(page.body.contains("Форманын мөөнөтү бүттү"), "{what}");
        return;
    }
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{what}");
    assert!(
        page.location().is_some_and(|l| l.starts_with("/login")),
        "{what}: sent to {:?}",
        page.location()
    );
}

/// The messages shown by the fields of a form.
fn field_errors(page: &Page) -> Vec<String> {
    let sel = scraper::Selector::parse(".field-error, .form-error").unwrap();
    page.html()
        .select(&sel)
        .map(|e| {
            format!(
                "{}: {}",
                e.value().attr("id").unwrap_or(""),
                e.text().collect::<String>()
            )
        })
        .collect()
}

/// The Kyrgyz text of a message (up to its first placeable).
fn ky_message(key: &str) -> String {
    for entry in std::fs::read_dir("locales/ky").unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix(&format!("{key} =")) {
                let rest = rest.trim();
                return rest.split('{').next().unwrap().trim().to_owned();
            }
        }
    }
    panic!("no message {key}")
}

/// POST `fields` with the browser's own CSRF token.
async fn post(browser: &TestApp, path: &str, fields: &[(String, String)]) -> Page {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.post_form(path, &fields).await
}

fn with_placeholders(routes: &[&'static str]) -> Vec<&'static str> {
    routes
        .iter()
        .copied()
        // A public release belongs to no territory: everyone reads it.
        .filter(|r| r.contains('{') && !r.contains("{path}") && !r.starts_with("/public/"))
        .collect()
}

// ------------------------------------------------------------ the tests

/// 1. Every route with a record in it, by every role placed elsewhere, with
/// A's ids: refused, nothing of A's child in the answer, nothing written.
#[actix_web::test]
async fn every_route_refuses_every_role_of_another_territory_the_records_of_a() {
    let world = world().await;
    let anonymous = world.app.other_browser();
    let _ = anonymous.get("/login").await;
    let forms = a_forms(&world).await;

    let before = snapshot(&world.app);
    let gets = with_placeholders(GET_ROUTES);
    assert!(gets.len() >= 18, "{gets:?}");
    // The ids of A's records reach two forms through the query string.
    let mut paths: Vec<String> = gets.iter().map(|r| fill(r, &world.ids)).collect();
    paths.push(format!("/cases/new?child={}", world.id("child")));
    paths.push(format!(
        "/inspections/new?establishment={}",
        world.id("establishment")
    ));
    let mut requests = 0;
    let routes_of_paths: Vec<&str> = gets
        .iter()
        .copied()
        .chain(["/cases/new", "/inspections/new"])
        .collect();
    for (path, route) in paths.iter().zip(routes_of_paths) {
        for (label, browser) in &world.b {
            let audited = last_audit(&world.app);
            let page = browser.get(path).await;
            refused_by_policy(&page, &format!("{label} GET {path}"));
            assert_eq!(
                leaks(&page.body, &world.secrets),
                Vec::<&str>::new(),
                "{label} GET {path}"
            );
            if route.contains('{') {
                refusal_audited(
                    &world.app,
                    audited,
                    route,
                    &world.ids,
                    &format!("{label} GET {path}"),
                );
            } else {
                assert_eq!(
                    audit_since(&world.app, audited)
                        .iter()
                        .map(|(a, _, _)| a.as_str())
                        .collect::<Vec<_>>(),
                    vec!["access_refused"],
                    "{label} GET {path}"
                );
            }
            requests += 1;
        }
        let audited = last_audit(&world.app);
        let page = anonymous.get(path).await;
        refused_anonymous(&page, &format!("anonymous GET {path}"));
        assert_eq!(leaks(&page.body, &world.secrets), Vec::<&str>::new());
        assert_eq!(
            audit_since(&world.app, audited),
            Vec::new(),
            "anonymous GET {path}"
        );
        requests += 1;
    }
    // Refused views write nothing but their trace.
    assert_eq!(
        changed(&before, &snapshot(&world.app)),
        vec!["audit_log".to_owned()],
        "refused views wrote something"
    );

    let posts = with_placeholders(POST_ROUTES);
    assert!(posts.len() >= 30, "{posts:?}");
    let mut scraped = 0;
    for route in &posts {
        let path = fill(route, &world.ids);
        let fields = match forms.get(&path) {
            Some(fields) => {
                scraped += 1;
                fields.clone()
            }
            None => fallback_fields(&world, route),
        };
        let before = snapshot(&world.app);
        for (label, browser) in &world.b {
            let audited = last_audit(&world.app);
            let page = post(browser, &path, &fields).await;
            refused_by_policy(&page, &format!("{label} POST {path} {fields:?}"));
            assert_eq!(
                leaks(&page.body, &world.secrets),
                Vec::<&str>::new(),
                "{label} POST {path}"
            );
            refusal_audited(
                &world.app,
                audited,
                route,
                &world.ids,
                &format!("{label} POST {path}"),
            );
            requests += 1;
        }
        let audited = last_audit(&world.app);
        let page = post(&anonymous, &path, &fields).await;
        refused_anonymous(&page, &format!("anonymous POST {path}"));
        assert_eq!(
            audit_since(&world.app, audited),
            Vec::new(),
            "anonymous POST {path}"
        );
        requests += 1;
        assert_eq!(
            changed(&before, &snapshot(&world.app)),
            vec!["audit_log".to_owned()],
            "POST {path} by another territory wrote"
        );
    }
    // Most forms are the real ones A's staff are shown.
    assert!(
        scraped >= 20,
        "only {scraped} forms were found on A's pages"
    );
    // The admin finds the refusals by their own filter, with the route.
    let refusals = world.a["admin"]
        .get("/admin/audit?action=access_refused&target_kind=case")
        .await;
    assert_eq!(refusals.status, StatusCode::OK);
    let rows = refusals
        .html()
        .select(&scraper::Selector::parse("table.audit tbody tr").unwrap())
        .map(|row| row.text().collect::<String>())
        .collect::<Vec<_>>();
    assert!(rows.len() >= 20, "{rows:?}");
    assert!(
        rows.iter().all(|r| r.contains("Кирүүдөн баш тартылды")),
        "{rows:?}"
    );
    assert!(rows.iter().any(|r| r.contains("/cases/{id}")), "{rows:?}");

    // The routes without a record in their path, with A's ids in the query:
    // whatever each role may see there, nothing of A's child.
    let query: Vec<String> = world
        .ids
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .chain([
            format!("territory={}", world.location_a),
            format!("establishment={}", world.id("establishment")),
            format!("unit={}", world.id("agency")),
            "all=1".to_owned(),
        ])
        .collect();
    let query = query.join("&");
    for route in GET_ROUTES.iter().filter(|r| !r.contains('{')) {
        let path = format!("{route}?{query}");
        for (label, browser) in world
            .b
            .iter()
            .chain([("anonymous".to_owned(), anonymous.other_browser())].iter())
        {
            let page = browser.get(&path).await;
            assert!(
                !page.status.is_server_error(),
                "{label} GET {path}: {}",
                page.status
            );
            assert_eq!(
                leaks(&page.body, &world.secrets),
                Vec::<&str>::new(),
                "{label} GET {path}"
            );
            requests += 1;
        }
    }

    // The admin works on no case and has no part in children's records,
    // referrals, inspections or investigations.
    let admin = &world.a["admin"];
    let before = snapshot(&world.app);
    let mut admin_refused = 0;
    for route in posts.iter().filter(|r| {
        [
            "/children",
            "/cases",
            "/referrals",
            "/establishments",
            "/inspections",
            "/investigations",
        ]
        .iter()
        .any(|p| r.starts_with(p))
    }) {
        let path = fill(route, &world.ids);
        let fields = forms
            .get(&path)
            .cloned()
            .unwrap_or_else(|| fallback_fields(&world, route));
        let audited = last_audit(&world.app);
        let page = post(admin, &path, &fields).await;
        refused_by_policy(&page, &format!("admin POST {path}"));
        refusal_audited(
            &world.app,
            audited,
            route,
            &world.ids,
            &format!("admin POST {path}"),
        );
        admin_refused += 1;
    }
    assert!(admin_refused >= 20, "{admin_refused}");
    assert_eq!(
        changed(&before, &snapshot(&world.app)),
        vec!["audit_log".to_owned()],
        "the admin wrote"
    );

    eprintln!(
        "access matrix: {} GET + {} POST targets × {} users elsewhere + anonymous, the rest of the GET routes, the admin's {admin_refused} POSTs = {} requests ({scraped} forms scraped)",
        paths.len(),
        posts.len(),
        world.b.len(),
        requests + admin_refused
    );

    // The forms were valid: A's own staff, sending the very same fields,
    // get through (a few of the routes, each a different policy check).
    for (login, route) in [
        (
            "inspector.osh",
            "/inspections/{inspection}/penalties/{penalty}",
        ),
        ("head.inspection.osh", "/complaints/{complaint}/process"),
        ("provider.osh", "/referrals/{referral}/step"),
        ("head.inspection.osh", "/training/records/{record}"),
        ("worker.karasuu", "/children/{child}"),
        ("worker.karasuu", "/cases/{case}/follow-ups"),
        (
            "prosecutor.osh",
            "/investigations/referrals/{le_referral}/answer",
        ),
    ] {
        let path = fill(route, &world.ids);
        let fields = forms
            .get(&path)
            .unwrap_or_else(|| panic!("no form for {path}"));
        let page = post(&world.a[login], &path, fields).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{login} POST {path} {fields:?}: {}",
            page.body
        );
    }
}

/// 2. Ids of A's records in the form fields of B's own records.
#[actix_web::test]
async fn ids_of_another_territory_in_form_fields_are_refused() {
    let world = world().await;
    let by = |label: &str| -> &TestApp {
        &world
            .b
            .iter()
            .find(|(l, _)| l == label)
            .unwrap_or_else(|| panic!("{label}"))
            .1
    };
    let worker = by("case worker of Sokuluk");
    let supervisor = by("supervisor of Sokuluk");
    let inspector = by("inspector of Chüy");
    let head = by("head of the Chüy inspection");
    let prosecutor = by("prosecutor in Chüy");
    let s = |v: i64| v.to_string();
    let (case_b, child_b) = (s(world.ids_b["case"]), s(world.ids_b["child"]));
    let child_a = world.id("child");
    let location_a = world.location_a.to_string();
    let today = crate::common::today().format("%Y-%m-%d").to_string();
    let mut conn = world.app.conn();
    let version = |conn: &mut PgConnection, table: &str, id: &str| -> String {
        diesel::sql_query(format!("SELECT version FROM {table} WHERE id = {id}"))
            .get_result::<Version>(conn)
            .unwrap()
            .version
            .to_string()
    };
    // B's own pages offer these forms: take them as they are, then change
    // one field to an id of A.
    let own = |page: &Page, action: &str| -> Vec<(String, String)> {
        forms_of(page)
            .into_iter()
            .find(|(a, _)| a == action)
            .unwrap_or_else(|| panic!("no form {action}"))
            .1
    };
    let set = |mut fields: Vec<(String, String)>, name: &str, value: &str| {
        fields.retain(|(n, _)| n != name);
        fields.push((name.to_owned(), value.to_owned()));
        fields
    };

    // Each attack: who, where, which fields; the answers allowed.
    let case_page = supervisor.get(&format!("/cases/{case_b}")).await;
    assert_eq!(case_page.status, StatusCode::OK);
    let edit_child = worker.get(&format!("/children/{child_b}/edit")).await;
    assert_eq!(edit_child.status, StatusCode::OK);
    let case_fields = own(
        &worker.get(&format!("/cases/{case_b}/edit")).await,
        &format!("/cases/{case_b}"),
    );
    let case_form: Vec<(String, String)> = case_fields
        .iter()
        .filter(|(n, _)| n != "version")
        .cloned()
        .collect();
    let establishment_b = s(world.ids_b["establishment"]);
    let inspection_page = inspector
        .get(&format!("/inspections/new?establishment={establishment_b}"))
        .await;
    assert_eq!(inspection_page.status, StatusCode::OK);
    let new_inspection = own(&inspection_page, "/inspections");
    let establishment_form = own(
        &inspector
            .get(&format!("/establishments/{establishment_b}/edit"))
            .await,
        &format!("/establishments/{establishment_b}"),
    );
    let le_b = s(world.ids_b["le_referral"]);
    let le_page = prosecutor
        .get(&format!("/investigations/referrals/{le_b}"))
        .await;
    assert_eq!(le_page.status, StatusCode::OK);
    // A complaint the head of the Chüy inspection logs about a Sokuluk school.
    let logged = head
        .post_form(
            "/complaints",
            &[
                ("school_id", &s(world.ids_b["school"])),
                ("location_id", ""),
                ("charged_on", &today),
                ("amount", "500"),
                ("complainant_name", "Ата-эне"),
                ("complainant_contact", ""),
                ("description", "Окуу китептери үчүн акча талап кылышты"),
            ],
        )
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", logged.body);
    let complaint_b = logged.location().unwrap().to_owned();
    let complaint_form = own(
        &head.get(&format!("{complaint_b}/edit")).await,
        &complaint_b,
    );

    // (what, who, where, B's own valid form, the field changed, A's id in
    // it, the refusals allowed, the message a 422 shows, whether the form
    // unchanged goes through).
    type Attack<'a> = (
        &'a str,
        &'a TestApp,
        String,
        Vec<(String, String)>,
        &'a str,
        String,
        &'a [u16],
        &'a str,
        Option<String>,
    );
    let child_form = own(&edit_child, &format!("/children/{child_b}"));
    let new_child: Vec<(String, String)> = child_form
        .iter()
        .filter(|(n, _)| n != "version" && n != "personal_number")
        .cloned()
        .chain([("confirmed_new".to_owned(), "yes".to_owned())])
        .collect();
    let referral_form = set(
        set(
            own(&case_page, &format!("/cases/{case_b}/referrals")),
            "service",
            "rehabilitation",
        ),
        "agency_id",
        &s(world.ids_b["osh_centre"]),
    );
    let new_establishment: Vec<(String, String)> = establishment_form
        .iter()
        .filter(|(n, _)| n != "version" && n != "tax_number")
        .cloned()
        .collect();
    let attacks: Vec<Attack> = vec![
        (
            "a case for a child of another territory",
            worker,
            "/cases".into(),
            case_form.clone(),
            "child",
            child_a.clone(),
            &[403, 404],
            "",
            None,
        ),
        (
            "a child registered in another territory",
            worker,
            "/children".into(),
            new_child,
            "home_location_id",
            location_a.clone(),
            &[422],
            "error-territory-outside-scope",
            Some("/children".into()),
        ),
        (
            "one's child moved to another territory",
            worker,
            format!("/children/{child_b}"),
            child_form,
            "home_location_id",
            location_a.clone(),
            &[422],
            "error-territory-outside-scope",
            Some(format!("/children/{child_b}")),
        ),
        (
            "a merge into a child of another territory",
            supervisor,
            format!("/children/{child_b}/merge"),
            vec![
                ("version".into(), version(&mut conn, "children", &child_b)),
                (
                    "keep_version".into(),
                    version(&mut conn, "children", &child_a),
                ),
                ("confirm".into(), "yes".into()),
            ],
            "keep",
            child_a.clone(),
            &[404, 422],
            "error-invalid-choice",
            None,
        ),
        (
            "a case assigned to a worker of another unit",
            supervisor,
            format!("/cases/{case_b}/assign"),
            own(&case_page, &format!("/cases/{case_b}/assign")),
            "assignee",
            s(world.ids_b["worker_a"]),
            &[422],
            "error-invalid-choice",
            Some(format!("/cases/{case_b}")),
        ),
        (
            "a referral to an agency that provides no service",
            worker,
            format!("/cases/{case_b}/referrals"),
            referral_form,
            "agency_id",
            s(world.ids_b["karasuu_unit"]),
            &[422],
            "error-invalid-choice",
            Some(format!("/cases/{case_b}")),
        ),
        (
            "a referral to law enforcement addressed to a provider",
            worker,
            format!("/cases/{case_b}/law-enforcement"),
            set(
                own(&case_page, &format!("/cases/{case_b}/law-enforcement")),
                "le_agency_id",
                &s(world.ids_b["sokuluk_police"]),
            ),
            "le_agency_id",
            s(world.ids_b["osh_centre"]),
            &[422],
            "error-invalid-choice",
            Some(format!("/cases/{case_b}")),
        ),
        (
            "a transfer to an agency that is no unit",
            supervisor,
            format!("/cases/{case_b}/transfer"),
            own(&case_page, &format!("/cases/{case_b}/transfer")),
            "unit",
            s(world.ids_b["osh_prosecutor"]),
            &[422],
            "error-invalid-choice",
            None,
        ),
        (
            "an inspection of another territory's establishment",
            inspector,
            "/inspections".into(),
            new_inspection.clone(),
            "establishment_id",
            world.id("establishment"),
            &[403, 404],
            "",
            None,
        ),
        (
            "an inspector of another office named on one's inspection",
            inspector,
            "/inspections".into(),
            new_inspection,
            "inspectors",
            s(world.ids_b["inspector_a"]),
            &[422],
            "error-invalid-choice",
            Some("/inspections".into()),
        ),
        (
            "a collection recorded on another office's penalty",
            inspector,
            format!(
                "/inspections/{}/penalties/{}",
                world.ids_b["inspection"],
                world.id("penalty")
            ),
            vec![
                (
                    "version".into(),
                    version(&mut conn, "penalties", &world.id("penalty")),
                ),
                ("collected".into(), "100".into()),
                ("collected_on".into(), today.clone()),
            ],
            "status",
            "paid".into(),
            &[403, 404],
            "",
            None,
        ),
        (
            "an establishment registered in another territory",
            inspector,
            "/establishments".into(),
            new_establishment,
            "location_id",
            location_a.clone(),
            &[422],
            "error-territory-outside-scope",
            Some("/establishments".into()),
        ),
        (
            "one's establishment moved to another territory",
            inspector,
            format!("/establishments/{establishment_b}"),
            establishment_form,
            "location_id",
            location_a.clone(),
            &[422],
            "error-territory-outside-scope",
            Some(format!("/establishments/{establishment_b}")),
        ),
        (
            "a referral answered with another agency's investigation",
            prosecutor,
            format!("/investigations/referrals/{le_b}/answer"),
            own(
                &le_page,
                &format!("/investigations/referrals/{le_b}/answer"),
            ),
            "investigation",
            world.id("investigation"),
            &[404, 422],
            "error-invalid-choice",
            Some("/investigations/".into()),
        ),
        (
            "one's complaint moved to another territory",
            head,
            complaint_b.clone(),
            complaint_form,
            "location_id",
            location_a.clone(),
            &[422],
            "error-complaint-territory-outside",
            Some(complaint_b.clone()),
        ),
    ];
    let mut controls = Vec::new();
    for (what, browser, path, fields, field, evil, allowed, message, legit) in attacks {
        let before = snapshot(&world.app);
        let audited = last_audit(&world.app);
        let attack = set(fields.clone(), field, &evil);
        let page = post(browser, &path, &attack).await;
        assert!(
            allowed.contains(&page.status.as_u16()),
            "{what}: POST {path} {attack:?} answered {}: {}",
            page.status,
            page.body
        );
        assert!(!page.body.contains(CSRF_REFUSAL), "{what}");
        assert_eq!(
            leaks(&page.body, &world.secrets),
            Vec::<&str>::new(),
            "{what}"
        );
        // A 422 is the form again, with the reason by the field.
        if page.status == StatusCode::UNPROCESSABLE_ENTITY {
            let shown = ky_message(message);
            assert!(
                field_errors(&page).iter().any(|e| e.contains(&shown)),
                "{what}: {shown:?} not among {:?}",
                field_errors(&page)
            );
        }
        // Nothing is written but the audit of the attacker viewing their
        // own record (the form shown again), never one of A's.
        let mut tables = changed(&before, &snapshot(&world.app));
        tables.retain(|t| t != "audit_log");
        assert_eq!(tables, Vec::<String>::new(), "{what}: written");
        for (action, kind, target) in audit_since(&world.app, audited) {
            assert!(
                (action.ends_with("_viewed") || action == "access_refused")
                    && !world
                        .ids
                        .iter()
                        .any(|(k, v)| kind.ends_with(k) && *v == target.to_string()),
                "{what}: audited {action} {kind} {target}"
            );
        }
        if let Some(lands) = legit {
            controls.push((what, browser, path, fields, lands));
        }
    }
    // The same forms with B's own values go through: the refusals above
    // came from the ids of A, not from anything else in the forms.
    for (what, browser, path, mut fields, lands) in controls {
        // Each step on B's case moves its version on.
        if path.starts_with(&format!("/cases/{case_b}/")) {
            fields = set(fields, "version", &version(&mut conn, "cases", &case_b));
        }
        let page = post(browser, &path, &fields).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "control for {what}: POST {path} {fields:?}: {}",
            page.body
        );
        assert!(
            page.location()
                .is_some_and(|l| l.starts_with(lands.as_str())),
            "control for {what}: {:?}",
            page.location()
        );
    }

    // A's child is not found by name, number or contact, and the lists take
    // no territory of A.
    // (The search form shows the query typed: the child's link and the
    // rest of the record must not follow it.)
    let link = format!("/children/{child_a}\"");
    for q in [format!("{FAMILY} {GIVEN}"), FAMILY.to_owned()] {
        let page = world.a["worker.karasuu"]
            .post_following("/children/search", &[("q", &q)])
            .await;
        assert!(
            page.body.contains(&link),
            "A's worker finds the child by {q}"
        );
        for browser in [worker, supervisor] {
            let page = browser
                .post_following("/children/search", &[("q", &q)])
                .await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(!page.body.contains(&link), "{q}");
            assert!(!page.body.contains(GUARDIAN_CONTACT), "{q}");
            assert!(!page.body.contains(&format!("{GIVEN} {FAMILY}")), "{q}");
        }
    }
    for path in [
        format!("/cases?territory={location_a}"),
        format!("/children?territory={location_a}"),
        format!("/inspections?territory={location_a}"),
        format!("/establishments?territory={location_a}"),
    ] {
        for browser in [worker, supervisor, inspector, head] {
            let page = browser.get(&path).await;
            assert_eq!(
                leaks(&page.body, &world.secrets),
                Vec::<&str>::new(),
                "{path}"
            );
            assert!(
                !page
                    .body
                    .contains(&format!("/cases/{}\"", world.id("case"))),
                "{path}"
            );
            assert!(
                !page
                    .body
                    .contains(&format!("/inspections/{}\"", world.id("inspection"))),
                "{path}"
            );
        }
    }
    // Reports of another territory, asked for by a B supervisor.
    let page = supervisor
        .get(&format!("/reports/enforcement?territory={location_a}"))
        .await;
    assert!(
        page.status.is_client_error(),
        "a report of another territory: {}",
        page.status
    );
    let page = supervisor
        .get(&format!("/reports/enforcement.csv?territory={location_a}"))
        .await;
    assert!(page.status.is_client_error(), "{}", page.status);
}

/// 3. The official and the public: no personal data in any page or
/// download, whatever id is typed; every state-changing route refused.
#[actix_web::test]
async fn officials_and_the_public_never_receive_personal_data() {
    let world = world().await;
    let official = world
        .b
        .iter()
        .filter(|(l, _)| l.contains("official"))
        .map(|(_, b)| b)
        .collect::<Vec<_>>();
    let anonymous = world.app.other_browser();
    let _ = anonymous.get("/login").await;
    // Every id of A, and B's where B has the record.
    let mut id_sets = vec![world.ids.clone()];
    let b_ids: Vec<(&'static str, String)> = [
        "case",
        "child",
        "establishment",
        "inspection",
        "le_referral",
    ]
    .iter()
    .map(|k| (*k, world.ids_b[k].to_string()))
    .collect();
    id_sets.push(b_ids);
    let year = crate::common::today().format("%Y").to_string();
    let mut read = 0usize;
    let mut requests = 0usize;
    let before = snapshot(&world.app);
    let audited = last_audit(&world.app);
    for route in GET_ROUTES {
        if route.contains("{path}") || *route == "/login" {
            continue;
        }
        let mut paths: Vec<String> = id_sets.iter().map(|ids| fill(route, ids)).collect();
        paths.dedup();
        if route.starts_with("/reports") || route.starts_with("/public") {
            paths.push(format!(
                "{route}?year={year}&territory={}",
                world.location_a
            ));
        }
        for path in &paths {
            for browser in official.iter().copied().chain([&anonymous]) {
                let response = browser.client.get(browser.url(path)).send().await.unwrap();
                let status = response.status();
                let bytes = response.bytes().await.unwrap().to_vec();
                let text = if bytes.starts_with(b"PK") {
                    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
                    let mut all = String::new();
                    for i in 0..archive.len() {
                        archive
                            .by_index(i)
                            .unwrap()
                            .read_to_string(&mut all)
                            .unwrap();
                    }
                    assert!(all.contains("<sheetData"), "{path}: the workbook was read");
                    all
                } else {
                    String::from_utf8_lossy(&bytes).into_owned()
                };
                assert!(!status.is_server_error(), "{path}: {status}");
                assert_eq!(
                    leaks(&text, &world.every_child),
                    Vec::<&str>::new(),
                    "{path}"
                );
                // A record's page is refused outright.
                if route.contains('{') {
                    assert!(
                        matches!(status.as_u16(), 303 | 403 | 404),
                        "{path}: {status}"
                    );
                }
                read += text.len();
                requests += 1;
            }
        }
    }
    assert!(read > 100_000, "the pages were read: {read} bytes");
    // Reading writes nothing but the trace of the official's downloads (a
    // figure file leaving the system; the public's carry no account) and
    // of the records refused them.
    assert_eq!(
        changed(&before, &snapshot(&world.app)),
        vec!["audit_log".to_owned()]
    );
    let written = audit_since(&world.app, audited);
    assert!(written.iter().any(|(a, _, _)| a == "report_downloaded"));
    for (action, _, _) in &written {
        assert!(
            ["report_downloaded", "access_refused"].contains(&action.as_str()),
            "{written:?}"
        );
    }

    // Every state-changing route: the official is refused (logging a
    // school-fee complaint is open to anyone signed in, and the password,
    // second-factor and session routes are their own), the public sent to
    // sign in.
    let fields = fallback_fields(&world, "/cases/{case}");
    let before = snapshot(&world.app);
    let audited = last_audit(&world.app);
    for route in POST_ROUTES {
        if matches!(
            *route,
            "/login"
                | "/logout"
                | "/account/password"
                | "/login/code"
                | "/account/second-factor"
                | "/account/second-factor/recovery-codes"
                | "/complaints"
        ) {
            continue;
        }
        let path = fill(route, &world.ids);
        for browser in &official {
            let page = post(browser, &path, &fields).await;
            refused_by_policy(&page, &format!("official POST {path}"));
            requests += 1;
        }
        let page = post(&anonymous, &path, &fields).await;
        refused_anonymous(&page, &format!("anonymous POST {path}"));
        requests += 1;
    }
    assert_eq!(
        changed(&before, &snapshot(&world.app)),
        vec!["audit_log".to_owned()]
    );
    let written = audit_since(&world.app, audited);
    assert!(
        written.len() >= POST_ROUTES.len() && written.iter().all(|(a, _, _)| a == "access_refused"),
        "{written:?}"
    );
    eprintln!("official and anonymous: {requests} requests, {read} bytes read");
}

/// 4. The positive controls: those who should see A's records do.
#[actix_web::test]
async fn the_staff_of_a_see_its_records() {
    let world = world().await;
    for (login, route, shows) in [
        ("worker.karasuu", "/cases/{case}", NARRATIVE),
        ("supervisor.karasuu", "/cases/{case}", FAMILY),
        ("worker.karasuu", "/children/{child}", GUARDIAN_CONTACT),
        ("worker.karasuu", "/children/{child}/edit", FAMILY),
        ("provider.osh", "/referrals/{referral}", ""),
        ("inspector.osh", "/inspections/{inspection}", ""),
        ("head.inspection.osh", "/inspections/{inspection}", ""),
        ("inspector.osh", "/establishments/{establishment}", ""),
        ("prosecutor.osh", "/investigations/{investigation}", ""),
        (
            "prosecutor.osh",
            "/investigations/referrals/{le_referral}",
            FAMILY,
        ),
        ("head.inspection.osh", "/complaints/{complaint}", ""),
        ("head.inspection.osh", "/training/inspectors/{user}", ""),
    ] {
        let path = fill(route, &world.ids);
        let page = world.a[login].get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{login} {path}");
        assert!(page.body.contains(shows), "{login} {path} shows {shows:?}");
    }
    // The provider reads only what the referral shares, and never the
    // personal number.
    let mut conn = world.app.conn();
    let referral = world.id("referral");
    let shared = names(
        &mut conn,
        &format!("SELECT unnest(shared) AS name FROM referrals WHERE id = {referral}"),
    );
    let pin = names(
        &mut conn,
        &format!(
            "SELECT personal_number AS name FROM children WHERE id = {}",
            world.id("child")
        ),
    )
    .remove(0);
    let path = format!("/referrals/{referral}");
    let page = world.a["provider.osh"].get(&path).await;
    assert!(
        page.body.contains(GIVEN),
        "the child's name is on the referral"
    );
    assert!(
        !page.body.contains(&pin),
        "{path} shows the personal number"
    );
    for (share, text) in [("contact", GUARDIAN_CONTACT), ("narrative", NARRATIVE)] {
        assert_eq!(
            page.body.contains(text),
            shared.iter().any(|s| s == share),
            "{path}: {share} shared {shared:?}"
        );
    }
    // Sharing nothing more: the same referral with nothing shared.
    diesel::sql_query(format!(
        "UPDATE referrals SET shared = '{{}}' WHERE id = {referral}"
    ))
    .execute(&mut conn)
    .unwrap();
    let page = world.a["provider.osh"].get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [GUARDIAN_CONTACT, NARRATIVE, ASSESSMENT, pin.as_str()] {
        assert!(!page.body.contains(text), "{path} shows {text} unshared");
    }
}

/// 5. A case being transferred opens to the head of the receiving unit, to
/// decide: read, never worked on; after declining, closed again.
#[actix_web::test]
async fn a_case_being_transferred_opens_to_the_receiving_head_only_to_decide() {
    let world = world().await;
    let forms = a_forms(&world).await;
    let by = |label: &str| -> &TestApp {
        &world
            .b
            .iter()
            .find(|(l, _)| l == label)
            .unwrap_or_else(|| panic!("{label}"))
            .1
    };
    let (worker, head) = (by("case worker of Sokuluk"), by("supervisor of Sokuluk"));
    let mut conn = world.app.conn();
    let case = world.id("case");
    let version = |conn: &mut PgConnection| -> String {
        diesel::sql_query(format!("SELECT version FROM cases WHERE id = {case}"))
            .get_result::<Version>(conn)
            .unwrap()
            .version
            .to_string()
    };
    let sokuluk = fixtures::agency_by_code(&mut conn, "CSU-KG-C-SOKULUK").to_string();
    let transfer = format!("/cases/{case}/transfer");
    let mut fields = forms[&transfer].clone();
    fields.retain(|(n, _)| n != "unit");
    fields.push(("unit".into(), sokuluk));
    let page = post(&world.a["supervisor.karasuu"], &transfer, &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let page = head.get(&format!("/cases/{case}")).await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "the receiving head reads the case"
    );
    assert!(page.body.contains(FAMILY));
    let answer = format!("/cases/{case}/transfer/answer");
    assert!(
        forms_of(&page).iter().any(|(a, _)| *a == answer),
        "the head is offered the answer"
    );
    for path in [
        format!("/cases/{case}"),
        format!("/children/{}", world.id("child")),
    ] {
        let page = worker.get(&path).await;
        refused_by_policy(&page, &format!("a worker of the receiving unit GET {path}"));
    }
    let before = snapshot(&world.app);
    let mut tried = 0;
    for route in POST_ROUTES
        .iter()
        .filter(|r| r.starts_with("/cases/{case}") && !r.ends_with("/answer"))
    {
        let path = fill(route, &world.ids);
        let mut fields = forms
            .get(&path)
            .cloned()
            .unwrap_or_else(|| fallback_fields(&world, route));
        fields.retain(|(n, _)| n != "version");
        fields.push(("version".into(), version(&mut conn)));
        for (who, browser) in [("head", head), ("worker", worker)] {
            let page = post(browser, &path, &fields).await;
            refused_by_policy(&page, &format!("the receiving {who} POST {path}"));
            assert!(
                who == "head" || leaks(&page.body, &world.secrets).is_empty(),
                "{path}"
            );
            tried += 1;
        }
    }
    assert_eq!(tried, 14, "seven routes of the case, two users");
    // Nothing but the trace of the refusals.
    assert_eq!(
        changed(&before, &snapshot(&world.app)),
        vec!["audit_log".to_owned()]
    );

    let page = head
        .post_form(
            &answer,
            &[
                ("version", &version(&mut conn)),
                ("answer", "decline"),
                ("comment", "Бала Кара-Сууда жашайт"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = head.get(&format!("/cases/{case}")).await;
    refused_by_policy(&page, "the head after declining");
    assert!(leaks(&page.body, &world.secrets).is_empty());
}

/// 6. An id of another territory's record typed into a form is answered as
/// an id that does not exist: the answer tells nothing of its existence.
#[actix_web::test]
async fn an_id_of_another_territory_is_answered_like_one_that_does_not_exist() {
    let world = world().await;
    let by = |label: &str| -> &TestApp {
        &world
            .b
            .iter()
            .find(|(l, _)| l == label)
            .unwrap_or_else(|| panic!("{label}"))
            .1
    };
    let (worker, supervisor) = (by("case worker of Sokuluk"), by("supervisor of Sokuluk"));
    let (inspector, prosecutor) = (by("inspector of Chüy"), by("prosecutor in Chüy"));
    let mut conn = world.app.conn();
    let version = |conn: &mut PgConnection, table: &str, id: &str| -> String {
        diesel::sql_query(format!("SELECT version FROM {table} WHERE id = {id}"))
            .get_result::<Version>(conn)
            .unwrap()
            .version
            .to_string()
    };
    let child_b = world.ids_b["child"].to_string();
    let le_b = world.ids_b["le_referral"].to_string();
    let inspection_b = world.ids_b["inspection"];
    let missing = "987654321".to_owned();
    // (what, who, path with {id}, fields, the field that takes the id, A's id)
    type Probe<'a> = (
        &'a str,
        &'a TestApp,
        String,
        Vec<(String, String)>,
        &'a str,
        String,
    );
    let probes: Vec<Probe> = vec![
        (
            "the record a child is merged into",
            supervisor,
            format!("/children/{child_b}/merge"),
            vec![
                ("version".into(), version(&mut conn, "children", &child_b)),
                ("keep_version".into(), "1".into()),
                ("confirm".into(), "yes".into()),
            ],
            "keep",
            world.id("child"),
        ),
        (
            "the investigation a referral is linked to",
            prosecutor,
            format!("/investigations/referrals/{le_b}/answer"),
            vec![
                ("version".into(), version(&mut conn, "le_referrals", &le_b)),
                ("answer".into(), "link".into()),
            ],
            "investigation",
            world.id("investigation"),
        ),
        (
            "the child a case is opened for",
            worker,
            "/cases".into(),
            vec![
                ("source".into(), "outreach".into()),
                ("sector".into(), "agriculture".into()),
                ("risk".into(), "medium".into()),
                ("narrative".into(), "Текшерүү".into()),
            ],
            "child",
            world.id("child"),
        ),
        (
            "the penalty a collection is recorded on",
            inspector,
            format!("/inspections/{inspection_b}/penalties/{{id}}"),
            vec![
                ("version".into(), "1".into()),
                ("collected".into(), "100".into()),
                ("status".into(), "paid".into()),
            ],
            "",
            world.id("penalty"),
        ),
    ];
    for (what, browser, path, fields, field, foreign) in probes {
        let mut answers = Vec::new();
        for id in [&foreign, &missing] {
            let mut fields = fields.clone();
            if !field.is_empty() {
                fields.push((field.to_owned(), id.clone()));
            }
            let page = post(browser, &path.replace("{id}", id), &fields).await;
            assert!(!page.body.contains(CSRF_REFUSAL), "{what}");
            answers.push((page.status, field_errors(&page)));
        }
        assert_eq!(answers[0], answers[1], "{what}: A's id {foreign} vs none");
        assert!(answers[0].0.is_client_error(), "{what}: {:?}", answers[0]);
    }
}

/// 7. The same for the ids in the address: for every role placed
/// elsewhere, a record of A and a record that does not exist get the same
/// answer on every route.
#[actix_web::test]
async fn every_route_answers_a_record_of_a_like_a_record_that_does_not_exist() {
    let world = world().await;
    let forms = a_forms(&world).await;
    let missing: Vec<(&'static str, String)> = world
        .ids
        .iter()
        .map(|(k, _)| (*k, "987654321".to_owned()))
        .collect();
    let mut differ = Vec::new();
    let mut compared = 0;
    for route in with_placeholders(GET_ROUTES) {
        for (label, browser) in &world.b {
            let a = browser.get(&fill(route, &world.ids)).await.status;
            let none = browser.get(&fill(route, &missing)).await.status;
            if a != none {
                differ.push(format!("{label} GET {route}: {a} vs {none}"));
            }
            compared += 1;
        }
    }
    for route in with_placeholders(POST_ROUTES) {
        let path = fill(route, &world.ids);
        let fields = forms
            .get(&path)
            .cloned()
            .unwrap_or_else(|| fallback_fields(&world, route));
        for (label, browser) in &world.b {
            let a = post(browser, &path, &fields).await.status;
            let none = post(browser, &fill(route, &missing), &fields).await.status;
            if a != none {
                differ.push(format!("{label} POST {route}: {a} vs {none}"));
            }
            compared += 1;
        }
    }
    assert!(compared > 500, "{compared}");
    assert_eq!(differ, Vec::<String>::new());
}

/// 8. Within A's own agencies: an inspector of the same office who did not
/// take part reads the inspection but does not change it; an inspector of
/// the national office (whose territory is the whole country) reads
/// neither the Osh office's inspection nor its penalties.
#[actix_web::test]
async fn an_inspection_is_changed_only_by_those_who_took_part() {
    let world = world().await;
    let forms = a_forms(&world).await;
    let mut conn = world.app.conn();
    let office = agency_named(&mut conn, "Osh Regional Labour Inspection Office");
    let url = world.app.db.url.clone();
    let colleague = actix_web::rt::task::spawn_blocking(move || {
        fixtures::user_in(&url, Role::Inspector, office)
    })
    .await
    .unwrap();
    let colleague = signed_in(&world.app, &colleague, PASSWORD).await;
    let national = signed_in(&world.app, "inspector.bishkek", DEMO).await;
    let inspection = fill("/inspections/{inspection}", &world.ids);
    assert_eq!(colleague.get(&inspection).await.status, StatusCode::OK);
    refused_by_policy(&national.get(&inspection).await, "the national office");
    let before = snapshot(&world.app);
    for route in [
        "/inspections/{inspection}/edit",
        "/inspections/{inspection}",
        "/inspections/{inspection}/close",
        "/inspections/{inspection}/penalties",
        "/inspections/{inspection}/children",
        "/inspections/{inspection}/penalties/{penalty}",
    ] {
        let path = fill(route, &world.ids);
        let edit = route.ends_with("/edit");
        for (who, browser) in [
            ("a colleague", &colleague),
            ("the national office", &national),
        ] {
            // The colleague records what was collected, as the office does.
            if who == "a colleague" && route.ends_with("{penalty}") {
                continue;
            }
            let page = if edit {
                browser.get(&path).await
            } else {
                let fields = forms
                    .get(&path)
                    .cloned()
                    .unwrap_or_else(|| fallback_fields(&world, route));
                post(browser, &path, &fields).await
            };
            refused_by_policy(&page, &format!("{who} {path}"));
        }
    }
    // Nothing but the trace of the refusals.
    assert_eq!(
        changed(&before, &snapshot(&world.app)),
        vec!["audit_log".to_owned()]
    );
    // The inspection is open, and the same form from one who took part
    // goes through.
    let page = post(&world.a["inspector.osh"], &inspection, &forms[&inspection]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}
