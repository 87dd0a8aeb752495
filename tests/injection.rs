//! Injection, security headers and error pages (issue 8).
//!
//! One world is built over HTTP in which every free-text field of every form
//! holds a hostile value (script and markup, SQL metacharacters, a
//! spreadsheet formula prefix, a bidi override), each with its own number so
//! a leak names its field. Every GET route is then read by every role and by
//! the public: the pages must hold no script, no event handler and no inline
//! style of anyone's making, must show each value as the text that was typed,
//! and every response must carry the security headers. The database must
//! hold exactly what was typed. Error pages of every kind must be the
//! localized page and tell nothing of the server's insides.

use std::collections::BTreeSet;
use std::io::{Read, Write};

use diesel::prelude::*;
use korgoo::admin::model::AgencyKind;
use korgoo::config::Config;
use korgoo::policy::Role;
use korgoo::web::i18n::{Lang, Translator};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use scraper::{Html, Selector};

use crate::common::routes::{GET_ROUTES, fill};
use crate::common::{PASSWORD, Page, TestApp, TestDatabase, fixtures};
use crate::common::{days_ago, days_ahead, today};

// ---------------------------------------------------------------------------
// Hostile values

/// What a spreadsheet reads as a formula when a cell starts with it.
const FORMULA_PREFIXES: [&str; 5] = [
    "=HYPERLINK(\"http://x\",\"y\")",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "",
];

/// The hostile value of field number `n`, no longer than `max` characters:
/// a formula prefix, the marker `F<n>#`, a way out of a <textarea> or
/// <title> (where raw text would otherwise stay text), a script, an
/// attribute break-out with an event handler, and SQL. (Invisible format
/// characters such as a right-to-left override are refused in names, see
/// tests/children.rs, so they are not part of a value every field stores.)
fn hostile(n: usize, max: usize) -> String {
    let markup = format!(
        "F{n}#</textarea></title><script>alert({n})</script>\"><img src=x onerror=alert({n})>"
    );
    let candidates = [
        format!(
            "{}{markup}'; DROP TABLE children; --",
            FORMULA_PREFIXES[n % FORMULA_PREFIXES.len()]
        ),
        format!("{markup}'; DROP TABLE children; --"),
        format!("{markup}'--"),
    ];
    candidates
        .into_iter()
        .find(|v| v.chars().count() <= max)
        .unwrap_or_else(|| panic!("field {n} is too short for a hostile value"))
}

/// A typed value, the form field it went into, and the pages (browser,
/// path) that must show it back.
struct Field {
    n: usize,
    form: &'static str,
    name: &'static str,
    value: String,
    shown_on: Vec<(&'static str, String)>,
    /// Whether the value is kept (a search or a refused form only shows it back).
    stored: bool,
}

/// The typed values, numbered from `first` on.
#[derive(Default)]
struct Fields(Vec<Field>, usize);

impl Fields {
    fn starting_at(first: usize) -> Fields {
        Fields(Vec::new(), first)
    }

    fn typed(&mut self, form: &'static str, name: &'static str, max: usize) -> String {
        let n = self.1.max(1) + self.0.len();
        let value = hostile(n, max);
        self.0.push(Field {
            n,
            form,
            name,
            value: value.clone(),
            shown_on: Vec::new(),
            stored: true,
        });
        value
    }

    /// A value that is shown back but not stored.
    fn echoed(&mut self, form: &'static str, name: &'static str, max: usize) -> String {
        let value = self.typed(form, name, max);
        self.0.last_mut().expect("just pushed").stored = false;
        value
    }

