//! Correctness under speed (issue 7): whatever the caches keep, the figures
//! the app serves equal a direct recount from the records, after a random
//! (but seeded, so reproducible) sequence of creates, edits, closures and
//! reopenings, merges of duplicate children, removed violations and
//! cancelled penalties.
//!
//! Every change goes through HTTP as the users make it (a unit's worker and
//! head, a service provider, an inspector, the admin), so the app's own cache
//! invalidation is what keeps the figures fresh. After every write the test
//! reads what the app serves from its caches (the public open data, a staff
//! download and the official's dashboard) and compares each figure with a
//! recount written here as plain SQL over the raw tables. A count of persons
//! the app hides cannot be compared by value: it must be small exactly when
//! shown as "<2", and a hidden one must not be small (and, on the public
//! data, have a small count beside it that it protects). Counts of the
//! state's own actions are exact and always compared. Each round must
//! compare a minimum of figures, so the test cannot pass by comparing none.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;
use std::sync::Mutex;

use chrono::{Days, Months, NaiveDate};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Int4, Nullable, Text};
use korgoo::admin::model::{self as admin, AgencyInput, AgencyKind, Names, ServiceKind};
use korgoo::cases::model::{CaseStatus, ExploitationForm, Sector};
use korgoo::children::model::Sex;
use korgoo::complaints::model::ComplaintStatus;
use korgoo::inspections::forms::InspectionValues;
use korgoo::inspections::model::ViolationKind;
use korgoo::policy::Role;
use korgoo::referrals::model::ReferralStatus;
use korgoo::reports::filter::{FIRST_YEAR, this_year};
use korgoo::reports::handlers::{CRIMINAL_ROWS, LABOR_ROWS, today};
use korgoo::reports::name::AgeBand;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use reqwest::StatusCode;
use rust_decimal::Decimal;

use crate::cases::id_from;
use crate::common::{PASSWORD, Page, TestApp, fixtures};
use crate::indicators::dataset;

/// The lowest threshold the configuration accepts: as many counts as
/// possible are shown, so compared by value.
const THRESHOLD: i64 = 2;

/// Figures compared by value in every round, at the least (calibrated on
/// what the sources publish: the public data alone has seven years of the
/// country and nine regions).
const MIN_PUBLIC: usize = 2000;
const MIN_STAFF: usize = 30;
const MIN_DASHBOARD: usize = 150;
/// Compared figures that are not zero, at the least: the hand-built dataset
/// alone gives the country's 2025 a few.
const MIN_NOT_ZERO: usize = 10;

// ------------------------------------------------------------- operations

/// What an inspector writes on the inspection form.
#[derive(Debug, Clone)]
struct InspectionForm {
    days_ago: u16,
    kind: u8,
    method: u8,
    /// Girls under 14, 14–15, 16–17, then boys.
    bands: [u8; 6],
    /// Per `ViolationKind::ALL`; a 0 removes the violation.
    violations: [u8; 7],
    refer: bool,
}

/// One user action. Indices pick among the records the action applies to
/// (modulo their number), so every sequence stays meaningful.
#[derive(Debug, Clone)]
enum Op {
    /// Register a child and open a case (a unit's worker).
    Open {
        sokuluk: bool,
        forms: Vec<u8>,
        sector: u8,
        girl: bool,
        age: u8,
        consent: bool,
    },
    /// The case's next workflow step (assign, assess, plan, approve, …).
    Advance {
        case: u8,
    },
    /// Correct a case's forms of exploitation and sector.
    Edit {
        case: u8,
        forms: Vec<u8>,
        sector: u8,
    },
    /// Refer the child to a service (the head, when consent is missing).
    Refer {
        case: u8,
        service: u8,
        ends_in: u8,
    },
    /// The provider answers a referral: accept, start, complete; or decline, fail.
    Answer {
        referral: u8,
        well: bool,
    },
    /// A follow-up visit.
    Visit {
        case: u8,
        working: bool,
        school: bool,
        days_ago: u16,
    },
    /// Ask to close, and the head approves.
    Close {
        case: u8,
    },
    /// The head reopens a closed case (closing one first when none is).
    Reopen {
        case: u8,
    },
    /// Refer the case to the police or a prosecutor's office.
    LawEnforcement {
        case: u8,
        agency: u8,
    },
    /// Correct a child's sex and birth date.
    Child {
        child: u8,
        girl: bool,
        age: u8,
    },
    /// The head merges a duplicate child record into another.
    Merge {
        kept: u8,
        merged: u8,
    },
    /// Record an inspection.
    Inspect {
        place: u8,
        form: InspectionForm,
    },
    /// Correct an open inspection (its date, children found, violations).
    Correct {
        inspection: u8,
        form: InspectionForm,
    },
    Penalty {
        inspection: u8,
        som: u32,
    },
    /// Record a payment, or cancel the penalty.
    Collect {
        penalty: u8,
        outcome: u8,
    },
    CloseInspection {
        inspection: u8,
    },
    /// The inspector opens a case for a child found at an inspection.
    Found {
        inspection: u8,
        girl: bool,
        age: u8,
        form: u8,
    },
    /// The admin records an inspector's training…
    Train {
        inspector: u8,
        course: u8,
        days_ago: u16,
    },
    /// …or corrects it.
    Retrain {
        record: u8,
        course: u8,
        days_ago: u16,
    },
}

fn inspection_form() -> impl Strategy<Value = InspectionForm> {
    (
        0..500u16,
        0..5u8,
        0..2u8,
        proptest::array::uniform6(0..3u8),
        proptest::array::uniform7(prop_oneof![3 => Just(0u8), 1 => 1..4u8]),
        prop::bool::weighted(0.3),
    )
        .prop_map(
            |(days_ago, kind, method, bands, violations, refer)| InspectionForm {
                days_ago,
                kind,
                method,
                bands,
                violations,
                refer,
            },
        )
}

fn op() -> impl Strategy<Value = Op> {
    let forms = || proptest::collection::vec(0..6u8, 1..=2);
    prop_oneof![
        4 => (any::<bool>(), forms(), 0..11u8, any::<bool>(), 6..18u8, prop::bool::weighted(0.8))
            .prop_map(|(sokuluk, forms, sector, girl, age, consent)| Op::Open {
                sokuluk, forms, sector, girl, age, consent,
            }),
        5 => any::<u8>().prop_map(|case| Op::Advance { case }),
        2 => (any::<u8>(), forms(), 0..11u8)
            .prop_map(|(case, forms, sector)| Op::Edit { case, forms, sector }),
        4 => (any::<u8>(), 0..8u8, 0..3u8)
            .prop_map(|(case, service, ends_in)| Op::Refer { case, service, ends_in }),
        6 => (any::<u8>(), prop::bool::weighted(0.85))
            .prop_map(|(referral, well)| Op::Answer { referral, well }),
        3 => (any::<u8>(), any::<bool>(), any::<bool>(), 0..400u16)
            .prop_map(|(case, working, school, days_ago)| Op::Visit { case, working, school, days_ago }),
        2 => any::<u8>().prop_map(|case| Op::Close { case }),
        2 => any::<u8>().prop_map(|case| Op::Reopen { case }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(case, agency)| Op::LawEnforcement { case, agency }),
        1 => (any::<u8>(), any::<bool>(), 6..18u8).prop_map(|(child, girl, age)| Op::Child { child, girl, age }),
        2 => (any::<u8>(), any::<u8>()).prop_map(|(kept, merged)| Op::Merge { kept, merged }),
        3 => (any::<u8>(), inspection_form()).prop_map(|(place, form)| Op::Inspect { place, form }),
        2 => (any::<u8>(), inspection_form()).prop_map(|(inspection, form)| Op::Correct { inspection, form }),
        1 => (any::<u8>(), 1..50_000u32).prop_map(|(inspection, som)| Op::Penalty { inspection, som }),
        1 => (any::<u8>(), 0..3u8).prop_map(|(penalty, outcome)| Op::Collect { penalty, outcome }),
        1 => any::<u8>().prop_map(|inspection| Op::CloseInspection { inspection }),
        1 => (any::<u8>(), any::<bool>(), 6..18u8, 0..6u8)
            .prop_map(|(inspection, girl, age, form)| Op::Found { inspection, girl, age, form }),
        1 => (any::<u8>(), 0..6u8, 0..500u16)
            .prop_map(|(inspector, course, days_ago)| Op::Train { inspector, course, days_ago }),
        1 => (any::<u8>(), 0..6u8, 0..500u16)
            .prop_map(|(record, course, days_ago)| Op::Retrain { record, course, days_ago }),
    ]
}

/// The kinds of action the seeded sequences must have carried out, so that
/// a change of the generator cannot quietly stop exercising one.
const MUST_HAPPEN: &[&str] = &[
    "open",
    "advance",
    "edit",
    "refer",
    "start service",
    "visit",
    "close",
    "reopen",
    "merge",
    "inspect",
    "correct inspection",
    "remove violation",
    "impose penalty",
    "cancel penalty",
    "child found",
];

