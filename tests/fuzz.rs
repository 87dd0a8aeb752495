//! Property-fuzzed input: every POST route of the route table gets forms
//! built from the real form on the page (as the user who would fill it in),
//! then mutated: fields dropped, duplicated, replaced with hostile values
//! (huge, control characters, bidi overrides, numbers out of range, impossible
//! dates, SQL and HTML), unknown fields added, the body's percent-encoding
//! broken (invalid UTF-8, stray `%`). Every GET route gets hostile query
//! strings. Whatever arrives: never a 5xx (a panic in a handler is one), and
//! a request that is refused writes nothing — the records are compared,
//! row by row, before and after.
//!
//! Generation is proptest's, with a fixed seed so a failure reproduces;
//! `KORGOO_FUZZ_CASES` raises the number of cases per route.

use std::collections::BTreeMap;

use diesel::prelude::*;
use korgoo::admin::model::AgencyKind;
use korgoo::demo::DEMO_PASSWORD;
use korgoo::policy::Role;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use reqwest::StatusCode;

use crate::common::routes::{GET_ROUTES, POST_ROUTES, fill};
use crate::common::{Page, TestApp, fixtures};

/// A form as a browser sends it: (name, value) pairs in order.
pub(crate) type Fields = Vec<(String, String)>;

/// For each POST route, its forms: (the page it was on, its fields).
pub(crate) type Forms = BTreeMap<&'static str, Vec<(String, Fields)>>;

const SEED: u64 = 0x6b6f_7267_6f6f;

fn cases_per_route(default: u32) -> u32 {
    std::env::var("KORGOO_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Values no form expects.
fn hostile() -> impl Strategy<Value = String> {
    let fixed: Vec<&'static str> = vec![
        "",
        " ",
        "-1",
        "0",
        "1.5",
        "1e308",
        "NaN",
        "99999999999999999999",
        "9223372036854775807",
        "-9223372036854775808",
        "2147483648",
        "١٢",
        "2026-02-30",
        "2026-13-01",
        "0000-00-00",
        "9999-12-31",
        "1900-01-01",
        "31.12.9999",
        "29.02.2025",
        "' OR 1=1; --",
        "'; DROP TABLE children; --",
        "\\",
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "=HYPERLINK(\"http://x\")",
        "\u{202e}\u{0000}\u{feff}",
        "\r\n\r\nX-Injected: 1",
        "%00",
        "yes",
        "no",
        "true",
        "on",
        "admin",
        "other",
    ];
    prop_oneof![
        4 => proptest::sample::select(fixed).prop_map(str::to_owned),
        2 => "[\\x00-\\x1f\\x7f]{1,12}",
        2 => "\\PC{0,40}",
        1 => any::<String>(),
        1 => (1usize..40_000).prop_map(|n| "ж".repeat(n)),
        1 => Just("x".repeat(100_000)),
        1 => any::<i64>().prop_map(|n| n.to_string()),
    ]
}

/// One mutation of a form: for each of its fields, what to do with it (keep,
/// drop, replace, duplicate), extra fields, and whether to break the
/// body's encoding.
#[derive(Debug, Clone)]
struct Mutation {
    per_field: Vec<(u8, String)>,
    extra: Vec<(String, String)>,
    variant: usize,
    broken_encoding: Option<&'static str>,
}

fn mutation(known: Vec<String>) -> impl Strategy<Value = Mutation> {
    let name = prop_oneof![
        3 => proptest::sample::select(known),
        1 => "[a-z_]{1,12}",
        1 => "\\PC{1,8}",
    ];
    (
        proptest::collection::vec((0u8..10, hostile()), 48),
        proptest::collection::vec((name, hostile()), 0..4),
        0usize..8,
        proptest::option::weighted(
            0.15,
            proptest::sample::select(vec![
                "%ZZ=1",
                "a=%C3%28",
                "%=%",
                "bad%",
                "=&&&=",
                "noequals",
                "x=%FF%FE%00",
                "csrf_token=",
            ]),
        ),
    )
        .prop_map(|(per_field, extra, variant, broken_encoding)| Mutation {
            per_field,
            extra,
            variant,
            broken_encoding,
        })
}

/// The form body a mutation makes of a base form.
fn mutate(base: &[(String, String)], m: &Mutation) -> String {
    let mut fields: Vec<(String, String)> = Vec::new();
    for (i, (name, value)) in base.iter().enumerate() {
        let (op, hostile) = &m.per_field[i % m.per_field.len()];
        // The token stays (else the CSRF check answers for every handler).
        if name == "csrf_token" {
            fields.push((name.clone(), value.clone()));
            continue;
        }
        match op {
            0..=4 => fields.push((name.clone(), value.clone())),
            5 => {}
            6..=8 => fields.push((name.clone(), hostile.clone())),
            _ => {
                fields.push((name.clone(), value.clone()));
                fields.push((name.clone(), hostile.clone()));
            }
        }
    }
    fields.extend(m.extra.iter().cloned());
    let mut body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&fields)
        .finish();
    if let Some(raw) = m.broken_encoding {
        body.push('&');
        body.push_str(raw);
    }
    body
}