    fn shown(&mut self, value: &str, pages: &[(&'static str, &str)]) {
        let field = self
            .0
            .iter_mut()
            .find(|f| f.value == value)
            .expect("a typed value");
        field
            .shown_on
            .extend(pages.iter().map(|(who, path)| (*who, (*path).to_owned())));
    }
}

// ---------------------------------------------------------------------------
// Checks of one response

/// The app's own scripts: files of its own, loaded by address, never
/// inline (the CSP allows no other).
const OWN_SCRIPTS: &[&str] = &["/static/inspection-form.js"];

/// Fail if the HTML holds anything a script could run from: the app ships
/// no inline JavaScript or style, and only its own script files, so any
/// other <script>, <style>, `style=` or `on…=` attribute, and any
/// <img src=x>, came from typed text.
fn assert_inert(context: &str, body: &str) {
    let html = Html::parse_document(body);
    let all = Selector::parse("*").expect("a selector");
    for element in html.select(&all) {
        let name = element.value().name();
        let own_script = name == "script"
            && element.inner_html().is_empty()
            && element
                .value()
                .attr("src")
                .is_some_and(|src| OWN_SCRIPTS.contains(&src));
        assert!(
            own_script
                || (name != "script" && name != "style" && name != "iframe" && name != "object"),
            "{context}: a <{name}> element: {}",
            element.html()
        );
        for (attr, value) in element.value().attrs() {
            let attr = attr.to_ascii_lowercase();
            assert!(
                !attr.starts_with("on") && attr != "style" && attr != "formaction",
                "{context}: <{name} {attr}=\"{value}\"> in {}",
                element.html()
            );
            if matches!(attr.as_str(), "href" | "src" | "action") {
                let v = value.trim().to_ascii_lowercase();
                assert!(
                    !v.starts_with("javascript:") && !v.starts_with("data:text"),
                    "{context}: <{name} {attr}=\"{value}\">"
                );
            }
        }
        if name == "img" {
            assert_ne!(element.value().attr("src"), Some("x"), "{context}");
        }
    }
}

/// Whether the page shows `value` as text or holds it as a field's value
/// (as the browser decodes them, so only escaped output can match).
fn shows(body: &str, value: &str) -> bool {
    let html = Html::parse_document(body);
    let text: String = html.root_element().text().collect();
    if text.contains(value) {
        return true;
    }
    let all = Selector::parse("*").expect("a selector");
    html.select(&all)
        .any(|e| e.value().attrs().any(|(_, v)| v.contains(value)))
}

fn header(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// The headers every response carries (see `startup::security_headers`).
/// Only static assets and the public open-data downloads may be cached;
/// everything else (all of it personal for someone) is `no-store`.
fn assert_security_headers(context: &str, path: &str, headers: &HeaderMap) {
    let csp = header(headers, "content-security-policy");
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{context}: {directive} in {csp:?}");
    }
    for weak in ["unsafe-inline", "unsafe-eval", " *", "http:", "https:"] {
        assert!(!csp.contains(weak), "{context}: {weak} in {csp:?}");
    }
    assert_eq!(
        header(headers, "x-content-type-options"),
        "nosniff",
        "{context}"
    );
    assert_eq!(header(headers, "x-frame-options"), "DENY", "{context}");
    assert_eq!(
        header(headers, "referrer-policy"),
        "no-referrer",
        "{context}"
    );
    assert!(
        !header(headers, "permissions-policy").is_empty(),
        "{context}: Permissions-Policy"
    );
    assert_eq!(
        header(headers, "cross-origin-opener-policy"),
        "same-origin",
        "{context}"
    );
    let cache = header(headers, "cache-control");
    let path = path.split('?').next().unwrap_or(path);
    // The open-data downloads are the same for everyone, signed in or not.
    let shareable = path.starts_with("/static/")
        || matches!(path, "/public/data.csv" | "/public/data.json")
        || (path.starts_with("/public/releases/")
            && (path.ends_with("/data.csv") || path.ends_with("/data.json")));
    if shareable {
        assert!(cache.starts_with("public"), "{context}: {cache:?}");
    } else {
        assert_eq!(cache, "no-store", "{context}");
    }
}

// ---------------------------------------------------------------------------
// Small helpers

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// One number from SQL (aliased `n`, cast to bigint by the query).
fn number(app: &TestApp, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Number>(&mut app.conn())
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

fn version(app: &TestApp, table: &str, id: i64) -> String {
    number(
        app,
        &format!("SELECT version::bigint AS n FROM {table} WHERE id = {id}"),
    )
    .to_string()
}

fn last_id(app: &TestApp, table: &str) -> i64 {
    number(app, &format!("SELECT max(id)::bigint AS n FROM {table}"))
}

#[track_caller]
fn saved(page: &Page, what: &str) {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{what}: {}", page.body);
}

async fn signed_in(app: &TestApp, login: &str) -> TestApp {
    let browser = app.other_browser();
    let page = browser.login(login, PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{login}: {}", page.body);
    browser
}

// ---------------------------------------------------------------------------
// The world

/// The app, a signed-in browser per role (plus the public), the ids of one
/// record of each kind, and the hostile values typed into them.
struct World {
    app: TestApp,
    browsers: Vec<(&'static str, TestApp)>,
    ids: Vec<(&'static str, String)>,
    fields: Fields,
}

impl World {
    fn browser(&self, who: &str) -> &TestApp {
        if who == "public" {
            return &self.app;
        }
        &self
            .browsers
            .iter()
            .find(|(w, _)| *w == who)
            .unwrap_or_else(|| panic!("no browser {who}"))
            .1
    }

    fn id(&self, name: &str) -> &str {
        &self
            .ids
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no id {name}"))
            .1
    }

    /// Every browser, the public's last.
    fn everyone(&self) -> Vec<(&'static str, &TestApp)> {
        let mut all: Vec<(&'static str, &TestApp)> =
            self.browsers.iter().map(|(w, b)| (*w, b)).collect();
        all.push(("public", &self.app));
        all
    }
}

async fn build_world() -> World {
    let app = TestApp::spawn().await;
    let mut f = Fields::default();
    let mut conn = app.conn();
    let karasuu = fixtures::location(&mut conn, "KG-O-KARASUU").to_string();
    let osh_city = fixtures::location(&mut conn, "KG-GO").to_string();
    let osh_region = fixtures::location(&mut conn, "KG-O").to_string();
    let inspection_office = fixtures::agency_by_code(&mut conn, "LABOR-INSPECTION").to_string();
    let sokuluk = fixtures::agency_by_code(&mut conn, "CSU-KG-C-SOKULUK");
    let gpo = fixtures::agency_by_code(&mut conn, "GPO").to_string();
    let mia = fixtures::agency_by_code(&mut conn, "MIA").to_string();
    let school = fixtures::agency(&mut conn, AgencyKind::School, "KG-O", "School № 5").to_string();

    let admin = app.other_browser();
    admin.login_as(Role::Admin).await;
    let worker = app.other_browser();
    let worker_login = worker.login_as(Role::CaseWorker).await;
    let boss = app.other_browser();
    boss.login_as(Role::Supervisor).await;
    let prosecutor = app.other_browser();
    prosecutor.login_as(Role::Prosecutor).await;
    let police = app.other_browser();
    police.login_as(Role::Police).await;
    let official = app.other_browser();
    official.login_as(Role::Official).await;
    let inspector_login = app.create_user(Role::Inspector, false).await;
    let inspector_id = fixtures::user_id(&mut conn, &inspector_login);

    // Administration: an agency with hostile names and contact; the
    // inspector's display name.
    let name_ky = f.typed("agency", "name_ky", 300);
    let name_ru = f.typed("agency", "name_ru", 300);
    let name_en = f.typed("agency", "name_en", 300);
    let contact = f.typed("agency", "contact", 1000);
    saved(
        &admin
            .post_form(
                "/admin/agencies",
                &[
                    ("kind", "rehabilitation_center"),
                    ("name_ky", &name_ky),
                    ("name_ru", &name_ru),
                    ("name_en", &name_en),
                    ("location_id", &osh_city),
                    ("capacity", "10"),
                    ("services", "rehabilitation"),
                    ("contact", &contact),
                    ("active", "on"),
                ],
            )
            .await,
        "agency",
    );
    let centre = last_id(&app, "agencies");
    let provider = signed_in(
        &app,
        &fixtures::user_in(&app.db.url, Role::ServiceProvider, centre),
    )
    .await;
    let display_name = f.typed("user", "display_name", 200);
    let v = version(&app, "users", inspector_id);
    saved(
        &admin
            .post_form(
                &format!("/admin/users/{inspector_id}"),
                &[
                    ("version", &v),
                    ("login", &inspector_login),
                    ("display_name", &display_name),
                    ("role", "inspector"),
                    ("agency_id", &inspection_office),
                    ("location_id", &osh_region),
                    ("locale", "ky"),
                ],
            )
            .await,
        "user",
    );
    let inspector = signed_in(&app, &inspector_login).await;

    // A child and a case, through every step that takes text.
    let family = f.typed("child", "family_name", 100);
    let given = f.typed("child", "given_name", 100);
    let patronymic = f.typed("child", "patronymic", 100);
    let guardian = f.typed("child", "guardian_name", 200);
    let guardian_contact = f.typed("child", "guardian_contact", 200);
    saved(
        &worker
            .post_form(
                "/children",
                &[
                    ("family_name", &family),
                    ("given_name", &given),
                    ("patronymic", &patronymic),
                    ("sex", "female"),
                    ("birth_date", "2012-03-05"),
                    ("age", ""),
                    ("personal_number", ""),
                    ("guardian_name", &guardian),
                    ("guardian_contact", &guardian_contact),
                    ("home_location_id", &karasuu),
                    ("language", "ky"),
                    ("school_status", "irregular"),
                    ("disability", "none"),
                    ("confirmed_new", "yes"),
                ],
            )
            .await,
        "child",
    );
    let child = last_id(&app, "children");
    let narrative = f.typed("case", "narrative", 5000);
    let consent_by = f.typed("case", "consent_given_by", 200);
    let child_s = child.to_string();
    let today_s = days_ago(0);
    saved(
        &worker
            .post_form(
                "/cases",
                &[
                    ("child", &child_s),
                    ("source", "inspection"),
                    ("forms", "hazardous_work"),
                    ("sector", "agriculture"),
                    ("risk", "high"),
                    ("narrative", &narrative),
                    ("consent_given_by", &consent_by),
                    ("consent_given_on", &today_s),
                ],
            )
            .await,
        "case",
    );
    let case = last_id(&app, "cases");
    let case_path = format!("/cases/{case}");
    let with_version = |extra: &[(&'static str, String)]| {
        let mut fields = vec![("version", version(&app, "cases", case))];
        fields.extend(extra.iter().cloned());
        fields
    };
    async fn post(browser: &TestApp, path: &str, fields: Vec<(&'static str, String)>) -> Page {
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        browser.post_form(path, &refs).await
    }

    // A transfer asked for and declined, both with a reason.
    let transfer_notes = f.typed("case transfer", "notes", 2000);
    saved(
        &post(
            &boss,
            &format!("{case_path}/transfer"),
            with_version(&[
                ("unit", sokuluk.to_string()),
                ("notes", transfer_notes.clone()),
            ]),
        )
        .await,
        "transfer",
    );
    let their_head = signed_in(
        &app,
        &fixtures::user_in(&app.db.url, Role::Supervisor, sokuluk),
    )
    .await;
    let transfer_comment = f.typed("case transfer answer", "comment", 2000);
    saved(
        &post(
            &their_head,
            &format!("{case_path}/transfer/answer"),
            with_version(&[
                ("answer", "decline".into()),
                ("comment", transfer_comment.clone()),
            ]),
        )
        .await,
        "transfer answer",
    );

    let worker_id = fixtures::user_id(&mut conn, &worker_login).to_string();
    saved(
        &post(
            &boss,
            &format!("{case_path}/assign"),
            with_version(&[("assignee", worker_id)]),
        )
        .await,
        "assign",
    );
    let step = |name: &'static str, extra: &[(&'static str, String)]| {
        let mut fields = with_version(&[("step", name.into())]);
        fields.extend(extra.iter().cloned());
        fields
    };
    let step_path = format!("{case_path}/step");
    saved(
        &post(&worker, &step_path, step("start_assessment", &[])).await,
        "assessment",
    );
    let assessment = f.typed("case step", "assessment", 5000);
    saved(
        &post(
            &worker,
            &step_path,
            step(
                "record_assessment",
                &[
                    ("assessment", assessment.clone()),
                    ("risk", "medium".into()),
                ],
            ),
        )
        .await,
        "record assessment",
    );
    let plan = f.typed("case step", "plan", 5000);
    saved(
        &post(
            &worker,
            &step_path,
            step("submit_plan", &[("plan", plan.clone())]),
        )
        .await,
        "plan",
    );
    let plan_comment = f.typed("case step", "comment", 2000);
    saved(
        &post(
            &boss,
            &step_path,
            step("reject_plan", &[("comment", plan_comment.clone())]),
        )
        .await,
        "reject plan",
    );
    saved(
        &post(
            &worker,
            &step_path,
            step("submit_plan", &[("plan", plan.clone())]),
        )
        .await,
        "plan again",
    );
    saved(
        &post(
            &boss,
            &step_path,
            step("approve_plan", &[("comment", String::new())]),
        )
        .await,
        "approve plan",
    );

    // A referral to the hostile agency; the centre answers with a note.
    let referral_note = f.typed("case referral", "referral_note", 2000);
    saved(
        &post(
            &worker,
            &format!("{case_path}/referrals"),
            with_version(&[
                ("agency_id", centre.to_string()),
                ("service", "rehabilitation".into()),
                ("urgency", "urgent".into()),
                ("answer_by", days_ahead(7)),
                ("planned_end", String::new()),
                ("referral_note", referral_note.clone()),
                ("shared", "birth_date".into()),
            ]),
        )
        .await,
        "referral",
    );
    let referral = last_id(&app, "referrals");
    let answer_note = f.typed("referral step", "note", 2000);
    for (answer, note) in [
        ("accept", ""),
        ("start", ""),
        ("complete", answer_note.as_str()),
    ] {
        saved(
            &provider
                .post_form(
                    &format!("/referrals/{referral}/step"),
                    &[
                        ("step", answer),
                        ("version", &version(&app, "referrals", referral)),
                        ("note", note),
                    ],
                )
                .await,
            answer,
        );
    }

    // Law enforcement: one referral becomes an investigation, one is declined.
    let le_note = f.typed("case law enforcement", "le_note", 2000);
    saved(
        &worker
            .post_form(
                &format!("{case_path}/law-enforcement"),
                &[("le_agency_id", &gpo), ("le_note", &le_note)],
            )
            .await,
        "law enforcement (GPO)",
    );
    let to_gpo = last_id(&app, "le_referrals");
    saved(
        &worker
            .post_form(
                &format!("{case_path}/law-enforcement"),
                &[("le_agency_id", &mia), ("le_note", "")],
            )
            .await,
        "law enforcement (MIA)",
    );
    let to_mia = last_id(&app, "le_referrals");
    let reference = f.typed("investigation", "reference", 100);
    let inv_notes = f.typed("investigation", "notes", 5000);
    saved(
        &prosecutor
            .post_form(
                &format!("/investigations/referrals/{to_gpo}/answer"),
                &[
                    ("version", &version(&app, "le_referrals", to_gpo)),
                    ("answer", "new"),
                    ("offenses", "worst_forms"),
                    ("opened_on", &today_s),
                    ("reference", &reference),
                    ("suspects", "1"),
                    ("notes", &inv_notes),
                ],
            )
            .await,
        "investigation",
    );
    let investigation = last_id(&app, "investigations");
    let decline_reason = f.typed("le referral answer", "decline_reason", 2000);
    saved(
        &police
            .post_form(
                &format!("/investigations/referrals/{to_mia}/answer"),
                &[
                    ("version", &version(&app, "le_referrals", to_mia)),
                    ("answer", "decline"),
                    ("decline_reason", &decline_reason),
                ],
            )
            .await,
        "le decline",
    );
    let move_path = format!("/investigations/{investigation}/move");
    saved(
        &prosecutor
            .post_form(
                &move_path,
                &[
                    ("move", "send_to_court"),
                    ("version", &version(&app, "investigations", investigation)),
                    ("on", &today_s),
                ],
            )
            .await,
        "to court",
    );
    let other_penalty = f.typed("investigation move", "other_penalty", 500);
    saved(
        &prosecutor
            .post_form(
                &move_path,
                &[
                    ("move", "convict"),
                    ("version", &version(&app, "investigations", investigation)),
                    ("on", &today_s),
                    ("prison_months", "12"),
                    ("fine", ""),
                    ("other_penalty", &other_penalty),
                ],
            )
            .await,
        "conviction",
    );

    // Monitoring, a follow-up and a closure request.
    saved(
        &post(&worker, &step_path, step("start_monitoring", &[])).await,
        "monitoring",
    );
    let follow_up = f.typed("case follow-up", "notes", 2000);
    saved(
        &post(
            &worker,
            &format!("{case_path}/follow-ups"),
            with_version(&[
                ("visited_on", today_s.clone()),
                ("still_working", "no".into()),
                ("attending_school", "yes".into()),
                ("notes", follow_up.clone()),
            ]),
        )
        .await,
        "follow-up",
    );
    let closure_note = f.typed("case step", "closure_note", 2000);
    saved(
        &post(
            &worker,
            &step_path,
            step(
                "request_closure",
                &[
                    ("closure_reason", "other".into()),
                    ("closure_note", closure_note.clone()),
                ],
            ),
        )
        .await,
        "closure request",
    );

    // Inspection: establishment, visit, penalty, a child found.
    let est_name = f.typed("establishment", "name", 200);
    let owner = f.typed("establishment", "owner", 200);
    let address = f.typed("establishment", "address", 300);
    saved(
        &inspector
            .post_form(
                "/establishments",
                &[
                    ("name", &est_name),
                    ("kind", "farm_cotton"),
                    ("sector", ""),
                    ("owner", &owner),
                    ("tax_number", ""),
                    ("location_id", &karasuu),
                    ("address", &address),
                ],
            )
            .await,
        "establishment",
    );
    let establishment = last_id(&app, "establishments").to_string();
    let inspection_notes = f.typed("inspection", "notes", 5000);
    let visited = days_ago(1);
    saved(
        &inspector
            .post_form(
                "/inspections",
                &[
                    ("establishment_id", &establishment),
                    ("visited_on", &visited),
                    ("kind", "unannounced"),
                    ("method", "worksite"),
                    ("girls_under_14", "1"),
                    ("girls_14_15", "0"),
                    ("girls_16_17", "0"),
                    ("boys_under_14", "0"),
                    ("boys_14_15", "0"),
                    ("boys_16_17", "0"),
                    ("children_found", "1"),
                    ("violation_underage_work", "1"),
                    ("law_enforcement_id", ""),
                    ("notes", &inspection_notes),
                    ("follow_up_on", ""),
                ],
            )
            .await,
        "inspection",
    );
    let inspection = last_id(&app, "inspections");
    let legal_basis = f.typed("penalty", "legal_basis", 300);
    saved(
        &inspector
            .post_form(
                &format!("/inspections/{inspection}/penalties"),
                &[
                    ("legal_basis", &legal_basis),
                    ("imposed", "100"),
                    ("violations", "underage_work"),
                ],
            )
            .await,
        "penalty",
    );
    let found_family = f.typed("found child", "family_name", 100);
    let found_given = f.typed("found child", "given_name", 100);
    let doing = f.typed("found child", "doing", 2000);
    saved(
        &inspector
            .post_form(
                &format!("/inspections/{inspection}/children"),
                &[
                    ("family_name", &found_family),
                    ("given_name", &found_given),
                    ("sex", "male"),
                    ("birth_date", "2014-06-01"),
                    ("age", ""),
                    ("home_location_id", &karasuu),
                    ("school_status", "out_of_school"),
                    ("forms", "hazardous_work"),
                    ("doing", &doing),
                ],
            )
            .await,
        "found child",
    );
    let found_case = last_id(&app, "cases");
    assert_ne!(found_case, case, "the inspector opened a case");
    // That case has no consent: the head refers anyway, saying why.
    let override_reason = f.typed("case referral", "override_reason", 2000);
    saved(
        &boss
            .post_form(
                &format!("/cases/{found_case}/referrals"),
                &[
                    ("version", &version(&app, "cases", found_case)),
                    ("agency_id", &centre.to_string()),
                    ("service", "rehabilitation"),
                    ("urgency", "urgent"),
                    ("answer_by", &days_ahead(7)),
                    ("planned_end", ""),
                    ("referral_note", ""),
                    ("override_reason", &override_reason),
                ],
            )
            .await,
        "referral without consent",
    );

    // Training, complaints, the recommendations tracker.
    let training_provider = f.typed("training", "provider", 300);
    let certificate = f.typed("training", "certificate_number", 100);
    let completed = days_ago(30);
    saved(
        &admin
            .post_form(
                &format!("/training/inspectors/{inspector_id}"),
                &[
                    ("course", "forced_child_labor"),
                    ("completed_on", &completed),
                    ("provider", &training_provider),
                    ("certificate_number", &certificate),
                    ("hours", "24"),
                ],
            )
            .await,
        "training",
    );
    let record = last_id(&app, "training_records");
    let complainant = f.typed("complaint", "complainant_name", 200);
    let complainant_contact = f.typed("complaint", "complainant_contact", 200);
    let description = f.typed("complaint", "description", 5000);
    let charged = days_ago(3);
    saved(
        &worker
            .post_form(
                "/complaints",
                &[
                    ("school_id", &school),
                    ("location_id", ""),
                    ("charged_on", &charged),
                    ("amount", "1500"),
                    ("complainant_name", &complainant),
                    ("complainant_contact", &complainant_contact),
                    ("description", &description),
                ],
            )
            .await,
        "complaint",
    );
    let complaint = last_id(&app, "school_fee_complaints");
    let action_taken = f.typed("complaint process", "action_taken", 5000);
    saved(
        &admin
            .post_form(
                &format!("/complaints/{complaint}/process"),
                &[
                    (
                        "version",
                        &version(&app, "school_fee_complaints", complaint),
                    ),
                    ("status", "verified"),
                    ("action_taken", &action_taken),
                ],
            )
            .await,
        "complaint processed",
    );
    let recommendation_note = f.typed("recommendation", "note", 2000);
    saved(
        &admin
            .post_form(
                "/reports/recommendations/1",
                &[
                    ("version", &version(&app, "recommendations", 1)),
                    ("status", "in_progress"),
                    ("note", &recommendation_note),
                ],
            )
            .await,
        "recommendation",
    );

    let c = case_path.as_str();
    let child_path = format!("/children/{child}");
    let inspection_path = format!("/inspections/{inspection}");
    let est_path = format!("/establishments/{establishment}");
    let complaint_path = format!("/complaints/{complaint}");
    let inv_path = format!("/investigations/{investigation}");
    let agency_path = format!("/admin/agencies/{centre}");
    let referral_path = format!("/referrals/{referral}");
    for v in [&name_ky, &name_ru, &name_en, &contact] {
        f.shown(v, &[("admin", &agency_path)]);
    }
    f.shown(
        &name_ky,
        &[
            ("admin", "/admin/agencies?kind=rehabilitation_center"),
            ("worker", c),
        ],
    );
    f.shown(
        &display_name,
        &[
            ("admin", &format!("/admin/users/{inspector_id}")),
            ("admin", "/training"),
            ("inspector", "/"),
            ("inspector", &inspection_path),
        ],
    );
    for v in [&family, &given] {
        f.shown(
            v,
            &[
                ("worker", &child_path),
                ("worker", c),
                ("worker", "/cases"),
                ("prosecutor", &format!("/investigations/referrals/{to_gpo}")),
            ],
        );
    }
    for v in [&patronymic, &guardian, &guardian_contact] {
        f.shown(v, &[("worker", &child_path)]);
    }
    for v in [&narrative, &consent_by] {
        f.shown(v, &[("worker", &format!("{c}/edit"))]);
    }
    for v in [
        &transfer_notes,
        &transfer_comment,
        &assessment,
        &plan,
        &plan_comment,
        &referral_note,
        &le_note,
        &follow_up,
        &closure_note,
    ] {
        f.shown(v, &[("worker", c)]);
    }
    f.shown(&referral_note, &[("provider", &referral_path)]);
    f.shown(&answer_note, &[("provider", &referral_path), ("worker", c)]);
    f.shown(
        &le_note,
        &[("prosecutor", &format!("/investigations/referrals/{to_gpo}"))],
    );
    f.shown(&decline_reason, &[("worker", c)]);
    for v in [&reference, &inv_notes, &other_penalty] {
        f.shown(v, &[("prosecutor", &inv_path)]);
    }
    f.shown(&reference, &[("prosecutor", "/investigations")]);
    for v in [&est_name, &owner, &address] {
        f.shown(
            v,
            &[
                ("inspector", &est_path),
                ("inspector", &format!("{est_path}/edit")),
            ],
        );
    }
    f.shown(
        &est_name,
        &[
            ("inspector", "/establishments"),
            ("inspector", &inspection_path),
        ],
    );
    f.shown(&inspection_notes, &[("inspector", &inspection_path)]);
    f.shown(&legal_basis, &[("inspector", &inspection_path)]);
    f.shown(
        &found_family,
        &[
            ("boss", &format!("/cases/{found_case}")),
            ("boss", "/cases"),
        ],
    );
    f.shown(&found_given, &[("boss", &format!("/cases/{found_case}"))]);
    f.shown(&doing, &[("boss", &format!("/cases/{found_case}"))]);
    f.shown(
        &override_reason,
        &[("boss", &format!("/cases/{found_case}"))],
    );
    for v in [&training_provider, &certificate] {
        f.shown(
            v,
            &[
                ("admin", &format!("/training/inspectors/{inspector_id}")),
                ("admin", &format!("/training/records/{record}/edit")),
                ("inspector", &format!("/training/inspectors/{inspector_id}")),
            ],
        );
    }
    for v in [
        &complainant,
        &complainant_contact,
        &description,
        &action_taken,
    ] {
        f.shown(v, &[("admin", &complaint_path)]);
    }
    f.shown(&description, &[("worker", &complaint_path)]);
    f.shown(
        &recommendation_note,
        &[
            ("admin", "/reports/recommendations"),
            ("official", "/reports/recommendations"),
            ("public", "/public/recommendations"),
        ],
    );

    // The public pages show a release: one made of everything above.
    let release = app.publish_figures();
    let ids = vec![
        ("release", release.to_string()),
        ("user", inspector_id.to_string()),
        ("agency", centre.to_string()),
        ("referral", referral.to_string()),
        ("case", case.to_string()),
        ("record", record.to_string()),
        ("child", child.to_string()),
        ("establishment", establishment),
        ("inspection", inspection.to_string()),
        ("complaint", complaint.to_string()),
        ("le_referral", to_gpo.to_string()),
        ("investigation", investigation.to_string()),
        ("path", "korgoo.css".to_owned()),
        ("found_case", found_case.to_string()),
    ];
    drop(conn);
    World {
        browsers: vec![
            ("admin", admin),
            ("inspector", inspector),
            ("worker", worker),
            ("boss", boss),
            ("provider", provider),
            ("prosecutor", prosecutor),
            ("police", police),
            ("official", official),
        ],
        app,
        ids,
        fields: f,
    }
}

/// Every GET route with the world's ids, and the pages a route has beyond
/// its bare address (a form for a given child, a report for a year).
fn every_page(world: &World) -> Vec<String> {
    let mut pages: Vec<String> = GET_ROUTES.iter().map(|r| fill(r, &world.ids)).collect();
    let year = today().format("%Y").to_string();
    pages.extend([
        format!("/cases/new?child={}", world.id("child")),
        format!("/cases/{}", world.id("found_case")),
        format!("/reports/enforcement?year={year}"),
        format!("/reports/enforcement.csv?year={year}"),
        format!("/reports/enforcement.xlsx?year={year}"),
        format!("/reports/dashboard?year={year}&territory="),
        "/static/favicon.svg".to_owned(),
        "/referrals?all=1".to_owned(),
        "/cases?mine=1".to_owned(),
        "/admin/agencies?kind=rehabilitation_center".to_owned(),
    ]);
    pages
}

/// A GET as one browser: the status, headers and raw bytes.
async fn fetch(browser: &TestApp, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let response = browser
        .client
        .get(browser.url(path))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("a body").to_vec();
    (status, headers, bytes)
}

/// A form that is refused: who sends it, from which browser, where, its
/// fields, and the value it must show back.
type Refused<'a> = (
    &'static str,
    &'a TestApp,
    String,
    Vec<(&'a str, &'a str)>,
    &'a str,
);

// ---------------------------------------------------------------------------
// Downloads

/// The cells of a CSV text (RFC 4180 quoting), as a spreadsheet splits them.
fn csv_cells(text: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            // A spreadsheet ends a row at a bare CR as at LF.
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, ',' | '\n' | '\r') => cells.push(std::mem::take(&mut cell)),
            (false, c) => cell.push(c),
        }
    }
    if !cell.is_empty() {
        cells.push(cell);
    }
    cells
}

/// A cell a spreadsheet would run as a formula.
fn is_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Every part of an XLSX workbook, as text.
fn xlsx_parts(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("a part");
            let mut text = String::new();
            file.read_to_string(&mut text).expect("XML");
            (format!("{:?}", file.name()), text)
        })
        .collect()
}

/// The text of every `<t>` (string) element of a workbook part.
fn xlsx_strings(xml: &str) -> Vec<String> {
    let re = regex::Regex::new(r"<t(?:\s[^>]*)?>([^<]*)</t>").expect("a regex");
    re.captures_iter(xml)
        .map(|c| {
            c[1].replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&")
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The tests

#[actix_web::test]
async fn hostile_text_in_every_field_is_stored_literally_and_shown_escaped_everywhere() {
    let world = build_world().await;
    let fields = &world.fields.0;
    let mut seen: Vec<(&'static str, String, String)> = Vec::new();
    let mut downloads = 0;

    // Pages that only echo what was typed: searches, filters, refused forms.
    let mut echoes = Fields::starting_at(100);
    let admin = world.browser("admin");
    let inspector = world.browser("inspector");
    let worker = world.browser("worker");
    let q = echoes.echoed("user search", "q", 200);
    let page = admin
        .get(&format!("/admin/users?q={}", urlencode(&q)))
        .await;
    seen.push(("admin", "/admin/users?q=…".into(), page.body));
    echoes.shown(&q, &[("admin", "/admin/users?q=…")]);
    let login = echoes.echoed("audit filter", "login", 200);
    let target = echoes.echoed("audit filter", "target_id", 200);
    let page = admin
        .get(&format!(
            "/admin/audit?login={}&target_id={}",
            urlencode(&login),
            urlencode(&target)
        ))
        .await;
    seen.push(("admin", "/admin/audit?login=…".into(), page.body));
    echoes.shown(&login, &[("admin", "/admin/audit?login=…")]);
    echoes.shown(&target, &[("admin", "/admin/audit?login=…")]);
    let est_q = echoes.echoed("establishment search", "q", 200);
    let page = inspector
        .post_form("/establishments/search", &[("q", &est_q)])
        .await;
    seen.push(("inspector", "POST /establishments/search".into(), page.body));
    echoes.shown(&est_q, &[("inspector", "POST /establishments/search")]);
    let child_q = echoes.echoed("child search", "q", 200);
    let page = worker
        .post_following("/children/search", &[("q", &child_q), ("birth_date", "")])
        .await;
    seen.push(("worker", "POST /children/search".into(), page.body));
    echoes.shown(&child_q, &[("worker", "POST /children/search")]);
    let next = echoes.echoed("sign-in", "next", 500);
    let page = world
        .app
        .get(&format!("/login?next={}", urlencode(&next)))
        .await;
    seen.push(("public", "/login?next=…".into(), page.body));
    let territory = echoes.echoed("report filter", "territory", 200);
    let page = admin
        .get(&format!(
            "/reports/enforcement?year={}&territory={}",
            urlencode(&territory),
            urlencode(&territory)
        ))
        .await;
    seen.push((
        "admin",
        "/reports/enforcement?territory=…".into(),
        page.body,
    ));
    echoes.shown(&territory, &[("admin", "/reports/enforcement?territory=…")]);
    // Refused forms show what was typed back in the field.
    let tax = echoes.echoed("establishment", "tax_number", 300);
    let page = inspector
        .post_form(
            "/establishments",
            &[
                ("name", "x"),
                ("kind", "farm_cotton"),
                ("tax_number", &tax),
                ("location_id", ""),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    seen.push(("inspector", "POST /establishments".into(), page.body));
    echoes.shown(&tax, &[("inspector", "POST /establishments")]);
    let bad_login = echoes.echoed("user", "login", 200);
    let page = admin
        .post_form(
            "/admin/users",
            &[
                ("login", &bad_login),
                ("display_name", "x"),
                ("role", "official"),
                ("locale", "ky"),
                ("password", "a long enough password 1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    seen.push(("admin", "POST /admin/users".into(), page.body));
    echoes.shown(&bad_login, &[("admin", "POST /admin/users")]);
    let pin = echoes.echoed("child", "personal_number", 200);
    let age = echoes.echoed("child", "age", 200);
    let page = worker
        .post_form(
            "/children",
            &[
                ("family_name", "x"),
                ("given_name", "y"),
                ("sex", "female"),
                ("age", &age),
                ("personal_number", &pin),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    seen.push(("worker", "POST /children".into(), page.body));
    echoes.shown(&pin, &[("worker", "POST /children")]);
    echoes.shown(&age, &[("worker", "POST /children")]);
    let staff = echoes.echoed("agency staff", "staff", 200);
    let page = admin
        .post_form(
            &format!("/admin/agencies/{}/staff", world.id("agency")),
            &[("year", &staff), ("staff", &staff)],
        )
        .await;
    seen.push((
        "admin",
        "POST /admin/agencies/{agency}/staff".into(),
        page.body,
    ));
    let amount = echoes.echoed("penalty", "imposed", 200);
    let page = inspector
        .post_form(
            &format!("/inspections/{}/penalties", world.id("inspection")),
            &[("legal_basis", "x"), ("imposed", &amount)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    seen.push((
        "inspector",
        "POST /inspections/{id}/penalties".into(),
        page.body,
    ));
    echoes.shown(
        &amount,
        &[("inspector", "POST /inspections/{id}/penalties")],
    );
    // Searches take SQL and LIKE metacharacters as text: a login search for
    // "%" or "_" is no wildcard, and a quote opens no condition. (The name
    // searches keep only letters and digits, so "%" alone is an empty search.)
    for q in ["%", "_", "\\", "' OR '1'='1"] {
        let page = admin.get(&format!("/admin/users?q={}", urlencode(q))).await;
        assert!(page.text_of(".empty").is_some(), "users matching {q:?}");
    }
    for q in ["' OR '1'='1", "x' OR 1=1 --", "%25"] {
        let places = inspector
            .post_form("/establishments/search", &[("q", q)])
            .await;
        assert!(places.text_of(".empty").is_some(), "places matching {q:?}");
        let kids = worker
            .post_following("/children/search", &[("q", q), ("birth_date", "")])
            .await;
        assert!(kids.text_of(".empty").is_some(), "children matching {q:?}");
    }
    // Numbers that are no numbers come back in their fields too.
    let capacity = echoes.echoed("agency", "capacity", 200);
    let hours = echoes.echoed("training", "hours", 200);
    let amount_typed = echoes.echoed("complaint", "amount", 200);
    let suspects = echoes.echoed("investigation", "suspects", 200);
    let prosecutor = world.browser("prosecutor");
    let year_ago = days_ago(30);
    let refused: [Refused; 4] = [
        (
            "admin",
            admin,
            "/admin/agencies".to_owned(),
            vec![
                ("kind", "shelter"),
                ("name_ky", "x"),
                ("name_ru", "x"),
                ("name_en", "x"),
                ("capacity", &capacity),
            ],
            &capacity,
        ),
        (
            "admin",
            admin,
            format!("/training/inspectors/{}", world.id("user")),
            vec![
                ("course", "forced_child_labor"),
                ("completed_on", &year_ago),
                ("provider", "x"),
                ("hours", &hours),
            ],
            &hours,
        ),
        (
            "worker",
            worker,
            "/complaints".to_owned(),
            vec![("amount", &amount_typed), ("description", "x")],
            &amount_typed,
        ),
        (
            "prosecutor",
            prosecutor,
            "/investigations".to_owned(),
            vec![
                ("offenses", "csec"),
                ("opened_on", &year_ago),
                ("suspects", &suspects),
            ],
            &suspects,
        ),
    ];
    for (who, browser, path, form, typed) in refused {
        let page = browser.post_form(&path, &form).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {}",
            page.body
        );
        let label = format!("POST {path}");
        seen.push((who, label.clone(), page.body));
        echoes.shown(typed, &[(who, &label)]);
    }
    // The sign-in form keeps the login typed.
    let sign_in = echoes.echoed("sign-in", "login", 200);
    let anonymous = world.app.other_browser();
    anonymous.get("/login").await;
    let page = anonymous
        .post_form(
            "/login",
            &[("login", &sign_in), ("password", "wrong password here")],
        )
        .await;
    seen.push(("public", "POST /login".into(), page.body));
    echoes.shown(&sign_in, &[("public", "POST /login")]);
    for (who, path, body) in &seen {
        assert_inert(&format!("{who} {path}"), body);
    }

    // Every page, as everyone; and once more with a hostile query string,
    // which the language links and filters echo.
    let hostile_query = {
        let h = urlencode(&hostile(999, 500));
        [
            "q",
            "year",
            "from",
            "to",
            "territory",
            "login",
            "target_id",
            "target_kind",
            "action",
            "next",
            "child",
            "status",
            "kind",
            "location",
            "role",
            "agency",
            "active",
            "before",
            "after",
            "order",
            "sector",
            "risk",
            "form",
            "method",
            "violations",
            "all",
            "mine",
            "overdue",
        ]
        .iter()
        .map(|k| format!("{k}={h}"))
        .collect::<Vec<_>>()
        .join("&")
    };
    for (who, browser) in world.everyone() {
        for path in every_page(&world) {
            let (status, headers, bytes) = fetch(browser, &path).await;
            let context = format!("{who} GET {path} ({status})");
            let content_type = header(&headers, "content-type");
            if content_type.starts_with("text/html") {
                let body = String::from_utf8(bytes).expect("UTF-8 HTML");
                assert_inert(&context, &body);
                seen.push((who, path, body));
            } else if content_type.starts_with("text/csv") {
                downloads += 1;
                let body = String::from_utf8(bytes).expect("UTF-8 CSV");
                for cell in csv_cells(&body) {
                    assert!(!is_formula(&cell), "{context}: formula cell {cell:?}");
                }
                for field in fields {
                    assert!(!body.contains(&field.value), "{context}: field {}", field.n);
                }
            } else if content_type.contains("spreadsheetml") {
                downloads += 1;
                for (part, xml) in xlsx_parts(&bytes) {
                    assert!(
                        !xml.contains("<f>") && !xml.contains("<f "),
                        "{context}: a formula in {part}"
                    );
                    // Strings in a workbook are never run, but typed text
                    // has no business in a report at all.
                    for s in xlsx_strings(&xml) {
                        assert!(!s.contains("<script>alert("), "{context}: {s:?}");
                    }
                }
            } else if content_type.starts_with("application/json") {
                downloads += 1;
                let body = String::from_utf8(bytes).expect("UTF-8 JSON");
                for field in fields {
                    assert!(!body.contains(&field.value), "{context}: field {}", field.n);
                }
            }
        }
        if matches!(who, "admin" | "worker" | "official" | "public") {
            for route in GET_ROUTES {
                let path = format!("{}?{hostile_query}", fill(route, &world.ids));
                let page = browser.get(&path).await;
                if header(&page.headers, "content-type").starts_with("text/html") {
                    assert_inert(
                        &format!("{who} GET {route}?<hostile> ({})", page.status),
                        &page.body,
                    );
                }
            }
        }
    }
    assert!(downloads >= 8, "the downloads were read: {downloads}");

    // The agency's Russian and English names, on the case page in those languages.
    let case_path = format!("/cases/{}", world.id("case"));
    for (lang, name) in [("ru", "name_ru"), ("en", "name_en")] {
        let value = &fields
            .iter()
            .find(|f| f.form == "agency" && f.name == name)
            .expect("a typed name")
            .value;
        worker.get(&format!("/?lang={lang}")).await;
        let page = worker.get(&case_path).await;
        assert!(
            page.body.contains(&format!("<html lang=\"{lang}\">")),
            "{lang}"
        );
        assert_inert(&format!("worker {lang} {case_path}"), &page.body);
        assert!(shows(&page.body, value), "{name} on {case_path} in {lang}");
    }
    worker.get("/?lang=ky").await;

    // Each value is shown, as typed, where it belongs.
    let mut shown_count = 0;
    for field in fields.iter().chain(echoes.0.iter()) {
        assert!(
            !field.shown_on.is_empty() || !field.stored,
            "field {} ({} {}) has no page to show it",
            field.n,
            field.form,
            field.name
        );
        for (who, path) in &field.shown_on {
            let body = seen
                .iter()
                .find(|(w, p, _)| w == who && p == path)
                .map(|(_, _, b)| b)
                .unwrap_or_else(|| panic!("{who} {path} was not read"));
            assert!(
                shows(body, &field.value),
                "field {} ({} {}) is not shown on {who} {path}:\n{body}",
                field.n,
                field.form,
                field.name
            );
            shown_count += 1;
        }
    }
    assert!(
        shown_count > 80,
        "{shown_count} checks that values are shown"
    );

    // The database holds exactly what was typed, and its tables are whole.
    let stored = stored_text(&world.app);
    for field in fields.iter().filter(|f| f.stored) {
        assert!(
            stored.contains(&field.value),
            "field {} ({} {}) is not stored as typed",
            field.n,
            field.form,
            field.name
        );
    }
    assert_eq!(world.app.count("children"), 2);
    assert!(world.app.count("cases") == 2 && world.app.count("audit_log") > 0);
}

fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Every text value in every table that holds one of the hostile markers.
fn stored_text(app: &TestApp) -> BTreeSet<String> {
    #[derive(QueryableByName)]
    struct Column {
        #[diesel(sql_type = diesel::sql_types::Text)]
        table_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        column_name: String,
    }
    #[derive(QueryableByName)]
    struct Value {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    let mut conn = app.conn();
    let columns: Vec<Column> = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name \
         FROM information_schema.columns JOIN information_schema.tables USING (table_schema, table_name) \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' \
         AND data_type IN ('text', 'character varying')",
    )
    .load(&mut conn)
    .expect("the text columns");
    assert!(columns.len() > 20, "{} text columns", columns.len());
    let mut values = BTreeSet::new();
    for c in columns {
        let found: Vec<Value> = diesel::sql_query(format!(
            "SELECT \"{}\"::text AS v FROM \"{}\" WHERE \"{}\" LIKE '%<script>alert(%'",
            c.column_name, c.table_name, c.column_name
        ))
        .load(&mut conn)
        .expect("a column's values");
        values.extend(found.into_iter().map(|v| v.v));
    }
    values
}

#[actix_web::test]
async fn every_get_route_as_every_role_and_the_public_carries_the_security_headers() {
    let world = build_world().await;
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let mut checked = 0;
    for (who, browser) in world.everyone() {
        for path in every_page(&world) {
            let (status, headers, bytes) = fetch(browser, &path).await;
            let context = format!("{who} GET {path} ({status})");
            assert_security_headers(&context, &path, &headers);
            let content_type = header(&headers, "content-type");
            if status.is_redirection() {
                assert!(
                    bytes.is_empty() || content_type.starts_with("text/html"),
                    "{context}"
                );
            } else if !path.starts_with("/static/") && path != "/healthz" {
                assert!(
                    content_type.ends_with("charset=utf-8")
                        || content_type == "application/json"
                        || content_type.contains("spreadsheetml"),
                    "{context}: {content_type}"
                );
            }
            if content_type.starts_with("text/html") {
                assert_inert(&context, &String::from_utf8(bytes).expect("UTF-8"));
            }
            assert!(status.as_u16() < 500, "{context}");
            *statuses.entry(status.as_u16()).or_default() += 1;
            checked += 1;
        }
    }
    // Pages, refusals and redirects to sign-in were all among them.
    for status in [200, 303, 403, 404] {
        assert!(
            statuses.contains_key(&status),
            "no {status} in {statuses:?}"
        );
    }
    assert!(checked >= 9 * GET_ROUTES.len(), "{checked} responses");

    // Served over TLS, browsers are told to stay on it.
    let tls = TestApp::spawn_with(|c| c.secure_cookies = true).await;
    for path in ["/login", "/public", "/no/such/page", "/static/korgoo.css"] {
        let (_, headers, _) = fetch(&tls, path).await;
        assert_security_headers(path, path, &headers);
        assert!(
            header(&headers, "strict-transport-security").starts_with("max-age=31536000"),
            "{path}"
        );
    }
}

/// What an error page must never contain.
const LEAKS: &[&str] = &[
    "panicked",
    "Panicked",
    "src/",
    ".rs:",
    "diesel",
    "SELECT ",
    "INSERT ",
    "UPDATE ",
    "ERROR:",
    "SQLSTATE",
    "/work",
    "/root",
    "/home/",
    "/tmp/",
    "backtrace",
    "Backtrace",
    "Diesel",
    "Postgres",
    "PostgreSQL",
    "thread '",
    "korgoo_test",
    "korgoo_no_such",
    "postgres",
    "statement timeout",
    "relation \"",
    "Connection refused",
    "Json deserialize",
    "Parse error",
    "missing field",
    "invalid digit",
    "number too large",
];

/// The status an error page shows, and the message keys it uses.
fn error_keys(status: u16) -> &'static [&'static str] {
    match status {
        400 | 405 => &["error-bad-request-title"],
        403 => &["error-forbidden-title", "error-csrf-title"],
        404 => &["error-not-found-title"],
        413 => &["error-too-large-title"],
        503 => &["error-unavailable-title"],
        _ => &["error-internal-title"],
    }
}

/// The localized error page, with the headers, and nothing of the insides.
#[track_caller]
fn assert_error_page(context: &str, page: &Page, expected: &[u16], titles: &Translator) {
    let status = page.status.as_u16();
    assert!(
        expected.contains(&status),
        "{context}: {status}\n{}",
        page.body
    );
    assert_security_headers(context, "/", &page.headers);
    assert_eq!(
        header(&page.headers, "content-type"),
        "text/html; charset=utf-8",
        "{context}"
    );
    for leak in LEAKS {
        assert!(
            !page.body.contains(leak),
            "{context}: {leak:?} in\n{}",
            page.body
        );
    }
    assert_inert(context, &page.body);
    page.assert_contains("<html lang=\"ky\">");
    if status == 422 {
        // A form that was read but holds wrong values: shown again, no error page.
        return;
    }
    let shown = page.text_of(".status-code").unwrap_or_default();
    let wanted = if status == 405 { 400 } else { status };
    assert_eq!(shown, wanted.to_string(), "{context}");
    let title = page.text_of("h1").unwrap_or_default();
    assert!(
        error_keys(status)
            .iter()
            .any(|key| titles.t(Lang::Ky, key) == title),
        "{context}: {title:?}"
    );
}

/// Send raw bytes (what no well-behaved client would) and read the answer.
fn raw_request(address: &str, request: &[u8]) -> (u16, String) {
    let host = address.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("a connection");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("a timeout");
    stream.write_all(request).expect("sent");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

#[actix_web::test]
async fn error_pages_are_localized_and_tell_nothing_of_the_insides() {
    let titles = Translator::load().expect("the messages");
    let app = TestApp::spawn().await;
    let admin = app.other_browser();
    admin.login_as(Role::Admin).await;
    let worker = app.other_browser();
    worker.login_as(Role::CaseWorker).await;
    let mut checked = 0;

    // Unknown pages and ids, and ids that are no number or too big for one.
    for path in [
        "/no/such/page",
        "/cases/abc",
        "/cases/99999999999999999999",
        "/cases/-1/edit",
        "/children/1e3",
        "/admin/users/999999",
        "/admin/agencies/%00",
        "/inspections/%27%3B%20DROP%20TABLE%20inspections%3B--",
    ] {
        let page = admin.get(path).await;
        assert_error_page(&format!("GET {path}"), &page, &[404, 400], &titles);
        checked += 1;
    }
    // Assets are served without sessions or pages: a missing one, or one
    // outside the folder, is a bare 404.
    for path in [
        "/static/..%2fCargo.toml",
        "/static/%2e%2e%2fCargo.toml",
        "/static/..%5c..%5cCargo.toml",
    ] {
        let page = admin.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_security_headers(path, "/", &page.headers);
        assert!(
            !page.body.contains("[package]") && !page.body.contains("fn main"),
            "{path}"
        );
        for leak in LEAKS {
            assert!(
                !page.body.contains(leak),
                "{path}: {leak} in {:?}",
                page.body
            );
        }
    }
    // A page the role may not see.
    for path in ["/admin/users", "/admin/audit", "/training"] {
        let page = worker.get(path).await;
        assert_error_page(&format!("worker GET {path}"), &page, &[403], &titles);
        checked += 1;
    }
    // A GET on a route that only takes POST, and a method no route takes.
    for path in ["/logout", "/cases/1/step", "/admin/users/1/password"] {
        let page = admin.get(path).await;
        assert_error_page(&format!("GET {path}"), &page, &[400, 404, 405], &titles);
        checked += 1;
    }
    let token = admin.csrf_token().await;
    for method in [
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
        reqwest::Method::PATCH,
    ] {
        let response = admin
            .client
            .request(method.clone(), admin.url("/admin/users"))
            .header("x-csrf-token", &token)
            .send()
            .await
            .expect("sent");
        let page = page_of(response).await;
        assert_error_page(
            &format!("{method} /admin/users"),
            &page,
            &[400, 404, 405],
            &titles,
        );
        checked += 1;
    }
    // Forms the app cannot read: missing fields, bad encoding, numbers that
    // are not numbers, the wrong content type.
    let bodies: [(&str, String); 6] = [
        (
            "application/x-www-form-urlencoded",
            format!("csrf_token={token}"),
        ),
        (
            "application/x-www-form-urlencoded",
            format!("csrf_token={token}&login=%FF%FE%80&display_name=%ZZ&role=%"),
        ),
        (
            "application/x-www-form-urlencoded",
            format!("csrf_token={token}&step=start_assessment&version=99999999999999999999"),
        ),
        (
            "application/x-www-form-urlencoded",
            format!("csrf_token={token}&step=SELECT%20*%20FROM%20users&version=abc"),
        ),
        ("application/json", "{\"login\":\"json.user\"}".to_owned()),
        ("text/plain", "login=x".to_owned()),
    ];
    for (i, (content_type, body)) in bodies.into_iter().enumerate() {
        let path = if i < 2 {
            "/admin/users"
        } else {
            "/cases/1/step"
        };
        let response = admin
            .client
            .post(admin.url(path))
            .header("content-type", content_type)
            .header("x-csrf-token", &token)
            .body(body)
            .send()
            .await
            .expect("sent");
        let page = page_of(response).await;
        assert_error_page(
            &format!("POST {path} #{i}"),
            &page,
            &[400, 404, 422],
            &titles,
        );
        checked += 1;
    }
    // Too big.
    let huge = "ж".repeat(100_000);
    let page = admin
        .post_form("/admin/users", &[("login", "x"), ("display_name", &huge)])
        .await;
    assert_error_page("huge form", &page, &[413], &titles);
    // No anti-forgery token.
    let page = admin.post_raw("/admin/users", &[("login", "x")]).await;
    assert_error_page("no CSRF token", &page, &[403], &titles);
    checked += 2;

    // A language switch redirects to the same address: what the query held
    // stays encoded there, and starts no header of its own.
    let page = worker
        .get("/cases?lang=ru&q=%0D%0ASet-Cookie:%20evil=1&r=%0Aevil:%201")
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let location = page.location().unwrap_or_default();
    assert!(location.starts_with("/cases?"), "{location}");
    assert!(!location.contains(['\r', '\n']), "{location:?}");
    assert!(page.headers.get("evil").is_none());
    assert!(
        page.headers
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap_or("").contains("evil")),
        "{:?}",
        page.headers
    );
    worker.get("/?lang=ky").await;

    // Raw requests: a path with markup, which the page names back in its
    // language links, and a request line that is no HTTP at all.
    let (status, answer) = raw_request(
        &app.address,
        b"GET /no/\"><script>alert(1)</script>/x?a=\"><img%20src=x%20onerror=alert(1)> HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    if status != 400 {
        assert_eq!(status, 404, "{answer}");
        let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        assert_inert("a path with markup", body);
        assert!(!answer.contains("<script>alert"), "{answer}");
    }
    let page = admin
        .get(
            "/no/%22%3E%3Cscript%3Ealert(1)%3C/script%3E?x=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
        )
        .await;
    assert_error_page("an encoded path with markup", &page, &[404], &titles);
    let (status, answer) = raw_request(&app.address, b"GARBAGE \x01\x02 HTTP/9\r\n\r\n");
    assert!(matches!(status, 0 | 400), "{answer}");
    for leak in LEAKS {
        assert!(!answer.contains(leak), "{leak} in {answer}");
    }

    // The database gone: 503, on every kind of page.
    let db = actix_web::rt::task::spawn_blocking(TestDatabase::create)
        .await
        .expect("a database");
    let broken = db.app_url.replace(&db.name, "korgoo_no_such_database");
    let pool = korgoo::db::build_pool(&broken, 2, 1000).expect("a pool");
    let dead = TestApp::start(db, Config::defaults(), pool);
    let cookie = format!("{}={}", korgoo::web::session::COOKIE, "ab".repeat(32));
    for path in [
        "/login",
        "/public",
        "/public/recommendations",
        "/public/data.csv",
        "/",
        "/cases/1",
    ] {
        // A session cookie makes every page read the database.
        let page = dead.get_with(path, &[("cookie", cookie.as_str())]).await;
        assert_error_page(&format!("no database: GET {path}"), &page, &[503], &titles);
        checked += 1;
    }
    let page = dead
        .post_raw("/login", &[("login", "x"), ("password", "y")])
        .await;
    assert_error_page("no database: POST /login", &page, &[503, 403], &titles);

    // Every query cancelled at once: whatever fails, the page tells nothing.
    let db = actix_web::rt::task::spawn_blocking(TestDatabase::create)
        .await
        .expect("a database");
    let pool = korgoo::db::build_pool(&db.url, 2, 1).expect("a pool");
    let slow = TestApp::start(db, Config::defaults(), pool);
    for path in ["/login", "/public", "/public/data.csv"] {
        let page = slow.get(path).await;
        if page.status.is_server_error() {
            assert_error_page(
                &format!("timed out: GET {path}"),
                &page,
                &[500, 503],
                &titles,
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked} error pages");
}

async fn page_of(response: reqwest::Response) -> Page {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.expect("a body");
    Page {
        status,
        headers,
        body,
    }
}

/// No typed text reaches a CSV download today (they hold figures, territory
/// codes and figure names only; the crawl above checks every cell of them),
/// so the neutraliser itself is checked here with the same hostile values:
/// a cell never starts as a formula and reads back, whole, as one cell.
#[test]
fn the_csv_neutraliser_disarms_every_hostile_value_and_keeps_it_one_cell() {
    let mut values: Vec<String> = (1..=FORMULA_PREFIXES.len() * 2)
        .map(|n| hostile(n, 500))
        .collect();
    values.extend(
        [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            "\t=1+1",
            "\r=1+1",
            "=cmd|' /C calc'!A0",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "carriage\rreturn",
            "KG/KG-O",
            "<5",
        ]
        .map(str::to_owned),
    );
    for value in values {
        let cell = korgoo::reports::handlers::cell(&value);
        let read = csv_cells(&format!("{cell}\n"));
        assert_eq!(read.len(), 1, "{value:?} became {read:?}");
        assert!(
            !is_formula(&read[0]),
            "{value:?} reads as a formula: {cell:?}"
        );
        let expected = if is_formula(&value) {
            format!("'{value}")
        } else {
            value.clone()
        };
        assert_eq!(read[0], expected, "{value:?}");
    }
}