#[test]
fn served_figures_equal_a_recount_after_random_changes() {
    let mut runner = TestRunner::new(Config {
        cases: 4,
        rng_seed: RngSeed::Fixed(0x4b6f_7267),
        failure_persistence: None,
        // Each case starts an app of its own: shrink a little, not for long.
        max_shrink_iters: 24,
        max_shrink_time: 120_000,
        ..Config::default()
    });
    let performed = Mutex::new(BTreeSet::new());
    let outcome = runner.run(&proptest::collection::vec(op(), 8..=14), |ops| {
        actix_web::rt::System::new().block_on(scenario(&ops, &performed));
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
    let performed = performed.into_inner().expect("the set of actions");
    for kind in MUST_HAPPEN {
        assert!(
            performed.contains(kind),
            "no sequence did {kind:?} (did: {performed:?}); change the seed or the weights"
        );
    }
}

async fn scenario(ops: &[Op], performed: &Mutex<BTreeSet<&'static str>>) {
    let scene = Scene::new().await;
    scene.check().await;
    for (i, op) in ops.iter().enumerate() {
        *scene.doing.borrow_mut() = format!("operation {} of {}: {op:?}", i + 1, ops.len());
        for kind in scene.perform(op).await {
            performed.lock().expect("the set of actions").insert(kind);
        }
    }
}

// ------------------------------------------------------------------ world

/// A Child Support Unit and two of its staff, signed in.
struct Unit {
    agency: i64,
    worker: TestApp,
    worker_id: i64,
    head: TestApp,
}

struct Scene {
    /// Signed out: reads the public data.
    app: TestApp,
    official: TestApp,
    admin: TestApp,
    /// The unit of the hand-built dataset (Kara-Suu), then the units serving
    /// Kara-Suu and Sokuluk, where new cases land.
    units: Vec<Unit>,
    /// Service providers (agency, staff signed in): the dataset's centre, and
    /// an NGO offering every service, which new referrals go to.
    providers: Vec<(i64, TestApp)>,
    provider_agency: i64,
    inspector: TestApp,
    /// Inspectors whose training can be recorded.
    inspectors: Vec<i64>,
    /// Establishments (in Kara-Suu, Sokuluk and Alay).
    establishments: Vec<i64>,
    law_enforcement: Vec<i64>,
    karasuu: i32,
    sokuluk: i32,
    /// The regions' English names (the dashboard's row labels) → codes.
    regions: HashMap<String, String>,
    /// The operation under way, for the messages.
    doing: RefCell<String>,
    rounds: Cell<usize>,
    /// Every exact count of persons an earlier release of this scene showed:
    /// (year, territory, figure) → the values.
    released: RefCell<HashMap<(i32, String, String), Vec<Decimal>>>,
    names: Cell<usize>,
}

async fn signed_in(app: &TestApp, login: &str) -> TestApp {
    let browser = app.other_browser();
    let page = browser.login(login, PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "signing in {login}");
    browser
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn days_before(days: u16) -> NaiveDate {
    today() - Days::new(u64::from(days))
}

/// A birth date giving `age` full years today.
fn born(age: u8) -> String {
    date(today() - Months::new(12 * u32::from(age) + 1))
}

fn pick<T: Clone>(list: &[T], i: u8) -> Option<T> {
    (!list.is_empty()).then(|| list[usize::from(i) % list.len()].clone())
}

impl Scene {
    async fn new() -> Scene {
        let app = TestApp::spawn_with(|c| c.suppression_threshold = THRESHOLD).await;
        // History before anyone reads a figure: the hand-built dataset of
        // the indicators' test (2025 and 2026, in Kara-Suu).
        let w = dataset(&app);
        let url = app.db.url.clone();
        let mut conn = app.conn();
        let old_worker: String = korgoo::db::schema::users::table
            .find(w.worker)
            .select(korgoo::db::schema::users::login)
            .first(&mut conn)
            .expect("the dataset's worker");
        let mut units = Vec::new();
        for (agency, worker) in [
            (w.unit, Some(old_worker)),
            (
                fixtures::agency_by_code(&mut conn, "CSU-KG-O-KARASUU"),
                None,
            ),
            (
                fixtures::agency_by_code(&mut conn, "CSU-KG-C-SOKULUK"),
                None,
            ),
        ] {
            let worker =
                worker.unwrap_or_else(|| fixtures::user_in(&url, Role::CaseWorker, agency));
            let head = fixtures::user_in(&url, Role::Supervisor, agency);
            units.push(Unit {
                agency,
                worker_id: fixtures::user_id(&mut conn, &worker),
                worker: signed_in(&app, &worker).await,
                head: signed_in(&app, &head).await,
            });
        }
        let services: Vec<ServiceKind> = ServiceKind::ALL
            .iter()
            .copied()
            .filter(|s| *s != ServiceKind::LawEnforcement)
            .collect();
        let osh = fixtures::location(&mut conn, "KG-O");
        let provider_agency = admin::create_agency(
            &mut conn,
            &AgencyInput {
                kind: AgencyKind::Ngo,
                location_id: osh,
                names: Names {
                    ky: "Үмүт (ky)".into(),
                    ru: "Умут (ru)".into(),
                    en: "Umut".into(),
                },
                contact: String::new(),
                services,
                capacity: None,
                active: true,
            },
        )
        .expect("a provider");
        let mut providers = Vec::new();
        for agency in [w.provider, provider_agency] {
            let login = fixtures::user_in(&url, Role::ServiceProvider, agency);
            providers.push((agency, signed_in(&app, &login).await));
        }
        // An inspector of the whole country records the inspections; one of
        // Osh Region only counts among the inspectors and gets trained.
        let inspection = fixtures::agency_by_code(&mut conn, "LABOR-INSPECTION");
        let inspector = fixtures::user_in(&url, Role::Inspector, inspection);
        let osh_inspector = fixtures::user(&url, Role::Inspector, false);
        let inspectors = vec![
            fixtures::user_id(&mut conn, &inspector),
            fixtures::user_id(&mut conn, &osh_inspector),
        ];
        // Their posts (staff history): the country's inspector from three
        // years back, still in post; the Osh one first at the national
        // office until the middle of last year, then at an office of Osh
        // Region since the start of this year, so the figures move between
        // territories and years.
        let osh_office = fixtures::agency(
            &mut conn,
            korgoo::admin::model::AgencyKind::LaborInspectorate,
            "KG-O",
            "Osh recount inspection office",
        );
        let year = this_year();
        for (user, office, from, to) in [
            (
                inspectors[0],
                inspection,
                format!("{}-01-01", year - 3),
                None,
            ),
            (
                inspectors[1],
                inspection,
                format!("{}-03-01", year - 2),
                Some(format!("{}-06-30", year - 1)),
            ),
            (inspectors[1], osh_office, format!("{year}-01-01"), None),
        ] {
            diesel::sql_query(
                "INSERT INTO inspector_posts (user_id, agency_id, from_on, to_on)
                 VALUES ($1, $2, $3::date, $4::date)",
            )
            .bind::<diesel::sql_types::BigInt, _>(user)
            .bind::<diesel::sql_types::BigInt, _>(office)
            .bind::<diesel::sql_types::Text, _>(from)
            .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(to)
            .execute(&mut conn)
            .expect("a post");
        }
        let official = app.other_browser();
        official.login_as(Role::Official).await;
        official.get("/?lang=en").await;
        let admin = app.other_browser();
        admin.login_as(Role::Admin).await;
        let regions = korgoo::reports::publication::below(&mut conn, "KG")
            .expect("the regions")
            .into_iter()
            .map(|p| (p.names().en, p.code))
            .collect();
        let law_enforcement = ["GPO", "MIA"]
            .map(|code| fixtures::agency_by_code(&mut conn, code))
            .to_vec();
        let scene = Scene {
            official,
            admin,
            units,
            providers,
            provider_agency,
            inspector: signed_in(&app, &inspector).await,
            inspectors,
            establishments: Vec::new(),
            law_enforcement,
            karasuu: fixtures::location(&mut conn, "KG-O-KARASUU"),
            sokuluk: fixtures::location(&mut conn, "KG-C-SOKULUK"),
            regions,
            doing: RefCell::new("setting up".into()),
            rounds: Cell::new(0),
            released: RefCell::new(HashMap::new()),
            names: Cell::new(0),
            app,
        };
        let mut establishments = Vec::new();
        for (code, kind) in [
            ("KG-O-KARASUU", "farm_cotton"),
            ("KG-C-SOKULUK", "construction"),
            ("KG-O-ALAY", "market"),
        ] {
            let place = fixtures::location(&mut conn, code).to_string();
            let page = scene
                .inspector
                .post_form(
                    "/establishments",
                    &[
                        ("name", &format!("Establishment in {code}")),
                        ("kind", kind),
                        ("sector", ""),
                        ("owner", "Асанов Бакыт"),
                        ("tax_number", ""),
                        ("location_id", &place),
                        ("address", "Борбордук көчө 1"),
                    ],
                )
                .await;
            establishments.push(id_from(&page, "/establishments/"));
        }
        Scene {
            establishments,
            ..scene
        }
    }

    fn conn(&self) -> PgConnection {
        self.app.conn()
    }

    fn ids(&self, sql: &str) -> Vec<i64> {
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = BigInt)]
            id: i64,
        }
        diesel::sql_query(sql)
            .load::<Id>(&mut self.conn())
            .unwrap_or_else(|e| panic!("{e}: {sql}"))
            .into_iter()
            .map(|r| r.id)
            .collect()
    }

    fn version(&self, table: &str, id: i64) -> String {
        #[derive(QueryableByName)]
        struct Version {
            #[diesel(sql_type = Int4)]
            version: i32,
        }
        diesel::sql_query(format!("SELECT version FROM {table} WHERE id = {id}"))
            .get_result::<Version>(&mut self.conn())
            .expect("a version")
            .version
            .to_string()
    }

    /// Cases of the units the test works in, matching `condition`.
    fn cases(&self, condition: &str) -> Vec<CaseRow> {
        let units: Vec<String> = self.units.iter().map(|u| u.agency.to_string()).collect();
        diesel::sql_query(format!(
            "SELECT c.id, c.unit_id, c.status, c.assigned_to IS NOT NULL AS assigned,
               c.plan_submitted_by IS NOT NULL AS plan_pending,
               c.closure_requested_reason IS NOT NULL AS closure_pending,
               c.consent_given_by IS NOT NULL AS consent,
               to_char((c.opened_at AT TIME ZONE 'Asia/Bishkek')::date, 'YYYY-MM-DD') AS opened_on,
               c.source, c.risk,
               coalesce(c.consent_given_by, '') AS consent_by,
               coalesce(to_char(c.consent_given_on, 'YYYY-MM-DD'), '') AS consent_on
             FROM cases c WHERE c.unit_id IN ({}) AND ({condition}) ORDER BY c.id",
            units.join(",")
        ))
        .load(&mut self.conn())
        .expect("cases")
    }

    fn unit_of(&self, case: &CaseRow) -> &Unit {
        self.units
            .iter()
            .find(|u| u.agency == case.unit_id)
            .expect("a unit of the test")
    }

    /// The unit that registers and edits children living at `home`.
    fn unit_at(&self, home: i32) -> Option<&Unit> {
        if home == self.karasuu {
            Some(&self.units[1])
        } else if home == self.sokuluk {
            Some(&self.units[2])
        } else {
            None
        }
    }

    fn next_name(&self) -> (&'static str, &'static str) {
        const FAMILY: [&str; 6] = [
            "Асанова",
            "Бакирова",
            "Токтогулова",
            "Осмонова",
            "Жээнбекова",
            "Сыдыкова",
        ];
        const GIVEN: [&str; 5] = ["Айгүл", "Бермет", "Нургүл", "Асель", "Жылдыз"];
        let n = self.names.get();
        self.names.set(n + 1);
        (
            FAMILY[n % FAMILY.len()],
            GIVEN[(n / FAMILY.len()) % GIVEN.len()],
        )
    }

    /// POST as a user would; it must go through, and then every figure
    /// served must equal the recount.
    async fn post(&self, who: &TestApp, path: &str, fields: &[(&str, &str)]) -> Page {
        let page = who.post_form(path, fields).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{}: POST {path} {fields:?} was refused: {}",
            self.doing.borrow(),
            refusal(&page)
        );
        self.check().await;
        page
    }

    /// Carry out one operation; the kinds of action it took (none when
    /// nothing it applies to exists yet).
    async fn perform(&self, op: &Op) -> Vec<&'static str> {
        let forms_of = |forms: &[u8]| -> Vec<&'static str> {
            forms
                .iter()
                .map(|f| ExploitationForm::ALL[usize::from(*f) % 6].as_str())
                .collect()
        };
        match op {
            Op::Open {
                sokuluk,
                forms,
                sector,
                girl,
                age,
                consent,
            } => {
                let (unit, home) = if *sokuluk {
                    (&self.units[2], self.sokuluk)
                } else {
                    (&self.units[1], self.karasuu)
                };
                let child = self.register(unit, home, *girl, *age).await;
                let child = child.to_string();
                let today = date(today());
                let mut fields = vec![
                    ("child", child.as_str()),
                    ("source", "hotline"),
                    ("sector", Sector::ALL[usize::from(*sector)].as_str()),
                    ("risk", "high"),
                    ("narrative", "Works at the market after school."),
                ];
                for f in forms_of(forms) {
                    fields.push(("forms", f));
                }
                if *consent {
                    fields.push(("consent_given_by", "mother"));
                    fields.push(("consent_given_on", &today));
                }
                self.post(&unit.worker, "/cases", &fields).await;
                vec!["open"]
            }
            Op::Advance { case } => {
                let Some(case) = pick(
                    &self.cases("c.status NOT IN ('closed', 'monitoring')"),
                    *case,
                ) else {
                    return vec![];
                };
                let unit = self.unit_of(&case);
                let path = format!("/cases/{}/step", case.id);
                let v = self.version("cases", case.id);
                let worker = unit.worker_id.to_string();
                match case.status.as_str() {
                    "new" if !case.assigned => {
                        self.post(
                            &unit.head,
                            &format!("/cases/{}/assign", case.id),
                            &[("version", &v), ("assignee", &worker)],
                        )
                        .await;
                    }
                    "new" => {
                        self.post(
                            &unit.worker,
                            &path,
                            &[("step", "start_assessment"), ("version", &v)],
                        )
                        .await;
                    }
                    "assessment" => {
                        self.post(
                            &unit.worker,
                            &path,
                            &[
                                ("step", "record_assessment"),
                                ("version", &v),
                                ("assessment", "Works six hours a day."),
                                ("risk", "medium"),
                            ],
                        )
                        .await;
                    }
                    "case_plan" if case.plan_pending => {
                        self.post(
                            &unit.head,
                            &path,
                            &[("step", "approve_plan"), ("version", &v), ("comment", "")],
                        )
                        .await;
                    }
                    "case_plan" => {
                        self.post(
                            &unit.worker,
                            &path,
                            &[
                                ("step", "submit_plan"),
                                ("version", &v),
                                ("plan", "Catch-up classes."),
                            ],
                        )
                        .await;
                    }
                    "in_services" => {
                        self.post(
                            &unit.worker,
                            &path,
                            &[("step", "start_monitoring"), ("version", &v)],
                        )
                        .await;
                    }
                    other => panic!("no next step from {other}"),
                }
                vec!["advance"]
            }
            Op::Edit {
                case,
                forms,
                sector,
            } => {
                let Some(case) = pick(&self.cases("c.status <> 'closed'"), *case) else {
                    return vec![];
                };
                let v = self.version("cases", case.id);
                let mut fields = vec![
                    ("version", v.as_str()),
                    ("source", case.source.as_str()),
                    ("sector", Sector::ALL[usize::from(*sector)].as_str()),
                    ("risk", case.risk.as_str()),
                    ("narrative", "Corrected after a second visit."),
                    ("consent_given_by", case.consent_by.as_str()),
                    ("consent_given_on", case.consent_on.as_str()),
                ];
                for f in forms_of(forms) {
                    fields.push(("forms", f));
                }
                self.post(
                    &self.unit_of(&case).worker,
                    &format!("/cases/{}", case.id),
                    &fields,
                )
                .await;
                vec!["edit"]
            }
            Op::Refer {
                case,
                service,
                ends_in,
            } => {
                let Some(case) = pick(&self.cases("c.status <> 'closed'"), *case) else {
                    return vec![];
                };
                let unit = self.unit_of(&case);
                let v = self.version("cases", case.id);
                let agency = self.provider_agency.to_string();
                let answer_by = date(today() + Days::new(7));
                let planned_end = match ends_in {
                    0 => String::new(),
                    n => date(today() + Days::new(30 * u64::from(*n))),
                };
                let mut fields = vec![
                    ("version", v.as_str()),
                    ("agency_id", agency.as_str()),
                    (
                        "service",
                        ServiceKind::ALL[usize::from(*service) % 8].as_str(),
                    ),
                    ("urgency", "routine"),
                    ("answer_by", answer_by.as_str()),
                    ("planned_end", planned_end.as_str()),
                    ("referral_note", "Needs support."),
                ];
                // Without consent only the head may refer, saying why.
                let who = if case.consent {
                    &unit.worker
                } else {
                    fields.push(("override_reason", "The child is in danger."));
                    &unit.head
                };
                self.post(who, &format!("/cases/{}/referrals", case.id), &fields)
                    .await;
                vec!["refer"]
            }
            Op::Answer { referral, well } => {
                let agencies: Vec<String> =
                    self.providers.iter().map(|(a, _)| a.to_string()).collect();
                let open = self.ids(&format!(
                    "SELECT id FROM referrals WHERE agency_id IN ({})
                       AND status IN ('sent', 'accepted', 'in_service') ORDER BY id",
                    agencies.join(",")
                ));
                let Some(id) = pick(&open, *referral) else {
                    return vec![];
                };
                let status = self.text(&format!(
                    "SELECT status AS t FROM referrals WHERE id = {id}"
                ));
                let agency = self.ids(&format!(
                    "SELECT agency_id AS id FROM referrals WHERE id = {id}"
                ))[0];
                let (_, provider) = self
                    .providers
                    .iter()
                    .find(|(a, _)| *a == agency)
                    .expect("a provider of the test");
                let (step, kind) = match (status.as_str(), *well) {
                    ("sent", true) => ("accept", "accept referral"),
                    ("sent", false) => ("decline", "decline referral"),
                    ("accepted", true) => ("start", "start service"),
                    ("in_service", true) => ("complete", "complete service"),
                    (_, _) => ("fail", "fail service"),
                };
                let v = self.version("referrals", id);
                let note = if *well { "" } else { "The family moved away." };
                self.post(
                    provider,
                    &format!("/referrals/{id}/step"),
                    &[("step", step), ("version", &v), ("note", note)],
                )
                .await;
                vec![kind]
            }
            Op::Visit {
                case,
                working,
                school,
                days_ago,
            } => {
                let Some(case) = pick(
                    &self.cases("c.status IN ('in_services', 'monitoring')"),
                    *case,
                ) else {
                    return vec![];
                };
                let opened = NaiveDate::from_str(&case.opened_on).expect("a date");
                let on = date(days_before(*days_ago).max(opened));
                let v = self.version("cases", case.id);
                let yes_no = |b: bool| if b { "yes" } else { "no" };
                self.post(
                    &self.unit_of(&case).worker,
                    &format!("/cases/{}/follow-ups", case.id),
                    &[
                        ("version", &v),
                        ("visited_on", &on),
                        ("still_working", yes_no(*working)),
                        ("attending_school", yes_no(*school)),
                        ("notes", "At home."),
                    ],
                )
                .await;
                vec!["visit"]
            }
            Op::Close { case } => {
                let Some(case) = pick(&self.cases("c.status <> 'closed'"), *case) else {
                    return vec![];
                };
                self.close(&case).await;
                vec!["close"]
            }
            Op::Reopen { case } => {
                // Closing one first when none is.
                let mut kinds = vec![];
                let closed = self.cases("c.status = 'closed'");
                let case = match pick(&closed, *case) {
                    Some(case) => case,
                    None => {
                        let Some(case) = pick(&self.cases("c.status <> 'closed'"), *case) else {
                            return vec![];
                        };
                        self.close(&case).await;
                        kinds.push("close");
                        case
                    }
                };
                let v = self.version("cases", case.id);
                self.post(
                    &self.unit_of(&case).head,
                    &format!("/cases/{}/step", case.id),
                    &[
                        ("step", "reopen"),
                        ("version", &v),
                        ("comment", "Found working again."),
                    ],
                )
                .await;
                kinds.push("reopen");
                kinds
            }
            Op::LawEnforcement { case, agency } => {
                let Some(case) = pick(&self.cases("c.status <> 'closed'"), *case) else {
                    return vec![];
                };
                // One waiting referral per agency and case.
                let waiting = self.ids(&format!(
                    "SELECT agency_id AS id FROM le_referrals WHERE case_id = {} AND status = 'sent'",
                    case.id
                ));
                let free: Vec<i64> = self
                    .law_enforcement
                    .iter()
                    .copied()
                    .filter(|a| !waiting.contains(a))
                    .collect();
                let Some(agency) = pick(&free, *agency) else {
                    return vec![];
                };
                self.post(
                    &self.unit_of(&case).worker,
                    &format!("/cases/{}/law-enforcement", case.id),
                    &[("le_agency_id", &agency.to_string()), ("le_note", "")],
                )
                .await;
                vec!["refer to law enforcement"]
            }
            Op::Child { child, girl, age } => {
                let children = self.ids(&format!(
                    "SELECT DISTINCT ch.id FROM children ch JOIN cases c ON c.child_id = ch.id
                     WHERE ch.merged_into IS NULL AND ch.home_location_id IN ({}, {}) ORDER BY ch.id",
                    self.karasuu, self.sokuluk
                ));
                let Some(id) = pick(&children, *child) else {
                    return vec![];
                };
                self.edit_child(id, *girl, *age).await;
                vec!["edit child"]
            }
            Op::Merge { kept, merged } => {
                // Two records of children living in the same district.
                let mut done = vec![];
                let homes = if merged % 2 == 0 {
                    [self.karasuu, self.sokuluk]
                } else {
                    [self.sokuluk, self.karasuu]
                };
                for home in homes {
                    let children = self.ids(&format!(
                        "SELECT id FROM children WHERE merged_into IS NULL
                           AND home_location_id = {home} ORDER BY id"
                    ));
                    if children.len() < 2 || !done.is_empty() {
                        continue;
                    }
                    let k = usize::from(*kept) % children.len();
                    let m = (k + 1 + usize::from(*merged) % (children.len() - 1)) % children.len();
                    let (kept, merged) = (children[k], children[m]);
                    let unit = self.unit_at(home).expect("a unit");
                    self.post(
                        &unit.head,
                        &format!("/children/{merged}/merge"),
                        &[
                            ("keep", &kept.to_string()),
                            ("version", &self.version("children", merged)),
                            ("keep_version", &self.version("children", kept)),
                            ("confirm", "yes"),
                        ],
                    )
                    .await;
                    done.push("merge");
                }
                done
            }
            Op::Inspect { place, form } => {
                let establishment = pick(&self.establishments, *place).expect("establishments");
                let fields = self.inspection_fields(establishment, form, 0);
                let fields: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                self.post(&self.inspector, "/inspections", &fields).await;
                vec!["inspect"]
            }
            Op::Correct { inspection, form } => {
                let open = self.ids("SELECT id FROM inspections WHERE status = 'open' ORDER BY id");
                let Some(id) = pick(&open, *inspection) else {
                    return vec![];
                };
                let establishment = self.ids(&format!(
                    "SELECT establishment_id AS id FROM inspections WHERE id = {id}"
                ))[0];
                // Never fewer children than cases already opened for them.
                let opened = self
                    .ids(&format!(
                        "SELECT count(*) AS id FROM cases WHERE inspection_id = {id}"
                    ))
                    .first()
                    .copied()
                    .unwrap_or(0);
                let violations = || {
                    self.ids(&format!(
                        "SELECT count(*) AS id FROM inspection_violations v
                         WHERE v.inspection_id = {id} AND v.count > 0"
                    ))[0]
                };
                let before = self.ids(&format!(
                    "SELECT count(*) AS id FROM inspection_violations v
                     WHERE v.inspection_id = {id} AND v.count > 0
                       AND v.kind NOT IN ({})",
                    kept_violations(&form.violations)
                ))[0];
                let mut fields = self.inspection_fields(establishment, form, opened);
                fields.push(("version".to_owned(), self.version("inspections", id)));
                let fields: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                self.post(&self.inspector, &format!("/inspections/{id}"), &fields)
                    .await;
                let mut kinds = vec!["correct inspection"];
                // Violations recorded before and set to 0 now are gone.
                if before > 0 {
                    assert_eq!(
                        violations(),
                        form.violations.iter().filter(|n| **n > 0).count() as i64
                    );
                    kinds.push("remove violation");
                }
                kinds
            }
            Op::Penalty { inspection, som } => {
                if self.impose(*inspection, *som).await {
                    vec!["impose penalty"]
                } else {
                    vec![]
                }
            }
            Op::Collect { penalty, outcome } => {
                // Imposing one first when none is outstanding.
                let mut kinds = vec![];
                let outstanding = || {
                    self.ids(
                        "SELECT id FROM penalties WHERE status NOT IN ('paid', 'cancelled')
                         ORDER BY id",
                    )
                };
                let mut open = outstanding();
                if open.is_empty() && self.impose(*penalty, 1000 + u32::from(*penalty)).await {
                    kinds.push("impose penalty");
                    open = outstanding();
                }
                let Some(id) = pick(&open, *penalty) else {
                    return kinds;
                };
                let (inspection, imposed, collected) = self.penalty(id);
                let v = self.version("penalties", id);
                let today = date(today());
                let half = (imposed / Decimal::from(2)).round_dp(2);
                // A payment of part or of what is owed, on today's date; or
                // the penalty is cancelled while nothing was paid.
                let (amount, kind) = match outcome {
                    0 if half > collected => (half - collected, "collect part"),
                    2 if collected.is_zero() => {
                        self.post(
                            &self.inspector,
                            &format!("/inspections/{inspection}/penalties/{id}/standing"),
                            &[("version", &v), ("standing", "cancelled")],
                        )
                        .await;
                        kinds.push("cancel penalty");
                        return kinds;
                    }
                    _ => (imposed - collected, "collect all"),
                };
                self.post(
                    &self.inspector,
                    &format!("/inspections/{inspection}/penalties/{id}"),
                    &[
                        ("version", &v),
                        ("collected", &amount.to_string()),
                        ("collected_on", today.as_str()),
                    ],
                )
                .await;
                kinds.push(kind);
                kinds
            }
            Op::CloseInspection { inspection } => {
                let open = self.ids("SELECT id FROM inspections WHERE status = 'open' ORDER BY id");
                let Some(id) = pick(&open, *inspection) else {
                    return vec![];
                };
                let v = self.version("inspections", id);
                self.post(
                    &self.inspector,
                    &format!("/inspections/{id}/close"),
                    &[("version", &v)],
                )
                .await;
                vec!["close inspection"]
            }
            Op::Found {
                inspection,
                girl,
                age,
                form,
            } => {
                let waiting = self.ids(
                    "SELECT i.id FROM inspections i WHERE i.children_found >
                       (SELECT count(*) FROM cases c WHERE c.inspection_id = i.id) ORDER BY i.id",
                );
                let Some(id) = pick(&waiting, *inspection) else {
                    return vec![];
                };
                let home = self.ids(&format!(
                    "SELECT location_id::bigint AS id FROM inspections WHERE id = {id}"
                ))[0]
                    .to_string();
                let (family, given) = self.next_name();
                self.post(
                    &self.inspector,
                    &format!("/inspections/{id}/children"),
                    &[
                        ("family_name", family),
                        ("given_name", given),
                        ("sex", if *girl { "female" } else { "male" }),
                        ("birth_date", &born(*age)),
                        ("age", ""),
                        ("home_location_id", &home),
                        ("school_status", "irregular"),
                        ("forms", ExploitationForm::ALL[usize::from(*form)].as_str()),
                        ("doing", "Carrying bricks."),
                    ],
                )
                .await;
                vec!["child found"]
            }
            Op::Train {
                inspector,
                course,
                days_ago,
            } => {
                let id = pick(&self.inspectors, *inspector).expect("inspectors");
                self.post(
                    &self.admin,
                    &format!("/training/inspectors/{id}"),
                    &[
                        ("course", COURSES[usize::from(*course)]),
                        ("completed_on", &date(days_before(*days_ago))),
                        ("provider", "ILO, Bishkek office"),
                        ("certificate_number", ""),
                        ("hours", ""),
                    ],
                )
                .await;
                vec!["train"]
            }
            Op::Retrain {
                record,
                course,
                days_ago,
            } => {
                let records = self.ids("SELECT id FROM training_records ORDER BY id");
                let Some(id) = pick(&records, *record) else {
                    return vec![];
                };
                let v = self.version("training_records", id);
                self.post(
                    &self.admin,
                    &format!("/training/records/{id}"),
                    &[
                        ("version", &v),
                        ("course", COURSES[usize::from(*course)]),
                        ("completed_on", &date(days_before(*days_ago))),
                        ("provider", "UNICEF"),
                        ("certificate_number", ""),
                        ("hours", ""),
                    ],
                )
                .await;
                vec!["correct training"]
            }
        }
    }

    /// Impose a penalty at an open inspection (picked by `inspection`);
    /// whether there was one.
    async fn impose(&self, inspection: u8, som: u32) -> bool {
        // An inspection (open or closed) with a violation no penalty names.
        let open = self.ids(
            "SELECT DISTINCT i.id FROM inspections i
             JOIN inspection_violations v ON v.inspection_id = i.id
             WHERE i.status <> 'planned' AND NOT EXISTS (SELECT 1 FROM penalty_violations pv
               WHERE pv.inspection_id = v.inspection_id AND pv.kind = v.kind AND NOT pv.cancelled)
             ORDER BY i.id",
        );
        let Some(id) = pick(&open, inspection) else {
            return false;
        };
        let kind = self.text(&format!(
            "SELECT min(v.kind) AS t FROM inspection_violations v WHERE v.inspection_id = {id}
               AND NOT EXISTS (SELECT 1 FROM penalty_violations pv WHERE pv.inspection_id = {id}
                 AND pv.kind = v.kind AND NOT pv.cancelled)"
        ));
        self.post(
            &self.inspector,
            &format!("/inspections/{id}/penalties"),
            &[
                ("legal_basis", "Кодекс о правонарушениях, ст. 117"),
                ("imposed", &format!("{som}.50")),
                ("violations", &kind),
            ],
        )
        .await;
        true
    }

    fn text(&self, sql: &str) -> String {
        #[derive(QueryableByName)]
        struct T {
            #[diesel(sql_type = Text)]
            t: String,
        }
        diesel::sql_query(sql)
            .get_result::<T>(&mut self.conn())
            .unwrap_or_else(|e| panic!("{e}: {sql}"))
            .t
    }

    fn penalty(&self, id: i64) -> (i64, Decimal, Decimal) {
        let row = self.text(&format!(
            "SELECT inspection_id || ' ' || imposed || ' ' || collected AS t FROM penalties WHERE id = {id}"
        ));
        let parts: Vec<&str> = row.split(' ').collect();
        (
            parts[0].parse().expect("an id"),
            Decimal::from_str(parts[1]).expect("an amount"),
            Decimal::from_str(parts[2]).expect("an amount"),
        )
    }

    /// Register a child through the form; its id.
    async fn register(&self, unit: &Unit, home: i32, girl: bool, age: u8) -> i64 {
        let (family, given) = self.next_name();
        let home = home.to_string();
        let page = self
            .post(
                &unit.worker,
                "/children",
                &[
                    ("family_name", family),
                    ("given_name", given),
                    ("patronymic", ""),
                    ("sex", if girl { "female" } else { "male" }),
                    ("birth_date", &born(age)),
                    ("age", ""),
                    ("personal_number", ""),
                    ("guardian_name", "Гүлмира"),
                    ("guardian_contact", ""),
                    ("home_location_id", &home),
                    ("language", "ky"),
                    ("school_status", "irregular"),
                    ("disability", "none"),
                    ("confirmed_new", "yes"),
                ],
            )
            .await;
        id_from(&page, "/children/")
    }

    async fn edit_child(&self, id: i64, girl: bool, age: u8) {
        #[derive(QueryableByName)]
        struct ChildRow {
            #[diesel(sql_type = Text)]
            family_name: String,
            #[diesel(sql_type = Text)]
            given_name: String,
            #[diesel(sql_type = Text)]
            patronymic: String,
            #[diesel(sql_type = Nullable<Text>)]
            personal_number: Option<String>,
            #[diesel(sql_type = Text)]
            guardian_name: String,
            #[diesel(sql_type = Text)]
            guardian_contact: String,
            #[diesel(sql_type = Int4)]
            home_location_id: i32,
            #[diesel(sql_type = Text)]
            language: String,
            #[diesel(sql_type = Text)]
            school_status: String,
            #[diesel(sql_type = Text)]
            disability: String,
        }
        let c: ChildRow = diesel::sql_query(format!(
            "SELECT family_name, given_name, patronymic, personal_number, guardian_name,
               guardian_contact, home_location_id, language, school_status, disability
             FROM children WHERE id = {id}"
        ))
        .get_result(&mut self.conn())
        .expect("a child");
        let unit = self.unit_at(c.home_location_id).expect("a unit");
        let home = c.home_location_id.to_string();
        self.post(
            &unit.worker,
            &format!("/children/{id}"),
            &[
                ("version", &self.version("children", id)),
                ("family_name", &c.family_name),
                ("given_name", &c.given_name),
                ("patronymic", &c.patronymic),
                ("sex", if girl { "female" } else { "male" }),
                ("birth_date", &born(age)),
                ("age", ""),
                (
                    "personal_number",
                    c.personal_number.as_deref().unwrap_or(""),
                ),
                ("guardian_name", &c.guardian_name),
                ("guardian_contact", &c.guardian_contact),
                ("home_location_id", &home),
                ("language", &c.language),
                ("school_status", &c.school_status),
                ("disability", &c.disability),
                ("confirmed_new", "yes"),
            ],
        )
        .await;
    }

    /// The worker asks to close (a reason that needs only a note), the head
    /// approves.
    async fn close(&self, case: &CaseRow) {
        let unit = self.unit_of(case);
        let path = format!("/cases/{}/step", case.id);
        if !case.closure_pending {
            let v = self.version("cases", case.id);
            self.post(
                &unit.worker,
                &path,
                &[
                    ("step", "request_closure"),
                    ("version", &v),
                    ("closure_reason", "other"),
                    ("closure_note", "The family moved to Russia."),
                ],
            )
            .await;
        }
        let v = self.version("cases", case.id);
        self.post(
            &unit.head,
            &path,
            &[
                ("step", "approve_closure"),
                ("version", &v),
                ("comment", ""),
            ],
        )
        .await;
    }

    /// The inspection form's fields; at least `children` children found.
    fn inspection_fields(
        &self,
        establishment: i64,
        form: &InspectionForm,
        children: i64,
    ) -> Vec<(String, String)> {
        const BANDS: [&str; 6] = [
            "girls_under_14",
            "girls_14_15",
            "girls_16_17",
            "boys_under_14",
            "boys_14_15",
            "boys_16_17",
        ];
        let mut bands = form.bands.map(i64::from);
        let total: i64 = bands.iter().sum();
        bands[0] += (children - total).max(0);
        let mut fields: Vec<(String, String)> = [
            ("establishment_id", establishment.to_string()),
            ("visited_on", date(days_before(form.days_ago))),
            (
                "kind",
                [
                    "routine",
                    "unannounced",
                    "complaint",
                    "follow_up",
                    "joint_police",
                ][usize::from(form.kind)]
                .to_owned(),
            ),
            (
                "method",
                ["worksite", "desk_review"][usize::from(form.method)].to_owned(),
            ),
            ("children_found", bands.iter().sum::<i64>().to_string()),
            (
                "law_enforcement_id",
                if form.refer {
                    self.law_enforcement[1].to_string()
                } else {
                    String::new()
                },
            ),
            ("notes", "Children at work during school hours.".to_owned()),
            ("follow_up_on", String::new()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        for (field, n) in BANDS.iter().zip(bands) {
            fields.push(((*field).to_owned(), n.to_string()));
        }
        for (kind, n) in ViolationKind::ALL.iter().zip(form.violations) {
            fields.push((InspectionValues::field_of(kind), n.to_string()));
        }
        fields
    }
}

/// The violation kinds a form keeps (a count above 0), quoted for SQL.
fn kept_violations(counts: &[u8; 7]) -> String {
    ViolationKind::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| **n > 0)
        .map(|(k, _)| format!("'{}'", k.as_str()))
        .chain(["''".to_owned()])
        .collect::<Vec<_>>()
        .join(", ")
}