/// Who fills in a route's form: the demo user whose work it is, so the
/// handler gets past the permission check and its parsing is what is tried.
pub(crate) fn actor_for(route: &str) -> &'static str {
    match route {
        "/login" => "anonymous",
        "/logout"
        | "/account/password"
        | "/login/code"
        | "/account/second-factor"
        | "/account/second-factor/recovery-codes" => "throwaway",
        r if r.starts_with("/admin") || r.starts_with("/reports/recommendations/") => "admin",
        r if r.starts_with("/referrals") => "provider.osh",
        "/cases/{case}/assign" | "/cases/{case}/transfer" | "/cases/{case}/transfer/answer" => {
            "supervisor.karasuu"
        }
        r if r.starts_with("/children") || r.starts_with("/cases") => "worker.karasuu",
        r if r.starts_with("/establishments") || r.starts_with("/inspections") => "inspector.osh",
        r if r.starts_with("/investigations") => "prosecutor.osh",
        r if r.starts_with("/training") || r.starts_with("/complaints") => "head.inspection.osh",
        r if r.starts_with("/reports") => "official",
        _ => "anonymous",
    }
}

const ACTORS: &[&str] = &[
    "anonymous",
    "throwaway",
    "admin",
    "official",
    "provider.osh",
    "supervisor.karasuu",
    "worker.karasuu",
    "inspector.osh",
    "prosecutor.osh",
    "head.inspection.osh",
];

fn one(app: &TestApp, sql: &str) -> Option<i64> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    diesel::sql_query(format!("SELECT id::bigint AS id FROM ({sql}) q"))
        .get_result::<Id>(&mut app.conn())
        .optional()
        .unwrap()
        .map(|r| r.id)
}

/// The records whose forms depend on their state, made fresh rather than
/// picked from the demo: which demo records are open, paying or waiting
/// depends on the day the demo was loaded, and a form found one day and
/// not the next made the route count of this test flake with the date.
struct Made {
    inspection: i64,
    penalty: i64,
    establishment: i64,
    referral: i64,
}