const COURSES: [&str; 6] = [
    "forced_child_labor",
    "worst_forms",
    "hazardous_work_list",
    "labor_inspection_methods",
    "child_rights",
    "other",
];

/// Why a form was refused: the messages by its fields.
fn refusal(page: &Page) -> String {
    let html = page.html();
    let sel = scraper::Selector::parse("[id$='-error'], .flash, #stale, #conflict").expect("css");
    let messages: Vec<String> = html
        .select(&sel)
        .map(|e| {
            format!(
                "{}: {}",
                e.value().id().unwrap_or("?"),
                e.text().collect::<String>().trim()
            )
        })
        .collect();
    if messages.is_empty() {
        format!(
            "{} {}",
            page.status,
            page.body.chars().take(400).collect::<String>()
        )
    } else {
        format!("{} {}", page.status, messages.join("; "))
    }
}

#[derive(QueryableByName, Clone)]
struct CaseRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    unit_id: i64,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Bool)]
    assigned: bool,
    #[diesel(sql_type = Bool)]
    plan_pending: bool,
    #[diesel(sql_type = Bool)]
    closure_pending: bool,
    #[diesel(sql_type = Bool)]
    consent: bool,
    #[diesel(sql_type = Text)]
    opened_on: String,
    #[diesel(sql_type = Text)]
    source: String,
    #[diesel(sql_type = Text)]
    risk: String,
    #[diesel(sql_type = Text)]
    consent_by: String,
    #[diesel(sql_type = Text)]
    consent_on: String,
}