impl Made {
    /// An open inspection of inspector.osh with a penalty still to be paid,
    /// and a referral of worker.karasuu's case waiting at provider.osh.
    async fn new(app: &TestApp, inspector: &TestApp, case: i64) -> Made {
        let establishment = one(
            app,
            "SELECT i.establishment_id AS id FROM inspections i \
             JOIN inspection_inspectors ii ON ii.inspection_id = i.id \
             JOIN users u ON u.id = ii.user_id WHERE u.login = 'inspector.osh' \
             ORDER BY i.id LIMIT 1",
        )
        .expect("an establishment inspector.osh visited");
        let inspection = crate::inspections::record_inspection(inspector, establishment, &[]).await;
        let imposed = inspector
            .post_form(
                &format!("/inspections/{inspection}/penalties"),
                &[
                    ("legal_basis", "Кодекс о правонарушениях, ст. 117"),
                    ("imposed", "12 000"),
                    ("violations", "underage_work"),
                ],
            )
            .await;
        assert_eq!(imposed.status, StatusCode::SEE_OTHER, "{}", imposed.body);
        let penalty = one(
            app,
            &format!("SELECT id FROM penalties WHERE inspection_id = {inspection}"),
        )
        .expect("the penalty just imposed");
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        let referral = diesel::sql_query(format!(
            "INSERT INTO referrals (case_id, agency_id, service, urgency, shared, note, \
                                    answer_by, sent_by) \
             SELECT {case}, a.id, a.services[1], 'routine', '{{}}'::text[], '', \
                    CURRENT_DATE + 14, w.id \
             FROM users p JOIN agencies a ON a.id = p.agency_id, users w \
             WHERE p.login = 'provider.osh' AND w.login = 'worker.karasuu' RETURNING id"
        ))
        .get_result::<Id>(&mut app.conn())
        .expect("a referral to provider.osh")
        .id;
        Made {
            inspection,
            penalty,
            establishment,
            referral,
        }
    }
}

/// The case the case workers' routes work on: worker.karasuu's, open and
/// in services, so that its follow-up form is offered.
fn case_of_karasuu(app: &TestApp) -> i64 {
    one(
        app,
        "SELECT k.id FROM cases k JOIN users u ON u.agency_id = k.unit_id \
         WHERE u.login = 'worker.karasuu' AND k.closed_at IS NULL AND k.transfer_to_unit_id IS NULL \
         ORDER BY (k.status = 'in_services') DESC, k.id LIMIT 1",
    )
    .expect("an open case of worker.karasuu")
}

/// Ids of the records each actor works on.
fn ids(app: &TestApp, admin_target: i64, case: i64, made: &Made) -> Vec<(&'static str, String)> {
    let pick = |sql: &str, fallback: &str| -> String {
        one(app, sql)
            .or_else(|| one(app, fallback))
            .expect("a demo record")
            .to_string()
    };
    let case = case.to_string();
    let child = pick(
        &format!("SELECT child_id AS id FROM cases WHERE id = {case}"),
        "SELECT id FROM children LIMIT 1",
    );
    vec![
        ("user", admin_target.to_string()),
        (
            "agency",
            fixtures::agency(&mut app.conn(), AgencyKind::Ngo, "KG-O", "Fuzz NGO").to_string(),
        ),
        (
            "inspector",
            pick(
                "SELECT id FROM users WHERE login = 'inspector.osh'",
                "SELECT id FROM users LIMIT 1",
            ),
        ),
        ("case", case),
        ("child", child),
        ("referral", made.referral.to_string()),
        ("establishment", made.establishment.to_string()),
        ("penalty", made.penalty.to_string()),
        ("inspection", made.inspection.to_string()),
        (
            "free_child",
            pick(
                "SELECT c.id FROM children c JOIN locations l ON l.id = c.home_location_id \
             WHERE l.code = 'KG-O-KARASUU' AND c.merged_into IS NULL AND NOT EXISTS \
             (SELECT 1 FROM cases k WHERE k.child_id = c.id AND k.closed_at IS NULL) \
             ORDER BY c.id LIMIT 1",
                "SELECT id FROM children LIMIT 1",
            ),
        ),
        (
            "investigation",
            pick(
                "SELECT i.id FROM investigations i JOIN users u ON u.agency_id = i.agency_id \
             WHERE u.login = 'prosecutor.osh' ORDER BY i.id LIMIT 1",
                "SELECT id FROM investigations LIMIT 1",
            ),
        ),
        (
            "le_referral",
            pick(
                "SELECT r.id FROM le_referrals r JOIN users u ON u.agency_id = r.agency_id \
             WHERE u.login = 'prosecutor.osh' ORDER BY (r.status = 'sent') DESC, r.id LIMIT 1",
                "SELECT id FROM le_referrals LIMIT 1",
            ),
        ),
        (
            "record",
            pick(
                "SELECT t.id FROM training_records t JOIN users u ON u.id = t.user_id \
             WHERE u.login = 'inspector.osh' LIMIT 1",
                "SELECT id FROM training_records LIMIT 1",
            ),
        ),
        (
            "complaint",
            pick(
                "SELECT c.id FROM school_fee_complaints c JOIN locations l ON l.id = c.location_id \
             WHERE l.path LIKE 'KG/KG-O%' ORDER BY c.id LIMIT 1",
                "SELECT id FROM school_fee_complaints LIMIT 1",
            ),
        ),
        (
            "recommendation",
            pick(
                "SELECT id FROM recommendations ORDER BY id LIMIT 1",
                "SELECT 1::bigint AS id",
            ),
        ),
        ("path", "korgoo.css".to_owned()),
    ]
}

/// Every record the routes could write, row by row (sessions with the
/// searches they keep, known devices, the audit trail with its children
/// seen per reader, and the sign-in counters excepted: reading, searching,
/// signing in and failing to sign in rightly touch those).
fn snapshot(app: &TestApp) -> BTreeMap<String, String> {
    crate::common::table_digests(
        app,
        &[
            "sessions",
            "saved_searches",
            "known_devices",
            "audit_log",
            "audit_children_seen",
        ],
        &["failed_logins", "locked_until", "last_login_at"],
    )
}

/// The POST forms on a page: (action, fields as a browser would send them).
fn forms_on(page: &Page) -> Vec<(String, Fields)> {
    use scraper::Selector;
    let html = page.html();
    let form_sel = Selector::parse("form").unwrap();
    let field_sel = Selector::parse("input[name], select[name], textarea[name]").unwrap();
    let option_sel = Selector::parse("option").unwrap();
    let button_sel = Selector::parse("button[name]").unwrap();
    let mut out = Vec::new();
    for form in html.select(&form_sel) {
        let el = form.value();
        if !el
            .attr("method")
            .is_some_and(|m| m.eq_ignore_ascii_case("post"))
        {
            continue;
        }
        let action = el.attr("action").unwrap_or("").to_owned();
        let mut fields = Vec::new();
        for field in form.select(&field_sel) {
            let f = field.value();
            let name = f.attr("name").unwrap().to_owned();
            let value = match f.name() {
                "textarea" => field.text().collect::<String>(),
                "select" => {
                    let options: Vec<_> = field.select(&option_sel).collect();
                    options
                        .iter()
                        .find(|o| o.value().attr("selected").is_some())
                        .or_else(|| {
                            options
                                .iter()
                                .find(|o| o.value().attr("value").is_some_and(|v| !v.is_empty()))
                        })
                        .and_then(|o| o.value().attr("value"))
                        .unwrap_or("")
                        .to_owned()
                }
                _ => {
                    let kind = f.attr("type").unwrap_or("text");
                    if matches!(kind, "checkbox" | "radio") && f.attr("checked").is_none() {
                        continue;
                    }
                    f.attr("value").unwrap_or("").to_owned()
                }
            };
            fields.push((name, value));
        }
        if let Some(button) = form.select(&button_sel).next() {
            let b = button.value();
            fields.push((
                b.attr("name").unwrap().to_owned(),
                b.attr("value").unwrap_or("").to_owned(),
            ));
        }
        out.push((action, fields));
    }
    out
}

/// The route pattern an action path belongs to.
fn route_of(action: &str) -> Option<&'static str> {
    let path = action.split('?').next().unwrap_or("");
    let parts: Vec<&str> = path.split('/').collect();
    POST_ROUTES.iter().copied().find(|route| {
        let pattern: Vec<&str> = route.split('/').collect();
        pattern.len() == parts.len()
            && pattern.iter().zip(&parts).all(|(p, a)| {
                if p.starts_with('{') {
                    !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit())
                } else {
                    p == a
                }
            })
    })
}