// ------------------------------------------------------ what the app serves

/// A figure as served.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shown {
    Number(Decimal),
    /// "<2".
    Small,
    /// Hidden beside a small count.
    Hidden,
    /// Nothing to show (a share of a hidden count, no staff recorded).
    Blank,
}

fn shown(text: &str) -> Shown {
    let t = text.trim();
    match t {
        "" | "—" | "none" => Shown::Blank,
        "suppressed" | "hidden" => Shown::Hidden,
        _ if t == format!("<{THRESHOLD}") => Shown::Small,
        _ => {
            let digits: String = t
                .replace("KGS", "")
                .chars()
                .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}'))
                .collect();
            Shown::Number(
                Decimal::from_str(&digits)
                    .unwrap_or_else(|_| panic!("an unreadable figure: {t:?}")),
            )
        }
    }
}

/// How a figure is published, which decides how it is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The state's actions and amounts: exact, always.
    Exact,
    /// Recorded as such (may be absent).
    Recorded,
    /// Counts of persons (and the staff tables protected like them).
    Protected,
    /// Shares and medians of counts of persons.
    Derived,
}

fn kind_of(name: &str) -> Kind {
    if name == "prosecutor_staff" {
        Kind::Recorded
    } else if name.starts_with("share_") || name.starts_with("median_") {
        Kind::Derived
    } else if name.starts_with("children_")
        || name.starts_with("cases")
        || name.starts_with("referrals")
    {
        Kind::Protected
    } else {
        Kind::Exact
    }
}

/// The kind a download names.
fn kind_named(kind: &str) -> Kind {
    match kind {
        "actions" | "money" => Kind::Exact,
        "persons" => Kind::Protected,
        "derived" => Kind::Derived,
        "recorded" => Kind::Recorded,
        other => panic!("a kind {other:?}"),
    }
}

#[derive(Debug, Clone)]
struct Served {
    source: &'static str,
    year: i32,
    code: String,
    name: String,
    kind: Kind,
    shown: Shown,
}

impl Scene {
    async fn served(&self) -> Vec<Served> {
        let mut out = self.public_data().await;
        out.extend(self.staff_download().await);
        out.extend(self.dashboard().await);
        out
    }

    /// The open data of a release made now, read signed out.
    async fn public_data(&self) -> Vec<Served> {
        self.app.publish_figures();
        let response = self
            .app
            .client
            .get(self.app.url("/public/data.json"))
            .send()
            .await
            .expect("GET /public/data.json");
        assert_eq!(response.status(), StatusCode::OK);
        let json: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(json["suppression_threshold"], THRESHOLD);
        json["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| {
                let name = r["figure"].as_str().expect("a figure").to_owned();
                let kind = kind_named(r["kind"].as_str().expect("a kind"));
                let shown = match &r["value"] {
                    serde_json::Value::Null => Shown::Blank,
                    serde_json::Value::String(s) => shown(s),
                    serde_json::Value::Number(n) => shown(&n.to_string()),
                    other => panic!("a value {other}"),
                };
                Served {
                    source: "public data",
                    year: r["year"].as_i64().expect("a year") as i32,
                    code: r["territory"].as_str().expect("a territory").to_owned(),
                    name,
                    kind,
                    shown,
                }
            })
            .collect()
    }

    /// The official's download of Kara-Suu's report this year.
    async fn staff_download(&self) -> Vec<Served> {
        let page = self
            .official
            .get(&format!(
                "/reports/enforcement.csv?year={}&territory={}",
                this_year(),
                self.karasuu
            ))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        page.body
            .lines()
            .skip(1)
            .map(|line| {
                // The open data's five columns, then the label in the
                // reader's language.
                let cols: Vec<&str> = line.split(',').collect();
                assert!(cols.len() >= 6, "{line}");
                Served {
                    source: "staff download",
                    year: cols[0].parse().expect("a year"),
                    code: cols[1].rsplit('/').next().expect("a code").to_owned(),
                    name: cols[2].to_owned(),
                    kind: kind_named(cols[3]),
                    shown: shown(cols[4]),
                }
            })
            .collect()
    }

    /// The official's dashboard of the country this year: cards, sections,
    /// trends, the territories below and every table.
    async fn dashboard(&self) -> Vec<Served> {
        let year = this_year();
        let page = self
            .official
            .get(&format!("/reports/dashboard?year={year}&territory="))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let html = page.html();
        let mut out = Vec::new();
        let mut add = |year: i32, code: &str, name: String, text: &str| {
            out.push(Served {
                source: "dashboard",
                year,
                code: code.to_owned(),
                kind: kind_of(&name),
                name,
                shown: shown(text),
            });
        };
        let text = |e: scraper::ElementRef| e.text().collect::<String>();
        let cards = scraper::Selector::parse(".card-value[id^='k-']").expect("css");
        for e in html.select(&cards) {
            let name = e.value().id().expect("an id")["k-".len()..].to_owned();
            add(year, "KG", name, &text(e));
        }
        for (_, names) in LABOR_ROWS.iter().chain(CRIMINAL_ROWS) {
            let sel = scraper::Selector::parse(&format!("#f-{}", names[0])).expect("css");
            let cell = html.select(&sel).next().map(text).expect("a section row");
            let parts: Vec<&str> = cell.split(" · ").collect();
            assert_eq!(parts.len(), names.len(), "{cell}");
            for (name, part) in names.iter().zip(parts) {
                add(year, "KG", name.to_string(), part);
            }
        }
        // A table's rows (label, cells) and its total row.
        let rows = |id: &str| -> (Vec<(String, Vec<String>)>, Vec<String>) {
            let table = scraper::Selector::parse(&format!("table#{id}")).expect("css");
            let tr = scraper::Selector::parse("tbody tr").expect("css");
            let th = scraper::Selector::parse("th").expect("css");
            let td = scraper::Selector::parse("td").expect("css");
            let foot = scraper::Selector::parse("tfoot td").expect("css");
            let Some(table) = html.select(&table).next() else {
                return (vec![], vec![]);
            };
            let body = table
                .select(&tr)
                .map(|row| {
                    let label = row.select(&th).next().map(text).unwrap_or_default();
                    (label, row.select(&td).map(text).collect())
                })
                .collect();
            (body, table.select(&foot).map(text).collect())
        };
        // A table with a total column and row: its cells by name.
        let mut cross = |id: &str,
                         rows_named: &[String],
                         cols_named: &[String],
                         cell: &dyn Fn(&str, &str) -> String,
                         row_total: &dyn Fn(&str) -> String,
                         col_total: &dyn Fn(&str) -> String,
                         grand: &str| {
            let (body, foot) = rows(id);
            assert_eq!(body.len(), rows_named.len(), "rows of #{id}");
            for ((_, cells), r) in body.iter().zip(rows_named) {
                for (c, text) in cols_named.iter().zip(cells) {
                    add(year, "KG", cell(r, c), text);
                }
                if cells.len() > cols_named.len() {
                    add(year, "KG", row_total(r), &cells[cols_named.len()]);
                }
            }
            for (c, text) in cols_named.iter().zip(&foot) {
                add(year, "KG", col_total(c), text);
            }
            if foot.len() > cols_named.len() {
                add(year, "KG", grand.to_owned(), &foot[cols_named.len()]);
            }
        };
        let strs = |all: Vec<&str>| all.into_iter().map(str::to_owned).collect::<Vec<_>>();
        let forms = strs(ExploitationForm::ALL.iter().map(|f| f.as_str()).collect());
        let services = strs(
            ServiceKind::ALL
                .iter()
                .filter(|s| **s != ServiceKind::LawEnforcement)
                .map(|s| s.as_str())
                .collect(),
        );
        cross(
            "assistance",
            &forms,
            &services,
            &|f, s| format!("children_assisted_{f}_{s}"),
            &|f| format!("children_assisted_{f}"),
            &|s| format!("children_assisted_service_{s}"),
            "children_assisted",
        );
        cross(
            "referrals",
            &strs(ServiceKind::ALL.iter().map(|s| s.as_str()).collect()),
            &strs(ReferralStatus::ALL.iter().map(|s| s.as_str()).collect()),
            &|s, st| format!("referrals_{s}_{st}"),
            &|s| format!("referrals_{s}"),
            &|st| format!("referrals_status_{st}"),
            "referrals",
        );
        cross(
            "follow-ups",
            &strs(vec!["still_working", "withdrawn"]),
            &strs(vec!["at_school", "out_of_school"]),
            &|w, s| format!("children_{w}_{s}"),
            &|w| format!("children_{w}"),
            &|s| format!("children_followed_up_{s}"),
            "children_followed_up",
        );
        // One column with a total.
        let lists: [(&str, Vec<String>, &str); 7] = [
            (
                "by-form",
                forms
                    .iter()
                    .map(|f| format!("children_identified_{f}"))
                    .collect(),
                "children_identified",
            ),
            (
                "by-sector",
                Sector::ALL
                    .iter()
                    .map(|s| format!("children_identified_sector_{}", s.as_str()))
                    .collect(),
                "children_identified",
            ),
            (
                "by-sex",
                Sex::ALL
                    .iter()
                    .map(|s| format!("children_identified_{}", s.as_str()))
                    .collect(),
                "children_identified",
            ),
            (
                "by-age",
                AgeBand::ALL
                    .iter()
                    .map(|b| format!("children_identified_age_{b}"))
                    .collect(),
                "children_identified",
            ),
            (
                "by-status",
                CaseStatus::ALL
                    .iter()
                    .map(|s| format!("cases_{}", s.as_str()))
                    .collect(),
                "cases",
            ),
            (
                "violations-by-kind",
                ViolationKind::ALL
                    .iter()
                    .map(|k| format!("violations_{}", k.as_str()))
                    .collect(),
                "child_labor_violations",
            ),
            (
                "complaints-by-status",
                ComplaintStatus::ALL
                    .iter()
                    .map(|s| format!("complaints_{}", s.as_str()))
                    .collect(),
                "school_fee_complaints",
            ),
        ];
        for (id, names, total) in lists {
            let (body, foot) = rows(id);
            if id == "by-status" && body.is_empty() {
                // Shown only when the children identified are.
                continue;
            }
            assert_eq!(body.len(), names.len(), "rows of #{id}");
            for ((_, cells), name) in body.iter().zip(&names) {
                add(year, "KG", name.clone(), &cells[0]);
            }
            add(year, "KG", total.to_owned(), &foot[0]);
        }
        // Trends: a row per year.
        let (trend, _) = rows("trend");
        assert!(!trend.is_empty(), "the trend table");
        for (label, cells) in trend {
            let y: i32 = label.trim().parse().expect("a year");
            let names = [
                "inspections",
                "child_labor_violations",
                "investigations",
                "prosecutions_initiated",
                "convictions",
                "children_identified",
                "children_assisted",
            ];
            assert_eq!(cells.len(), names.len());
            for (name, cell) in names.iter().zip(&cells) {
                add(y, "KG", (*name).to_owned(), cell);
            }
        }
        // The territories below: a row per region, linked by its id.
        let (territories, foot) = rows("territories");
        assert_eq!(territories.len(), self.regions.len(), "a row per region");
        let names = [
            "children_identified",
            "children_assisted",
            "inspections",
            "child_labor_violations",
            "investigations",
        ];
        for (label, cells) in territories {
            let code = self.regions.get(label.trim()).expect("a region").clone();
            for (name, cell) in names.iter().zip(&cells) {
                add(year, &code, (*name).to_owned(), cell);
            }
        }
        for (name, cell) in names.iter().zip(&foot) {
            add(year, "KG", (*name).to_owned(), cell);
        }
        out
    }
}