/// A page answered without a server error; the route and input on failure.
fn assert_no_server_error(page: &Page, what: &str) {
    assert!(
        !page.status.is_server_error(),
        "{what} answered {}:\n{}",
        page.status,
        page.body.chars().take(600).collect::<String>()
    );
}

/// The messages a refused form shows where the reader can see them: a
/// field's message or a banner, not inside a folded `<details>` (a message
/// nobody unfolds is a message nobody reads).
pub(crate) fn visible_messages(page: &Page) -> Vec<String> {
    let html = page.html();
    let selector = scraper::Selector::parse(".field-error, .form-error, [role=alert]").unwrap();
    html.select(&selector)
        .filter(|e| {
            !e.ancestors().any(|a| {
                scraper::ElementRef::wrap(a).is_some_and(|d| {
                    d.value().name() == "details" && d.value().attr("open").is_none()
                })
            })
        })
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

fn shorten(body: &str) -> String {
    let short: String = body.chars().take(400).collect();
    if short.len() < body.len() {
        format!("{short}… ({} bytes)", body.len())
    } else {
        short
    }
}

pub(crate) struct Fuzz {
    pub(crate) app: TestApp,
    browsers: BTreeMap<&'static str, TestApp>,
    pub(crate) throwaway: String,
    ids: Vec<(&'static str, String)>,
}

impl Fuzz {
    pub(crate) async fn new() -> Fuzz {
        let app = TestApp::spawn_with(|c| c.login_rate_per_minute = 100_000).await;
        let url = app.db.url.clone();
        actix_web::rt::task::spawn_blocking(move || korgoo::demo::load(&url).unwrap())
            .await
            .unwrap();
        let admin_target = fixtures::user(&app.db.url, Role::CaseWorker, false);
        let admin_target = fixtures::user_id(&mut app.conn(), &admin_target);
        let throwaway = fixtures::user(&app.db.url, Role::CaseWorker, false);
        let mut browsers = BTreeMap::new();
        for actor in ACTORS {
            let b = app.other_browser();
            match *actor {
                "anonymous" => {
                    b.get("/login").await;
                }
                "throwaway" => {
                    let page = b.login(&throwaway, crate::common::PASSWORD).await;
                    assert_eq!(page.status, StatusCode::SEE_OTHER);
                }
                login => {
                    let page = b.login(login, DEMO_PASSWORD).await;
                    assert_eq!(page.status, StatusCode::SEE_OTHER, "{login}");
                }
            }
            browsers.insert(*actor, b);
        }
        let case = case_of_karasuu(&app);
        let made = Made::new(&app, &browsers["inspector.osh"], case).await;
        let ids = ids(&app, admin_target, case, &made);
        Fuzz {
            app,
            browsers,
            throwaway,
            ids,
        }
    }

    pub(crate) fn path(&self, route: &str) -> String {
        // Training is kept per inspector; elsewhere {user} is the admin's
        // throw-away target.
        let route = if route.starts_with("/training") {
            route.replace("{user}", "{inspector}")
        } else {
            route.to_owned()
        };
        fill(&route, &self.ids)
    }

    /// The forms of each POST route, from the pages its actor sees.
    pub(crate) async fn base_forms(&self) -> Forms {
        let mut found = Forms::new();
        // The pages that lead to a new record take what it is for.
        let starts = [
            "/cases/new?child={free_child}",
            "/inspections/new?establishment={establishment}",
        ];
        for (actor, browser) in &self.browsers {
            for route in GET_ROUTES.iter().chain(&starts) {
                let source = self.path(route);
                let page = browser.get(&source).await;
                assert_no_server_error(&page, &format!("GET {source} as {actor}"));
                if page.status != StatusCode::OK {
                    continue;
                }
                for (action, fields) in forms_on(&page) {
                    let Some(target) = route_of(&action) else {
                        continue;
                    };
                    if actor_for(target) == *actor {
                        found
                            .entry(target)
                            .or_default()
                            .push((source.clone(), fields));
                    }
                }
            }
        }
        found
    }

    /// The same form, fresh from its page (after a save moved the version on).
    async fn refresh(
        &self,
        actor: &str,
        target: &str,
        source: &str,
    ) -> Option<Vec<(String, String)>> {
        let page = self.browsers[actor].get(source).await;
        forms_on(&page)
            .into_iter()
            .find(|(action, _)| route_of(action) == Some(target))
            .map(|(_, fields)| fields)
    }
}

/// Routes whose success ends what later routes need (signing out, closing
/// the inspection, merging the child away, deactivating): fuzzed last.
pub(crate) fn finishing(route: &str) -> bool {
    ["logout", "close", "merge", "deactivate", "transfer"]
        .iter()
        .any(|w| route.contains(w))
}

#[actix_web::test]
async fn hostile_forms_never_break_a_handler_or_write_half_a_record() {
    let fuzz = Fuzz::new().await;
    let mut bases = fuzz.base_forms().await;
    let mut routes: Vec<&str> = POST_ROUTES.to_vec();
    routes.sort_by_key(|r| finishing(r));
    let per_route = cases_per_route(24);
    let mut runner = TestRunner::new(Config {
        rng_seed: RngSeed::Fixed(SEED),
        ..Config::default()
    });
    let mut before = snapshot(&fuzz.app);
    let (mut sent, mut saved, mut with_real_form) = (0usize, 0usize, 0usize);
    let mut refused_with_reason = 0usize;
    let mut without_form = Vec::new();
    for route in routes {
        let actor = actor_for(route);
        let browser = &fuzz.browsers[actor];
        let path = fuzz.path(route);
        let mut variants = bases.remove(route).unwrap_or_default();
        if variants.is_empty() {
            // No page offers this form to its actor (e.g. nothing to answer
            // now): the token alone, and what the mutation adds.
            let token = browser.csrf_token().await;
            variants.push((String::new(), vec![("csrf_token".to_owned(), token)]));
            without_form.push(route);
        } else {
            with_real_form += 1;
        }
        let known: Vec<String> = variants
            .iter()
            .flat_map(|(_, f)| f.iter().map(|(n, _)| n.clone()))
            .chain(["id", "version", "step", "csrf_token"].map(str::to_owned))
            .collect();
        let strategy = mutation(known);
        for _ in 0..per_route {
            let m = strategy.new_tree(&mut runner).unwrap().current();
            let which = m.variant % variants.len();
            let body = mutate(&variants[which].1, &m);
            let page = browser.post_body(&path, body.clone()).await;
            sent += 1;
            assert_no_server_error(
                &page,
                &format!("POST {path} as {actor} with {}", shorten(&body)),
            );
            let after = snapshot(&fuzz.app);
            if page.status == StatusCode::SEE_OTHER {
                saved += 1;
                before = after;
                if route == "/logout" {
                    let again = browser
                        .login(&fuzz.throwaway, crate::common::PASSWORD)
                        .await;
                    assert_eq!(again.status, StatusCode::SEE_OTHER);
                }
                // A save moves the record's version on: take the form again.
                let source = variants[which].0.clone();
                if !source.is_empty()
                    && let Some(fresh) = fuzz.refresh(actor, route, &source).await
                {
                    variants[which].1 = fresh;
                }
                if route == "/logout" {
                    let token = browser.csrf_token().await;
                    for (_, fields) in &mut variants {
                        for (name, value) in fields.iter_mut() {
                            if name == "csrf_token" {
                                *value = token.clone();
                            }
                        }
                    }
                }
            } else {
                // Every refusal says why, on the page (issue 18: a stale
                // penalty form answered 422 with no message anywhere).
                if page.status == StatusCode::UNPROCESSABLE_ENTITY {
                    assert!(
                        !visible_messages(&page).is_empty(),
                        "POST {path} as {actor} answered 422 with no visible message; body {}:\n{}",
                        shorten(&body),
                        page.body
                    );
                    refused_with_reason += 1;
                }
                let changed: Vec<&String> = after
                    .iter()
                    .filter(|(t, d)| before.get(*t) != Some(d))
                    .map(|(t, _)| t)
                    .collect();
                assert!(
                    changed.is_empty(),
                    "POST {path} as {actor} was refused ({}) but changed {changed:?}; body {}",
                    page.status,
                    shorten(&body)
                );
            }
        }
    }
    eprintln!(
        "fuzzed {} POST routes ({with_real_form} from their real form): {sent} requests, {saved} saved, {refused_with_reason} refused with the reason shown",
        POST_ROUTES.len()
    );
    assert!(refused_with_reason > 0, "some input was refused as invalid");
    assert_eq!(sent, POST_ROUTES.len() * per_route as usize);
    // Most routes were reached with their real form, not just a token.
    assert!(
        with_real_form * 4 >= POST_ROUTES.len() * 3,
        "only {with_real_form} of {} routes had their form found; not {without_form:?}",
        POST_ROUTES.len()
    );
    assert_eq!(fuzz.app.get("/healthz").await.status, StatusCode::OK);
}

/// Query parameters the pages read, and some they don't.
const PARAMS: &[&str] = &[
    "after",
    "before",
    "cursor",
    "status",
    "year",
    "from",
    "to",
    "period",
    "territory",
    "location",
    "region",
    "agency",
    "unit",
    "q",
    "lang",
    "sector",
    "kind",
    "overdue",
    "mine",
    "next",
    "page",
    "format",
    "id",
];

#[actix_web::test]
async fn hostile_query_strings_never_break_a_page_or_write() {
    let fuzz = Fuzz::new().await;
    let per_route = cases_per_route(12);
    let mut runner = TestRunner::new(Config {
        rng_seed: RngSeed::Fixed(SEED + 1),
        ..Config::default()
    });
    let query = proptest::collection::vec(
        (
            prop_oneof![
                4 => proptest::sample::select(PARAMS.to_vec()).prop_map(str::to_owned),
                1 => "\\PC{1,8}",
            ],
            hostile(),
        ),
        0..5,
    );
    let broken = proptest::option::weighted(
        0.2,
        proptest::sample::select(vec!["%ZZ", "a=%C3%28", "%", "after=%FF%FE", "&&=&"]),
    );
    let before = snapshot(&fuzz.app);
    let mut sent = 0;
    for route in GET_ROUTES {
        // Reports are the official's; the rest as the user whose work the
        // page is (or anonymous), as for the forms.
        let actor = match *route {
            r if r.starts_with("/reports") => "official",
            r if r.starts_with("/public") || r.starts_with("/static") => "anonymous",
            "/training"
            | "/training/inspectors/{user}"
            | "/training/inspectors/{user}/new"
            | "/training/records/{record}/edit" => "head.inspection.osh",
            r => match actor_for(r) {
                "throwaway" | "anonymous" => "worker.karasuu",
                a => a,
            },
        };
        let browser = &fuzz.browsers[actor];
        let path = fuzz.path(route);
        for _ in 0..per_route {
            let pairs = query.new_tree(&mut runner).unwrap().current();
            let raw = broken.new_tree(&mut runner).unwrap().current();
            // Long query strings are cut where a server's header limit would.
            let mut q = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(
                    pairs
                        .iter()
                        .map(|(k, v)| (k.as_str(), &v[..v.floor_char_boundary(2_000)])),
                )
                .finish();
            if let Some(raw) = raw {
                q.push('&');
                q.push_str(raw);
            }
            let target = format!("{path}?{q}");
            let response = browser
                .client
                .get(browser.url(&target))
                .send()
                .await
                .expect("GET");
            sent += 1;
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            assert!(
                !status.is_server_error(),
                "GET {} as {actor} answered {status}:\n{}",
                shorten(&target),
                shorten(&body)
            );
        }
    }
    eprintln!("fuzzed {} GET routes: {sent} requests", GET_ROUTES.len());
    assert_eq!(snapshot(&fuzz.app), before, "a GET wrote a record");
}