// ---------------------------------------------------------------- recount

/// Exact values by (year, territory code), then by figure.
type Recount = HashMap<(i32, String), HashMap<String, Option<Decimal>>>;

#[derive(QueryableByName)]
struct Recounted {
    #[diesel(sql_type = Int4)]
    year: i32,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    value: Option<String>,
}

/// The recount: plain SQL over the raw tables, for every year since 2020 of
/// the country and each region, and Kara-Suu this year. Years are calendar
/// years in Bishkek; a territory holds its whole subtree.
fn recount(conn: &mut PgConnection) -> Recount {
    let this = this_year();
    let here = |a: &str| format!("({a}.path = s.path OR starts_with({a}.path, s.path || '/'))");
    let mut figures: Vec<(String, String)> = Vec::new();
    let mut add = |name: String, sql: String| figures.push((name, sql));

    // Children identified: cases whose child was identified in the year,
    // each child once.
    let identified = |cond: &str| {
        format!(
            "(SELECT count(DISTINCT c.child_id) FROM cs c WHERE c.year = s.year AND {} {cond})",
            here("c")
        )
    };
    add("children_identified".into(), identified(""));
    for f in ExploitationForm::ALL {
        let f = f.as_str();
        add(
            format!("children_identified_{f}"),
            identified(&format!("AND '{f}' = ANY(c.forms)")),
        );
    }
    for s in Sector::ALL {
        let s = s.as_str();
        add(
            format!("children_identified_sector_{s}"),
            identified(&format!("AND c.sector = '{s}'")),
        );
    }
    for s in Sex::ALL {
        let s = s.as_str();
        add(
            format!("children_identified_{s}"),
            identified(&format!("AND c.sex = '{s}'")),
        );
    }
    for (band, cond) in AgeBand::ALL.iter().zip([
        "AND c.age < 14",
        "AND c.age IN (14, 15)",
        "AND c.age IN (16, 17)",
        "AND c.age >= 18",
    ]) {
        add(format!("children_identified_age_{band}"), identified(cond));
    }
    let csec = "AND 'commercial_sexual_exploitation' = ANY(c.forms)";
    add("children_csec_identified".into(), identified(csec));
    add(
        "children_csec_recorded_as_victims".into(),
        identified(&format!("{csec} AND c.child_is_victim")),
    );
    let street = "AND (c.sector = 'street_work' OR 'forced_begging' = ANY(c.forms))";
    add("children_street_identified".into(), identified(street));
    for (name, services) in [
        ("education", "'catch_up_education', 'school_enrolment'"),
        ("medical", "'medical'"),
        (
            "social",
            "'psychosocial', 'shelter', 'family_support', 'rehabilitation', 'legal_aid'",
        ),
    ] {
        add(
            format!("children_street_with_{name}_service"),
            identified(&format!(
                "{street} AND EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = c.id
                   AND r.status IN ('in_service', 'completed') AND r.service IN ({services})
                   AND extract(year FROM r.started_on)::int <= s.year)"
            )),
        );
    }
    add(
        "children_received_service".into(),
        identified(
            "AND EXISTS (SELECT 1 FROM served x WHERE x.case_id = c.id AND x.year <= s.year)",
        ),
    );
    add(
        "median days".into(),
        format!(
            "(SELECT round((percentile_cont(0.5) WITHIN GROUP
                 (ORDER BY greatest(q.first - q.identified_on, 0)))::numeric, 6)
              FROM (SELECT c.identified_on,
                      (SELECT min(x.started_on) FROM served x WHERE x.case_id = c.id
                         AND x.year <= s.year) AS first
                    FROM cs c WHERE c.year = s.year AND {}) q
              WHERE q.first IS NOT NULL)",
            here("c")
        ),
    );

    // Children assisted: a service started in the year.
    let assisted = |cond: &str| {
        format!(
            "(SELECT count(DISTINCT x.child_id) FROM served x WHERE x.year = s.year AND {} {cond})",
            here("x")
        )
    };
    add("children_assisted".into(), assisted(""));
    let services: Vec<&str> = ServiceKind::ALL
        .iter()
        .filter(|s| **s != ServiceKind::LawEnforcement)
        .map(|s| s.as_str())
        .collect();
    for f in ExploitationForm::ALL {
        let f = f.as_str();
        let form = format!("AND '{f}' = ANY(x.forms)");
        add(format!("children_assisted_{f}"), assisted(&form));
        for s in &services {
            add(
                format!("children_assisted_{f}_{s}"),
                assisted(&format!("{form} AND x.service = '{s}'")),
            );
        }
    }
    for s in &services {
        add(
            format!("children_assisted_service_{s}"),
            assisted(&format!("AND x.service = '{s}'")),
        );
    }

    // The latest follow-up visit of the year of each case.
    let visited = |cond: &str| {
        format!(
            "(SELECT count(DISTINCT v.child_id) FROM latest v WHERE v.year = s.year AND {} {cond})",
            here("v")
        )
    };
    add("children_followed_up".into(), visited(""));
    let working = [
        ("still_working", "AND v.still_working"),
        ("withdrawn", "AND NOT v.still_working"),
    ];
    let school = [
        ("at_school", "AND v.attending_school"),
        ("out_of_school", "AND NOT v.attending_school"),
    ];
    for (w, wc) in working {
        add(format!("children_{w}"), visited(wc));
        for (s, sc) in school {
            add(format!("children_{w}_{s}"), visited(&format!("{wc} {sc}")));
        }
    }
    for (s, sc) in school {
        add(format!("children_followed_up_{s}"), visited(sc));
    }
    add(
        "children_referrals_overdue".into(),
        format!(
            "(SELECT count(*) FROM referrals r JOIN cs c ON c.id = r.case_id WHERE {}
               AND ((r.status = 'sent' AND r.answer_by < today.d)
                 OR (r.status IN ('accepted', 'in_service') AND r.planned_end < today.d)))",
            here("c")
        ),
    );
    add(
        "children_referred_to_law_enforcement".into(),
        format!(
            "(SELECT count(*) FROM le_referrals r JOIN cs c ON c.id = r.case_id
              WHERE extract(year FROM r.sent_on)::int = s.year AND {})",
            here("c")
        ),
    );
    add(
        "children_referred_to_social_services".into(),
        format!(
            "(SELECT count(*) FROM investigation_events e JOIN inv v ON v.id = e.investigation_id
              JOIN cs c ON c.id = (e.details->>'case_id')::bigint
              WHERE e.kind = 'victim_referred' AND c.year = s.year AND {})",
            here("v")
        ),
    );

    // The state's actions.
    // Inspectors: people whose post (in an office of the territory) covers
    // any day of the year; on its last day; trained among them.
    let posts = |cond: &str| {
        format!(
            "(SELECT count(DISTINCT p.user_id) FROM inspector_posts p
              JOIN agencies a ON a.id = p.agency_id JOIN locations l ON l.id = a.location_id
              WHERE {} {cond})",
            here("l")
        )
    };
    let in_year = "AND extract(year FROM p.from_on)::int <= s.year
                   AND coalesce(extract(year FROM p.to_on)::int, 9999) >= s.year";
    add("labor_inspectors".into(), posts(in_year));
    add(
        "labor_inspectors_on_last_day".into(),
        posts(
            "AND p.from_on <= make_date(s.year, 12, 31)
             AND coalesce(p.to_on, 'infinity') >= make_date(s.year, 12, 31)",
        ),
    );
    add(
        "inspectors_trained_forced_child_labor".into(),
        posts(&format!(
            "{in_year} AND EXISTS (SELECT 1 FROM training_records t
               WHERE t.user_id = p.user_id AND t.course = 'forced_child_labor'
                 AND extract(year FROM t.completed_on)::int = s.year)"
        )),
    );
    let inspections = |cond: &str| {
        format!(
            "(SELECT count(*) FROM insp i WHERE i.year = s.year AND {} {cond})",
            here("i")
        )
    };
    for (name, cond) in [
        ("inspections", ""),
        ("inspections_at_worksite", "AND i.method = 'worksite'"),
        ("inspections_desk_review", "AND i.method = 'desk_review'"),
        ("inspections_routine", "AND i.kind = 'routine'"),
        ("inspections_unannounced", "AND i.kind = 'unannounced'"),
        ("inspections_complaint_driven", "AND i.kind = 'complaint'"),
        (
            "inspections_finding_child_labor",
            "AND i.children_found > 0",
        ),
        (
            "inspections_referred_to_law_enforcement",
            "AND i.law_enforcement_id IS NOT NULL",
        ),
    ] {
        add(name.into(), inspections(cond));
    }
    let violations = |cond: &str| {
        format!(
            "(SELECT coalesce(sum(v.count), 0) FROM inspection_violations v
              JOIN insp i ON i.id = v.inspection_id WHERE i.year = s.year AND {} {cond})",
            here("i")
        )
    };
    add("child_labor_violations".into(), violations(""));
    add(
        "inspections_planned".into(),
        format!(
            "(SELECT count(*) FROM planned i WHERE i.year = s.year AND {})",
            here("i")
        ),
    );
    // Penalties by the day decided, in the territory of the visit, whatever
    // the visit's year; payments by the day paid.
    let penalties = |what: &str, day: &str, cond: &str| {
        format!(
            "(SELECT {what} FROM penalties p JOIN inspections pi ON pi.id = p.inspection_id
              JOIN locations l ON l.id = pi.location_id
              WHERE p.status <> 'cancelled' AND extract(year FROM {day})::int = s.year
                AND {} {cond})",
            here("l")
        )
    };
    add(
        "violations_penalised".into(),
        penalties(
            "coalesce(sum((SELECT sum(v.count) FROM penalty_violations pv
               JOIN inspection_violations v ON v.inspection_id = pv.inspection_id AND v.kind = pv.kind
               WHERE pv.penalty_id = p.id)), 0)",
            "p.decided_on",
            "",
        ),
    );
    add(
        "penalties_imposed".into(),
        penalties("count(*)", "p.decided_on", ""),
    );
    add(
        "penalties_imposed_kgs".into(),
        penalties("coalesce(sum(p.imposed), 0)", "p.decided_on", ""),
    );
    add(
        "penalties_collected".into(),
        penalties("count(*)", "p.collected_on", "AND p.status = 'paid'"),
    );
    add(
        "penalties_collected_kgs".into(),
        format!(
            "(SELECT coalesce(sum(pp.amount), 0) FROM penalty_payments pp
              JOIN penalties p ON p.id = pp.penalty_id
              JOIN inspections pi ON pi.id = p.inspection_id
              JOIN locations l ON l.id = pi.location_id
              WHERE extract(year FROM pp.paid_on)::int = s.year AND {})",
            here("l")
        ),
    );
    add(
        "school_fee_complaints".into(),
        format!(
            "(SELECT count(*) FROM school_fee_complaints f JOIN locations l ON l.id = f.location_id
              WHERE extract(year FROM f.charged_on)::int = s.year AND {})",
            here("l")
        ),
    );
    let investigations = |what: &str, day: &str, cond: &str| {
        format!(
            "(SELECT {what} FROM inv v WHERE extract(year FROM v.{day})::int = s.year AND {} {cond})",
            here("v")
        )
    };
    add(
        "investigations".into(),
        investigations("count(*)", "opened_on", ""),
    );
    add(
        "prosecutions_initiated".into(),
        investigations("count(*)", "in_court_on", ""),
    );
    for (name, stage) in [
        ("convictions", "convicted"),
        ("acquittals", "acquitted"),
        ("dismissed", "dismissed"),
    ] {
        add(
            name.into(),
            investigations(
                "count(*)",
                "decided_on",
                &format!("AND v.stage = '{stage}'"),
            ),
        );
    }
    add(
        "prison_sentences".into(),
        investigations(
            "count(*)",
            "decided_on",
            "AND v.stage = 'convicted' AND v.prison_months > 0",
        ),
    );
    add(
        "fines_imposed_kgs".into(),
        investigations(
            "coalesce(sum(v.fine), 0)",
            "decided_on",
            "AND v.stage = 'convicted'",
        ),
    );
    add(
        "prosecutor_staff".into(),
        format!(
            "(SELECT sum(p.staff) FROM prosecutor_staff p JOIN agencies a ON a.id = p.agency_id
              JOIN locations l ON l.id = a.location_id WHERE p.year = s.year AND {})",
            here("l")
        ),
    );

    // What only the dashboard shows (the country this year).
    let mut dashboard: Vec<(String, String)> = Vec::new();
    let cases = |cond: &str| {
        format!(
            "(SELECT count(*) FROM cs c WHERE c.year = s.year AND {} {cond})",
            here("c")
        )
    };
    dashboard.push(("cases".into(), cases("")));
    for st in CaseStatus::ALL {
        let st = st.as_str();
        dashboard.push((
            format!("cases_{st}"),
            cases(&format!("AND c.status = '{st}'")),
        ));
    }
    let sent = |cond: &str| {
        format!(
            "(SELECT count(*) FROM referrals r JOIN cs c ON c.id = r.case_id
              WHERE extract(year FROM r.sent_at AT TIME ZONE 'Asia/Bishkek')::int = s.year
                AND {} {cond})",
            here("c")
        )
    };
    dashboard.push(("referrals".into(), sent("")));
    for sv in ServiceKind::ALL {
        let sv = sv.as_str();
        dashboard.push((
            format!("referrals_{sv}"),
            sent(&format!("AND r.service = '{sv}'")),
        ));
        for st in ReferralStatus::ALL {
            let st = st.as_str();
            dashboard.push((
                format!("referrals_{sv}_{st}"),
                sent(&format!("AND r.service = '{sv}' AND r.status = '{st}'")),
            ));
        }
    }
    for st in ReferralStatus::ALL {
        let st = st.as_str();
        dashboard.push((
            format!("referrals_status_{st}"),
            sent(&format!("AND r.status = '{st}'")),
        ));
    }
    for k in ViolationKind::ALL {
        let k = k.as_str();
        dashboard.push((
            format!("violations_{k}"),
            violations(&format!("AND v.kind = '{k}'")),
        ));
    }
    for st in ComplaintStatus::ALL {
        let st = st.as_str();
        dashboard.push((
            format!("complaints_{st}"),
            format!(
                "(SELECT count(*) FROM school_fee_complaints f
                  JOIN locations l ON l.id = f.location_id
                  WHERE extract(year FROM f.charged_on)::int = s.year AND {}
                    AND f.status = '{st}')",
                here("l")
            ),
        ));
    }

    let values: Vec<String> = figures
        .iter()
        .map(|(name, sql)| format!("('{name}', ({sql})::text)"))
        .chain(dashboard.iter().map(|(name, sql)| {
            format!(
                "('{name}', CASE WHEN s.code = 'KG' AND s.year = {this} THEN ({sql})::text END)"
            )
        }))
        .collect();
    let sql = format!(
        "WITH today AS (SELECT (now() AT TIME ZONE 'Asia/Bishkek')::date AS d),
         s AS (
           SELECT y.year, l.code, l.path FROM generate_series({FIRST_YEAR}, {this}) AS y(year)
           JOIN locations l ON l.code = 'KG'
             OR l.parent_id = (SELECT id FROM locations WHERE code = 'KG')
           UNION ALL SELECT {this}, l.code, l.path FROM locations l WHERE l.code = 'KG-O-KARASUU'
         ),
         cs AS (
           SELECT c.id, c.child_id, c.forms, c.sector, c.status, c.child_is_victim,
                  c.identified_on, ch.sex, l.path,
                  extract(year FROM c.identified_on)::int AS year,
                  date_part('year', age(c.identified_on, ch.birth_date))::int AS age
           FROM cases c JOIN children ch ON ch.id = c.child_id
           JOIN locations l ON l.id = c.location_id
         ),
         served AS (
           SELECT r.case_id, r.service, r.started_on, c.child_id, c.forms, c.path,
                  extract(year FROM r.started_on)::int AS year
           FROM referrals r JOIN cs c ON c.id = r.case_id
           WHERE r.status IN ('in_service', 'completed') AND r.service <> 'law_enforcement'
         ),
         latest AS (
           SELECT DISTINCT ON (f.case_id, extract(year FROM f.visited_on))
                  f.case_id, c.child_id, c.path, extract(year FROM f.visited_on)::int AS year,
                  f.still_working, f.attending_school
           FROM follow_ups f JOIN cs c ON c.id = f.case_id
           ORDER BY f.case_id, extract(year FROM f.visited_on), f.visited_on DESC, f.id DESC
         ),
         insp AS (
           SELECT i.id, i.method, i.kind, i.children_found, i.law_enforcement_id, l.path,
                  extract(year FROM i.visited_on)::int AS year
           FROM inspections i JOIN locations l ON l.id = i.location_id
           WHERE i.status <> 'planned'
         ),
         planned AS (
           SELECT l.path, extract(year FROM i.visited_on)::int AS year
           FROM inspections i JOIN locations l ON l.id = i.location_id
           WHERE i.status = 'planned'
         ),
         inv AS (
           SELECT v.id, v.stage, v.opened_on, v.in_court_on, v.decided_on, v.prison_months,
                  v.fine, l.path
           FROM investigations v JOIN agencies a ON a.id = v.agency_id
           JOIN locations l ON l.id = a.location_id
         )
         SELECT s.year, s.code, f.name, f.value FROM s CROSS JOIN today
         CROSS JOIN LATERAL (VALUES {}) AS f(name, value)",
        values.join(",\n")
    );
    let rows: Vec<Recounted> = diesel::sql_query(&sql)
        .load(conn)
        .unwrap_or_else(|e| panic!("the recount: {e}"));
    let mut out: Recount = HashMap::new();
    for r in rows {
        let value = r
            .value
            .map(|v| Decimal::from_str(&v).unwrap_or_else(|_| panic!("a recounted number {v:?}")));
        out.entry((r.year, r.code))
            .or_default()
            .insert(r.name, value);
    }
    out
}

// -------------------------------------------------------------- comparing

#[derive(Debug, Default)]
struct Tally {
    /// Figures compared by value, per source.
    compared: HashMap<&'static str, usize>,
    not_zero: usize,
    small: usize,
    hidden: usize,
}

impl Scene {
    /// Read every source, recount, compare.
    async fn check(&self) {
        self.rounds.set(self.rounds.get() + 1);
        // What the triggers kept through these writes equals a rebuild.
        let differ = korgoo::reports::rollups::check(&mut self.conn()).expect("a check");
        assert_eq!(
            differ,
            Vec::new(),
            "the report tables kept by the triggers differ from the records"
        );
        let served = self.served().await;
        let exact = recount(&mut self.conn());
        let mut tally = Tally::default();
        let mut problems: Vec<String> = Vec::new();
        let index: HashMap<(&str, i32, &str, &str), Shown> = served
            .iter()
            .map(|f| {
                (
                    (f.source, f.year, f.code.as_str(), f.name.as_str()),
                    f.shown,
                )
            })
            .collect();
        for f in &served {
            let Some(values) = exact.get(&(f.year, f.code.clone())) else {
                problems.push(format!("{f:?}: no recount of {} {}", f.year, f.code));
                continue;
            };
            let value = |name: &str| -> Option<Decimal> {
                match values.get(name) {
                    Some(v) => *v,
                    None => panic!("no recount of the figure {name:?}: add it to `recount`"),
                }
            };
            let wrong = |why: &str| {
                format!(
                    "{} {} {} {}: served {:?}, recounted {:?} ({why})",
                    f.source,
                    f.year,
                    f.code,
                    f.name,
                    f.shown,
                    values.get(f.name.as_str())
                )
            };
            let mut compared = |n: Decimal| {
                *tally.compared.entry(f.source).or_default() += 1;
                if !n.is_zero() {
                    tally.not_zero += 1;
                }
            };
            let v = if f.kind == Kind::Derived {
                None
            } else {
                value(&f.name)
            };
            match (f.kind, f.shown) {
                (Kind::Exact, Shown::Number(n)) if Some(n) == v => compared(n),
                (Kind::Exact, _) => problems.push(wrong("an exact figure")),
                (Kind::Recorded, Shown::Number(n)) if Some(n) == v => compared(n),
                (Kind::Recorded, Shown::Blank) if v.is_none() => {}
                (Kind::Recorded, _) => problems.push(wrong("a recorded figure")),
                (Kind::Protected, Shown::Number(n)) if Some(n) == v => compared(n),
                (Kind::Protected, Shown::Small)
                    if v.is_some_and(|v| v >= Decimal::ONE && v < Decimal::from(THRESHOLD)) =>
                {
                    tally.small += 1
                }
                (Kind::Protected, Shown::Hidden)
                    if v.is_some_and(|v| v.is_zero() || v >= Decimal::from(THRESHOLD)) =>
                {
                    tally.hidden += 1
                }
                (Kind::Protected, Shown::Small) => problems.push(wrong("shown as small")),
                (Kind::Protected, Shown::Hidden) => problems.push(wrong("a small count hidden")),
                (Kind::Protected, _) => problems.push(wrong("a protected count")),
                (Kind::Derived, shown) => {
                    let part = |name: &str| {
                        index
                            .get(&(f.source, f.year, f.code.as_str(), name))
                            .copied()
                    };
                    let (expected, parts) = match f.name.as_str() {
                        "share_received_service_percent" => (
                            share(
                                value("children_received_service"),
                                value("children_identified"),
                            ),
                            [
                                part("children_received_service"),
                                part("children_identified"),
                            ],
                        ),
                        "share_withdrawn_percent" => (
                            share(value("children_withdrawn"), value("children_followed_up")),
                            [part("children_withdrawn"), part("children_followed_up")],
                        ),
                        "median_days_to_first_service" => (
                            value("median days"),
                            [part("children_received_service"), None],
                        ),
                        other => panic!("no recount of the figure {other:?}"),
                    };
                    let tolerance = Decimal::new(5, 2);
                    match (shown, expected) {
                        (Shown::Number(n), Some(e)) if (n - e).abs() <= tolerance => compared(n),
                        (Shown::Number(_), _) => problems
                            .push(wrong(&format!("a share or median; recounted {expected:?}"))),
                        (Shown::Blank, Some(_)) => {
                            // Left out only when a count it needs is not shown.
                            let all_shown = match f.name.as_str() {
                                "median_days_to_first_service" => matches!(
                                    parts[0],
                                    Some(Shown::Number(n)) if !n.is_zero()
                                ),
                                _ => parts.iter().all(|p| matches!(p, Some(Shown::Number(_)))),
                            };
                            if all_shown {
                                problems.push(wrong(&format!(
                                    "left out though its counts are shown; recounted {expected:?}"
                                )));
                            }
                        }
                        (Shown::Blank, None) => {}
                        _ => problems.push(wrong("a share or median")),
                    }
                }
            }
        }
        // On the public data, the whole publication is in view: a hidden
        // count stands beside a small one it protects, in the same year, or
        // moved by fewer persons than the threshold since an earlier release
        // showed it, or stands beside one that did (`releases`).
        let released = self.released.borrow().clone();
        let revised = |f: &Served| {
            let now = exact
                .get(&(f.year, f.code.clone()))
                .and_then(|v| v.get(f.name.as_str()).copied().flatten());
            let before = released.get(&(f.year, f.code.clone(), f.name.clone()));
            match (now, before) {
                (Some(now), Some(before)) => before.iter().any(|b| {
                    let d = (now - *b).abs();
                    d >= Decimal::ONE && d < Decimal::from(THRESHOLD)
                }),
                _ => false,
            }
        };
        for f in &served {
            if f.source == "public data" && f.shown == Shown::Hidden {
                let beside = served.iter().any(|g| {
                    g.source == f.source
                        && g.year == f.year
                        && (g.shown == Shown::Small || (g.shown == Shown::Hidden && revised(g)))
                });
                if !beside {
                    problems.push(format!(
                        "public data {} {} {}: hidden with no small count in its year",
                        f.year, f.code, f.name
                    ));
                }
            }
        }
        // What this release showed exactly, for the next one's check.
        {
            let mut released = self.released.borrow_mut();
            for f in &served {
                if let (Kind::Protected, Shown::Number(n)) = (f.kind, f.shown)
                    && f.source == "public data"
                {
                    released
                        .entry((f.year, f.code.clone(), f.name.clone()))
                        .or_default()
                        .push(n);
                }
            }
        }
        let doing = self.doing.borrow();
        assert!(
            problems.is_empty(),
            "round {} (after {doing}): {} figures served differ from the recount:\n{}",
            self.rounds.get(),
            problems.len(),
            problems
                .iter()
                .take(25)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
        for (source, least) in [
            ("public data", MIN_PUBLIC),
            ("staff download", MIN_STAFF),
            ("dashboard", MIN_DASHBOARD),
        ] {
            let n = tally.compared.get(source).copied().unwrap_or(0);
            assert!(
                n >= least,
                "round {} (after {doing}): only {n} figures of the {source} compared",
                self.rounds.get()
            );
        }
        assert!(
            tally.not_zero >= MIN_NOT_ZERO,
            "round {} (after {doing}): only {} figures compared were not zero ({tally:?})",
            self.rounds.get(),
            tally.not_zero
        );
    }
}

/// A share in per cent, when the whole is not zero.
fn share(part: Option<Decimal>, whole: Option<Decimal>) -> Option<Decimal> {
    match (part, whole) {
        (Some(p), Some(w)) if !w.is_zero() => Some(p * Decimal::from(100) / w),
        _ => None,
    }
}
