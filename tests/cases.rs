//! Cases: the workflow from opening to closure, assignments and approvals,
//! referrals and the consent rule, follow-ups and the monitoring rule, the
//! victim invariant, territory, transfers, versions, queues.

use diesel::prelude::*;
use korgoo::admin::model::AgencyKind;
use korgoo::db::schema::{case_events, cases, referrals};
use korgoo::policy::Role;
use reqwest::StatusCode;

use crate::common::{Page, TestApp, fixtures};
use crate::common::{days_ago, days_ahead};

/// Register a child in Kara-Suu through the form; returns its id.
pub(crate) async fn register_child(app: &TestApp, family: &str, given: &str, birth: &str) -> i64 {
    let home = fixtures::location(&mut app.conn(), "KG-O-KARASUU").to_string();
    let page = app
        .post_form(
            "/children",
            &[
                ("family_name", family),
                ("given_name", given),
                ("patronymic", ""),
                ("sex", "female"),
                ("birth_date", birth),
                ("age", ""),
                ("personal_number", ""),
                ("guardian_name", "Гүлмира Токтогулова"),
                ("guardian_contact", "+996 555 12 34 56"),
                ("home_location_id", &home),
                ("language", "ky"),
                ("school_status", "irregular"),
                ("disability", "none"),
                ("confirmed_new", "yes"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    id_from(&page, "/children/")
}

pub(crate) fn id_from(page: &Page, prefix: &str) -> i64 {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location()
        .unwrap()
        .trim_start_matches(prefix)
        .parse()
        .unwrap()
}

async fn open_case(app: &TestApp, child: i64, forms: &[&str], consent: bool) -> Page {
    let child = child.to_string();
    let mut fields = vec![
        ("child", child.as_str()),
        ("source", "inspection"),
        ("sector", "agriculture"),
        ("risk", "high"),
        ("narrative", "Found picking cotton during school hours."),
    ];
    for f in forms {
        fields.push(("forms", f));
    }
    let today = days_ago(0);
    if consent {
        fields.push(("consent_given_by", "Гүлмира Токтогулова, mother"));
        fields.push(("consent_given_on", &today));
    }
    app.post_form("/cases", &fields).await
}

pub(crate) async fn new_case(app: &TestApp, consent: bool) -> i64 {
    let child = register_child(app, "Токтогулова", "Айгүл", "05.03.2012").await;
    id_from(
        &open_case(app, child, &["hazardous_work"], consent).await,
        "/cases/",
    )
}

pub(crate) fn version(app: &TestApp, id: i64) -> String {
    cases::table
        .find(id)
        .select(cases::version)
        .first::<i32>(&mut app.conn())
        .unwrap()
        .to_string()
}

fn status(app: &TestApp, id: i64) -> String {
    cases::table
        .find(id)
        .select(cases::status)
        .first(&mut app.conn())
        .unwrap()
}

fn event_kinds(app: &TestApp, id: i64) -> Vec<String> {
    case_events::table
        .filter(case_events::case_id.eq(id))
        .order(case_events::id)
        .select(case_events::kind)
        .load(&mut app.conn())
        .unwrap()
}

/// Take a workflow step with the case's current version.
async fn step(app: &TestApp, id: i64, step: &str, extra: &[(&str, &str)]) -> Page {
    let v = version(app, id);
    let mut fields = vec![("step", step), ("version", v.as_str())];
    fields.extend_from_slice(extra);
    app.post_form(&format!("/cases/{id}/step"), &fields).await
}

async fn with_version(app: &TestApp, id: i64, path: &str, extra: &[(&str, &str)]) -> Page {
    let v = version(app, id);
    let mut fields = vec![("version", v.as_str())];
    fields.extend_from_slice(extra);
    app.post_form(path, &fields).await
}

fn saved(page: &Page, id: i64) {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), Some(format!("/cases/{id}").as_str()));
}

fn user_id(app: &TestApp, login: &str) -> String {
    fixtures::user_id(&mut app.conn(), login).to_string()
}

/// Pretend the case was opened `days` ago, so visits can lie in the past.
fn backdate(app: &TestApp, id: i64, days: i32) {
    diesel::sql_query(format!(
        "UPDATE cases SET opened_at = now() - interval '{days} days' WHERE id = {id}"
    ))
    .execute(&mut app.conn())
    .unwrap();
}

/// A rehabilitation centre and one of its staff.
pub(crate) fn provider(app: &TestApp, name: &str) -> (i64, String) {
    let agency = fixtures::agency(
        &mut app.conn(),
        AgencyKind::RehabilitationCenter,
        "KG-GO",
        name,
    );
    (
        agency,
        fixtures::user_in(&app.db.url, Role::ServiceProvider, agency),
    )
}

pub(crate) async fn refer(
    app: &TestApp,
    id: i64,
    agency: i64,
    shared: &[&str],
    extra: &[(&str, &str)],
) -> Page {
    let agency = agency.to_string();
    let answer_by = days_ahead(7);
    let mut fields = vec![
        ("agency_id", agency.as_str()),
        ("service", "rehabilitation"),
        ("urgency", "urgent"),
        ("answer_by", answer_by.as_str()),
        ("planned_end", ""),
        ("referral_note", "Needs a safe place and counselling."),
    ];
    for s in shared {
        fields.push(("shared", s));
    }
    for (name, value) in extra {
        fields.retain(|(f, _)| f != name);
        fields.push((name, value));
    }
    with_version(app, id, &format!("/cases/{id}/referrals"), &fields).await
}

async fn follow_up(app: &TestApp, id: i64, date: &str, working: &str) -> Page {
    with_version(
        app,
        id,
        &format!("/cases/{id}/follow-ups"),
        &[
            ("visited_on", date),
            ("still_working", working),
            ("attending_school", "yes"),
            ("notes", "At home, helping with homework."),
        ],
    )
    .await
}

/// Take a case from new to monitoring: the worker does the work, the
/// supervisor assigns and approves.
async fn to_monitoring(app: &TestApp, boss: &TestApp, worker: &str, id: i64) {
    let worker_id = user_id(app, worker);
    if status(app, id) == "new" {
        saved(
            &with_version(
                boss,
                id,
                &format!("/cases/{id}/assign"),
                &[("assignee", &worker_id)],
            )
            .await,
            id,
        );
        saved(&step(app, id, "start_assessment", &[]).await, id);
    }
    saved(
        &step(
            app,
            id,
            "record_assessment",
            &[("assessment", "Works in the fields."), ("risk", "medium")],
        )
        .await,
        id,
    );
    saved(
        &step(app, id, "submit_plan", &[("plan", "Catch-up classes.")]).await,
        id,
    );
    saved(
        &step(boss, id, "approve_plan", &[("comment", "")]).await,
        id,
    );
    saved(&step(app, id, "start_monitoring", &[]).await, id);
}

#[actix_web::test]
async fn a_case_goes_from_opening_through_services_and_monitoring_to_approved_closure() {
    let app = TestApp::spawn().await;
    let worker = app.login_as(Role::CaseWorker).await;
    let boss = app.other_browser();
    let supervisor = boss.login_as(Role::Supervisor).await;
    let id = new_case(&app, true).await;

    // It lands in the queue of the Child Support Unit of the child's territory.
    let unit: i64 = cases::table
        .find(id)
        .select(cases::unit_id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        unit,
        fixtures::agency_by_code(&mut app.conn(), "CSU-KG-O-KARASUU")
    );
    assert_eq!(status(&app, id), "new");
    let home = boss.get("/").await;
    assert!(
        home.text_of("#unassigned-cases")
            .unwrap()
            .contains("Токтогулова Айгүл")
    );

    // Nobody assigned yet: the assessment cannot start.
    let refused = step(&app, id, "start_assessment", &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text_of("#step-error").is_some());
    assert_eq!(status(&app, id), "new");
    // The case says why: the head assigns first (issue 21).
    let waiting = app.get(&format!("/cases/{id}")).await;
    assert!(
        waiting
            .text_of("#awaits-assignment")
            .unwrap()
            .contains("Бөлүм башчысы")
    );
    let to_assign = boss.get(&format!("/cases/{id}")).await;
    assert!(
        to_assign
            .text_of("#awaits-assignment")
            .unwrap()
            .contains("дайындаңыз")
    );

    // Only the supervisor assigns.
    let worker_id = user_id(&app, &worker);
    let page = with_version(
        &app,
        id,
        &format!("/cases/{id}/assign"),
        &[("assignee", &worker_id)],
    )
    .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    saved(
        &with_version(
            &boss,
            id,
            &format!("/cases/{id}/assign"),
            &[("assignee", &worker_id)],
        )
        .await,
        id,
    );

    assert!(
        app.get(&format!("/cases/{id}"))
            .await
            .text_of("#awaits-assignment")
            .is_none()
    );
    saved(&step(&app, id, "start_assessment", &[]).await, id);
    assert_eq!(status(&app, id), "assessment");
    let empty = step(
        &app,
        id,
        "record_assessment",
        &[("assessment", " "), ("risk", "high")],
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text_of("#assessment-error").is_some());
    let before = version(&app, id);
    saved(
        &step(
            &app,
            id,
            "record_assessment",
            &[
                ("assessment", "Works 6 hours a day; misses school."),
                ("risk", "high"),
            ],
        )
        .await,
        id,
    );
    assert_eq!(status(&app, id), "case_plan");
    // A second assessment typed on the page as it was: the case moved on,
    // so nothing is saved, and what was typed comes back to be copied even
    // though the assessment's form is no longer offered (issue 21).
    let late = app
        .post_form(
            &format!("/cases/{id}/step"),
            &[
                ("step", "record_assessment"),
                ("version", &before),
                ("assessment", "Seen again at the market on Sunday."),
                ("risk", "medium"),
            ],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.text_of("#stale").is_some());
    assert!(
        late.text_of("#kept-input")
            .unwrap()
            .contains("Seen again at the market on Sunday.")
    );
    assert!(late.text_of("#record-assessment").is_none());
    saved(
        &step(
            &app,
            id,
            "submit_plan",
            &[("plan", "Rehabilitation centre, then catch-up classes.")],
        )
        .await,
        id,
    );

    // The worker cannot approve their own plan; the supervisor sends it back
    // (a comment is required), then approves the second one.
    assert_eq!(
        step(&app, id, "approve_plan", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let no_comment = step(&boss, id, "reject_plan", &[("comment", "")]).await;
    assert_eq!(no_comment.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_comment.text_of("#comment-error").is_some());
    saved(
        &step(
            &boss,
            id,
            "reject_plan",
            &[("comment", "Add the school's name.")],
        )
        .await,
        id,
    );
    assert_eq!(status(&app, id), "case_plan");
    saved(
        &step(
            &app,
            id,
            "submit_plan",
            &[(
                "plan",
                "Rehabilitation centre; catch-up classes at school № 5.",
            )],
        )
        .await,
        id,
    );
    saved(
        &step(&boss, id, "approve_plan", &[("comment", "")]).await,
        id,
    );
    assert_eq!(status(&app, id), "in_services");

    // Referral to a rehabilitation centre; the centre accepts, provides, completes.
    let (centre, staff) = provider(&app, "Umut Centre");
    let planned_end = days_ahead(90);
    saved(
        &refer(
            &app,
            id,
            centre,
            &["birth_date"],
            &[("planned_end", planned_end.as_str())],
        )
        .await,
        id,
    );
    // The case's table says which date is which (issue 21: the planned end
    // was printed under "Answer by").
    let case_page = app.get(&format!("/cases/{id}")).await;
    let shown = |class: &str| case_page.text_of(&format!("tr.referral td.{class}"));
    let written = |iso: &str| {
        chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
            .unwrap()
            .format("%d.%m.%Y")
            .to_string()
    };
    assert_eq!(shown("answer-by"), Some(written(&days_ahead(7))));
    assert_eq!(shown("planned-end"), Some(written(&planned_end)));
    // A part of the record with nothing in it yet says so, not "nothing
    // found" as a search would (issue 21).
    assert_eq!(
        case_page.text_of("#follow-ups .empty").as_deref(),
        Some("Азырынча жок.")
    );
    let referral: i64 = referrals::table
        .filter(referrals::case_id.eq(id))
        .select(referrals::id)
        .first(&mut app.conn())
        .unwrap();
    let provider_browser = app.other_browser();
    provider_browser
        .login(&staff, crate::common::PASSWORD)
        .await;
    for (answer, note) in [
        ("accept", ""),
        ("start", ""),
        ("complete", "Completed 3 months of counselling."),
    ] {
        let page = provider_browser
            .get(&format!("/referrals/{referral}"))
            .await;
        let v = page.input_value("version").unwrap();
        let done = provider_browser
            .post_form(
                &format!("/referrals/{referral}/step"),
                &[("step", answer), ("version", &v), ("note", note)],
            )
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "{answer}: {}",
            done.body
        );
    }
    saved(&step(&app, id, "start_monitoring", &[]).await, id);
    assert_eq!(status(&app, id), "monitoring");

    // Follow-ups: one visit is not enough to close as withdrawn.
    backdate(&app, id, 120);
    saved(&follow_up(&app, id, &days_ago(40), "no").await, id);
    let early = step(
        &app,
        id,
        "request_closure",
        &[("closure_reason", "withdrawn"), ("closure_note", "")],
    )
    .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.text_of("#closure_reason-error").is_some());
    saved(&follow_up(&app, id, &days_ago(5), "no").await, id);
    saved(
        &step(
            &app,
            id,
            "request_closure",
            &[("closure_reason", "withdrawn"), ("closure_note", "")],
        )
        .await,
        id,
    );
    assert_eq!(
        status(&app, id),
        "monitoring",
        "closing waits for the supervisor"
    );
    assert_eq!(
        step(&app, id, "approve_closure", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    saved(
        &step(&boss, id, "approve_closure", &[("comment", "Well done.")]).await,
        id,
    );
    assert_eq!(status(&app, id), "closed");
    let reason: Option<String> = cases::table
        .find(id)
        .select(cases::closure_reason)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(reason.as_deref(), Some("withdrawn"));

    // The timeline has everything, in order, with who did it.
    assert_eq!(
        event_kinds(&app, id),
        [
            "opened",
            "assigned",
            "assessment_started",
            "assessment_recorded",
            "plan_submitted",
            "plan_rejected",
            "plan_submitted",
            "plan_approved",
            "referral_sent",
            "referral_accepted",
            "referral_started",
            "referral_completed",
            "monitoring_started",
            "follow_up",
            "follow_up",
            "closure_requested",
            "closure_approved",
        ]
    );
    let page = app.get(&format!("/cases/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let timeline = page.text_of("#timeline").unwrap();
    assert!(
        timeline.contains(&format!("Тест Колдонуучу {supervisor}")),
        "{timeline}"
    );
    assert!(timeline.contains("Add the school's name."));
    assert!(app.audit_count("case_viewed") >= 1);
    assert!(app.audit_count("case_step") >= 12);

    // A closed case takes no more steps but can be reopened with a reason.
    assert_eq!(
        step(&app, id, "start_monitoring", &[]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    saved(
        &step(
            &boss,
            id,
            "reopen",
            &[("comment", "Found working again at the bazaar.")],
        )
        .await,
        id,
    );
    assert_eq!(status(&app, id), "assessment");
}

#[actix_web::test]
async fn steps_out_of_order_or_by_the_wrong_person_change_nothing() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let boss = app.other_browser();
    boss.login_as(Role::Supervisor).await;
    let id = new_case(&app, true).await;
    let before = (version(&app, id), event_kinds(&app, id));
    for (who, name, expected) in [
        (&boss, "approve_plan", StatusCode::UNPROCESSABLE_ENTITY),
        (&boss, "approve_closure", StatusCode::UNPROCESSABLE_ENTITY),
        (&boss, "reopen", StatusCode::UNPROCESSABLE_ENTITY),
        (&app, "start_monitoring", StatusCode::UNPROCESSABLE_ENTITY),
        (&app, "record_assessment", StatusCode::UNPROCESSABLE_ENTITY),
        (&app, "no_such_step", StatusCode::UNPROCESSABLE_ENTITY),
        (&app, "reject_closure", StatusCode::FORBIDDEN),
    ] {
        let page = step(
            who,
            id,
            name,
            &[("comment", "x"), ("assessment", "x"), ("risk", "low")],
        )
        .await;
        assert_eq!(page.status, expected, "{name}");
    }
    // Follow-ups wait until services start.
    let early = follow_up(&app, id, &days_ago(0), "no").await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.text_of("#step-error").is_some());
    assert_eq!((version(&app, id), event_kinds(&app, id)), before);
    assert_eq!(app.count("follow_ups"), 0);
    // Unknown ids are 404, not 500.
    assert_eq!(app.get("/cases/999999").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.post_form(
            "/cases/999999/step",
            &[("step", "start_assessment"), ("version", "1")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/cases/new?child=999999").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn other_closure_reasons_have_their_own_rules() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let id = new_case(&app, true).await;
    let too_young = step(
        &app,
        id,
        "request_closure",
        &[("closure_reason", "turned_18"), ("closure_note", "")],
    )
    .await;
    assert_eq!(too_young.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_young.text_of("#closure_reason-error").is_some());
    let no_note = step(
        &app,
        id,
        "request_closure",
        &[("closure_reason", "moved_away"), ("closure_note", " ")],
    )
    .await;
    assert_eq!(no_note.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_note.text_of("#closure_note-error").is_some());
    assert_eq!(
        no_note
            .html()
            .select(&scraper::Selector::parse("#closure_reason option[selected]").unwrap())
            .next()
            .map(|o| o.value().attr("value").unwrap().to_owned()),
        Some("moved_away".to_owned()),
        "the user's choice is kept"
    );
    saved(
        &step(
            &app,
            id,
            "request_closure",
            &[
                ("closure_reason", "moved_away"),
                ("closure_note", "The family moved to Kazakhstan."),
            ],
        )
        .await,
        id,
    );
    let again = step(
        &app,
        id,
        "request_closure",
        &[("closure_reason", "other"), ("closure_note", "x")],
    )
    .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one request at a time"
    );
}

#[actix_web::test]
async fn a_child_in_commercial_sexual_exploitation_is_always_a_victim() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let child = register_child(&app, "Асанова", "Бермет", "01.02.2010").await;
    // Extra fields a tampered form might send are not part of any form.
    let page = {
        let child = child.to_string();
        let today = days_ago(0);
        app.post_form(
            "/cases",
            &[
                ("child", child.as_str()),
                ("source", "police"),
                ("forms", "commercial_sexual_exploitation"),
                ("sector", "services"),
                ("risk", "high"),
                ("narrative", ""),
                ("consent_given_by", "the child's aunt"),
                ("consent_given_on", &today),
                ("child_is_victim", "false"),
                ("role", "offender"),
            ],
        )
        .await
    };
    let id = id_from(&page, "/cases/");
    let victim: bool = cases::table
        .find(id)
        .select(cases::child_is_victim)
        .first(&mut app.conn())
        .unwrap();
    assert!(victim);
    let shown = app.get(&format!("/cases/{id}")).await;
    assert!(shown.text_of("#victim").is_some());
    // Not even the database lets it be set otherwise.
    let direct = diesel::sql_query(format!(
        "UPDATE cases SET child_is_victim = false WHERE id = {id}"
    ))
    .execute(&mut app.conn());
    assert!(direct.is_err());
    // There is no form, status or column that could call a child an offender.
    let offending: i64 = diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'
         AND (column_name ~* '(offend|suspect|perpetrat|accused|culprit)')
         -- the number of (adult) suspects of an investigation: a count, tied to no child
         AND NOT (table_name = 'investigations' AND column_name = 'suspects')",
    )
    .get_result(&mut app.conn())
    .unwrap();
    assert_eq!(offending, 0);
    let tampered = open_case(&app, child, &["offender"], true).await;
    assert_eq!(tampered.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(tampered.text_of("#forms-error").is_some());
    // Use in illicit activities is the same.
    let other = id_from(
        &open_case(&app, child, &["illicit_activities"], true).await,
        "/cases/",
    );
    let victim: bool = cases::table
        .find(other)
        .select(cases::child_is_victim)
        .first(&mut app.conn())
        .unwrap();
    assert!(victim);
}

#[actix_web::test]
async fn referrals_need_consent_or_a_supervisors_written_reason() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let boss = app.other_browser();
    boss.login_as(Role::Supervisor).await;
    let id = new_case(&app, false).await;
    let (centre, _) = provider(&app, "Umut Centre");

    let refused = refer(&app, id, centre, &[], &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text_of("#override_reason-error").is_some());
    let not_theirs = refer(&app, id, centre, &[], &[("override_reason", "Urgent")]).await;
    assert_eq!(not_theirs.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("referrals"), 0);

    // A service the agency does not offer.
    let wrong = {
        let agency = centre.to_string();
        let answer_by = days_ahead(3);
        with_version(
            &boss,
            id,
            &format!("/cases/{id}/referrals"),
            &[
                ("agency_id", &agency),
                ("service", "legal_aid"),
                ("urgency", "routine"),
                ("answer_by", &answer_by),
                ("override_reason", "The mother cannot be reached."),
            ],
        )
        .await
    };
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text_of("#service-error").is_some());
    assert_eq!(app.count("referrals"), 0);

    saved(
        &refer(
            &boss,
            id,
            centre,
            &[],
            &[(
                "override_reason",
                "The mother cannot be reached; the child is at risk tonight.",
            )],
        )
        .await,
        id,
    );
    assert_eq!(app.audit_count("consent_overridden"), 1);
    assert!(event_kinds(&app, id).contains(&"consent_overridden".to_owned()));

    // With consent recorded on the case, the worker refers.
    let today = days_ago(0);
    let v = version(&app, id);
    let edited = app
        .post_form(
            &format!("/cases/{id}"),
            &[
                ("version", v.as_str()),
                ("source", "inspection"),
                ("forms", "hazardous_work"),
                ("sector", "agriculture"),
                ("risk", "high"),
                ("narrative", "Found picking cotton during school hours."),
                ("consent_given_by", "Гүлмира Токтогулова, mother"),
                ("consent_given_on", &today),
            ],
        )
        .await;
    saved(&edited, id);
    saved(&refer(&app, id, centre, &[], &[]).await, id);
    assert_eq!(app.count("referrals"), 2);
}

#[actix_web::test]
async fn a_provider_sees_only_its_referrals_and_only_the_shared_data() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let id = new_case(&app, true).await;
    let (centre, staff) = provider(&app, "Umut Centre");
    let (_, stranger) = provider(&app, "Other Centre");
    saved(&refer(&app, id, centre, &["birth_date"], &[]).await, id);
    let referral: i64 = referrals::table
        .select(referrals::id)
        .first(&mut app.conn())
        .unwrap();

    let ours = app.other_browser();
    ours.login(&staff, crate::common::PASSWORD).await;
    let queue = ours.get("/referrals").await;
    assert!(
        queue
            .text_of("#referral-queue")
            .unwrap()
            .contains("Токтогулова Айгүл")
    );
    let page = ours.get(&format!("/referrals/{referral}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let shared = page.text_of("#shared-data").unwrap();
    assert!(shared.contains("05.03.2012"), "{shared}");
    assert!(
        !page.body.contains("Гүлмира"),
        "the guardian was not shared"
    );
    assert!(!page.body.contains("+996"), "the contact was not shared");
    assert!(
        !page.body.contains("picking cotton"),
        "the narrative was not shared"
    );
    assert_eq!(app.audit_count("referral_viewed"), 1);
    // The provider reaches no case, child or list.
    for path in [
        format!("/cases/{id}"),
        "/cases".to_owned(),
        "/children".to_owned(),
    ] {
        let page = ours.get(&path).await;
        assert!(
            matches!(page.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{path}"
        );
        assert!(!page.body.contains("Токтогулова"));
    }
    // Declining needs a reason.
    let v = page.input_value("version").unwrap();
    let bare = ours
        .post_form(
            &format!("/referrals/{referral}/step"),
            &[("step", "decline"), ("version", &v), ("note", "")],
        )
        .await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bare.text_of("#note-error").is_some());

    let theirs = app.other_browser();
    theirs.login(&stranger, crate::common::PASSWORD).await;
    assert_eq!(
        theirs.get(&format!("/referrals/{referral}")).await.status,
        StatusCode::NOT_FOUND
    );
    let other_queue = theirs.get("/referrals").await;
    assert!(!other_queue.body.contains("Токтогулова"));
    let forged = theirs
        .post_form(
            &format!("/referrals/{referral}/step"),
            &[("step", "accept"), ("version", &v), ("note", "")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
    let status: String = referrals::table
        .find(referral)
        .select(referrals::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "sent");
}

/// Issue 19 (Low): a referral shares what it shared when it was sent (a
/// later correction of the child's record does not reach the provider),
/// and the provider's access to the child's data ends a setting's days
/// (30) after the referral is closed.
#[actix_web::test]
async fn a_provider_reads_what_was_shared_when_sent_and_only_until_access_ends() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let id = new_case(&app, true).await;
    let (centre, staff) = provider(&app, "Umut Centre");
    saved(&refer(&app, id, centre, &["birth_date"], &[]).await, id);
    let referral: i64 = referrals::table
        .select(referrals::id)
        .first(&mut app.conn())
        .unwrap();
    // After it was sent, the child's record is corrected; and the referral
    // is dated as a paper one sent two months ago.
    diesel::sql_query(
        "UPDATE children SET family_name = 'Исправленова', birth_date = '2012-04-06'
         WHERE id = (SELECT child_id FROM cases WHERE id = $1)",
    )
    .bind::<diesel::sql_types::BigInt, _>(id)
    .execute(&mut app.conn())
    .unwrap();
    diesel::sql_query("UPDATE referrals SET sent_at = now() - interval '60 days' WHERE id = $1")
        .bind::<diesel::sql_types::BigInt, _>(referral)
        .execute(&mut app.conn())
        .unwrap();

    let ours = app.other_browser();
    ours.login(&staff, crate::common::PASSWORD).await;
    let path = format!("/referrals/{referral}");
    let page = ours.get(&path).await;
    let shared = page.text_of("#shared-data").unwrap();
    assert!(shared.contains("Токтогулова Айгүл"), "{shared}");
    assert!(shared.contains("05.03.2012"), "{shared}");
    assert!(
        !page.body.contains("Исправленова"),
        "the live record leaked"
    );
    assert!(!page.body.contains("06.04.2012"));
    assert!(page.text_of("#shared-ended").is_none());

    // Accepted, started and completed 45 days ago.
    for (step, on) in [
        ("accept", String::new()),
        ("start", crate::common::days_ago(50)),
        ("complete", crate::common::days_ago(45)),
    ] {
        let version = ours.get(&path).await.input_value("version").unwrap();
        let answered = ours
            .post_form(
                &format!("{path}/step"),
                &[
                    ("step", step),
                    ("version", &version),
                    ("note", "Done."),
                    ("on", &on),
                ],
            )
            .await;
        assert_eq!(
            answered.status,
            StatusCode::SEE_OTHER,
            "{step}: {}",
            answered.body
        );
    }
    let page = ours.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text_of("#shared-ended").is_some(), "{}", page.body);
    for hidden in ["Токтогулова", "Айгүл", "05.03.2012", "Исправленова"]
    {
        assert!(
            !page.body.contains(hidden),
            "{hidden} after the access ended"
        );
    }
    let audited = app.audit_count("children_listed");
    let queue = ours.get("/referrals?all=1").await;
    let rows = queue.text_of("#referral-queue").unwrap();
    assert!(!rows.contains("Токтогулова"), "{rows}");
    assert!(rows.contains("(маалыматтар жабык)"), "{rows}");
    assert_eq!(
        app.audit_count("children_listed"),
        audited,
        "a list naming no child is no listing of children"
    );
}

#[actix_web::test]
async fn another_districts_worker_cannot_list_open_or_act_on_a_case() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let id = new_case(&app, true).await;
    let sokuluk = fixtures::agency_by_code(&mut app.conn(), "CSU-KG-C-SOKULUK");
    let outsider = app.other_browser();
    outsider
        .login(
            &fixtures::user_in(&app.db.url, Role::CaseWorker, sokuluk),
            crate::common::PASSWORD,
        )
        .await;
    assert_eq!(
        outsider.get(&format!("/cases/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        outsider.get(&format!("/cases/{id}/edit")).await.status,
        StatusCode::NOT_FOUND
    );
    let list = outsider.get("/cases").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains("Токтогулова"));
    let before = version(&app, id);
    for path in ["step", "assign", "follow-ups", "referrals", "transfer"] {
        let page = outsider
            .post_form(
                &format!("/cases/{id}/{path}"),
                &[("step", "start_assessment"), ("version", &before)],
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(version(&app, id), before);
    // Nor can they open a case for a child of another district.
    let child: i64 = cases::table
        .find(id)
        .select(cases::child_id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        outsider
            .get(&format!("/cases/new?child={child}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Officials and inspectors have no case list.
    let official = app.other_browser();
    official.login_as(Role::Official).await;
    assert_eq!(official.get("/cases").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        official.get(&format!("/cases/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn a_transfer_moves_the_case_when_the_other_unit_accepts() {
    let app = TestApp::spawn().await;
    let worker = app.login_as(Role::CaseWorker).await;
    let boss = app.other_browser();
    boss.login_as(Role::Supervisor).await;
    let id = new_case(&app, true).await;
    let sokuluk = fixtures::agency_by_code(&mut app.conn(), "CSU-KG-C-SOKULUK");
    let unit = sokuluk.to_string();
    let no_reason = with_version(
        &boss,
        id,
        &format!("/cases/{id}/transfer"),
        &[("unit", &unit), ("notes", "")],
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    saved(
        &with_version(
            &boss,
            id,
            &format!("/cases/{id}/transfer"),
            &[("unit", &unit), ("notes", "The family moved to Sokuluk.")],
        )
        .await,
        id,
    );
    let theirs = app.other_browser();
    theirs
        .login(
            &fixtures::user_in(&app.db.url, Role::Supervisor, sokuluk),
            crate::common::PASSWORD,
        )
        .await;
    let home = theirs.get("/").await;
    assert!(
        home.text_of("#incoming-transfers")
            .unwrap()
            .contains("Токтогулова")
    );
    let accepted = with_version(
        &theirs,
        id,
        &format!("/cases/{id}/transfer/answer"),
        &[("answer", "accept"), ("comment", "")],
    )
    .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let (unit_now, assigned): (i64, Option<i64>) = cases::table
        .find(id)
        .select((cases::unit_id, cases::assigned_to))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(unit_now, sokuluk);
    assert_eq!(assigned, None);
    assert_eq!(
        app.get(&format!("/cases/{id}")).await.status,
        StatusCode::NOT_FOUND,
        "{worker} no longer sees it"
    );
    assert_eq!(
        theirs.get(&format!("/cases/{id}")).await.status,
        StatusCode::OK
    );
    // The receiving unit reaches the child's record through the case; a third
    // district's worker does not.
    let child: i64 = cases::table
        .find(id)
        .select(cases::child_id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        theirs.get(&format!("/children/{child}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        theirs.get(&format!("/children/{child}/edit")).await.status,
        StatusCode::OK
    );
    let naryn = fixtures::agency_by_code(&mut app.conn(), "CSU-KG-N-ATBASHY");
    let stranger = app.other_browser();
    stranger
        .login(
            &fixtures::user_in(&app.db.url, Role::CaseWorker, naryn),
            crate::common::PASSWORD,
        )
        .await;
    assert_eq!(
        stranger.get(&format!("/children/{child}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn saving_over_a_newer_version_shows_both_and_loses_nothing() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let id = new_case(&app, true).await;
    let other = app.other_browser();
    other.login_as(Role::CaseWorker).await;
    let mine = app.get(&format!("/cases/{id}/edit")).await;
    let theirs = other.get(&format!("/cases/{id}/edit")).await;
    let v = mine.input_value("version").unwrap();
    assert_eq!(theirs.input_value("version").unwrap(), v);
    let fields = |risk: &'static str, narrative: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("version", v.clone()),
            ("source", "inspection".into()),
            ("forms", "hazardous_work".into()),
            ("sector", "agriculture".into()),
            ("risk", risk.into()),
            ("narrative", narrative.into()),
        ]
    };
    let borrow = |f: &[(&'static str, String)]| -> Vec<(&'static str, String)> { f.to_vec() };
    let first = borrow(&fields("low", "Their version of events."));
    let first: Vec<(&str, &str)> = first.iter().map(|(k, v)| (*k, v.as_str())).collect();
    saved(&other.post_form(&format!("/cases/{id}"), &first).await, id);
    let second = borrow(&fields("high", "My version of events."));
    let second: Vec<(&str, &str)> = second.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let conflict = app.post_form(&format!("/cases/{id}"), &second).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    let shown = conflict.text_of("#conflict").unwrap();
    assert!(shown.contains("Their version of events."), "{shown}");
    assert!(
        conflict.body.contains("My version of events."),
        "my input is kept"
    );
    let stored: String = cases::table
        .find(id)
        .select(cases::narrative)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(stored, "Their version of events.");

    // A step taken on a page that is out of date changes nothing.
    let stale = app
        .post_form(
            &format!("/cases/{id}/step"),
            &[
                ("step", "request_closure"),
                ("version", &v),
                ("closure_reason", "other"),
                ("closure_note", "x"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.text_of("#stale").is_some());
    let pending: Option<String> = cases::table
        .find(id)
        .select(cases::closure_requested_reason)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(pending, None);
}

#[actix_web::test]
async fn the_case_list_filters_and_pages_without_offset() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let child = register_child(&app, "Токтогулова", "Айгүл", "05.03.2012").await;
    for i in 0..55 {
        let forms: &[&str] = if i % 5 == 0 {
            &["forced_labor"]
        } else {
            &["hazardous_work"]
        };
        id_from(&open_case(&app, child, forms, true).await, "/cases/");
    }
    let first = app.get("/cases").await;
    assert_eq!(first.status, StatusCode::OK);
    let rows = |page: &Page| {
        page.html()
            .select(&scraper::Selector::parse("#cases tbody tr td:first-child").unwrap())
            .map(|td| td.text().collect::<String>().trim().parse::<i64>().unwrap())
            .collect::<Vec<_>>()
    };
    let page_one = rows(&first);
    assert_eq!(page_one.len(), 50);
    assert!(page_one.windows(2).all(|w| w[0] > w[1]), "newest first");
    let next = first
        .html()
        .select(&scraper::Selector::parse("#next-page").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let page_two = rows(&app.get(&next).await);
    assert_eq!(page_two.len(), 5);
    assert!(page_two.iter().all(|id| !page_one.contains(id)));

    let forced = rows(&app.get("/cases?form=forced_labor&order=oldest").await);
    assert_eq!(forced.len(), 11);
    assert!(forced.windows(2).all(|w| w[0] < w[1]), "oldest first");
    assert_eq!(rows(&app.get("/cases?status=closed").await).len(), 0);
    assert_eq!(
        rows(&app.get("/cases?mine=1").await).len(),
        0,
        "none assigned to me"
    );
    let today = days_ago(0);
    assert_eq!(
        rows(
            &app.get(&format!("/cases?from={today}&to={today}&risk=high"))
                .await
        )
        .len(),
        50
    );

    let bad = app.get("/cases?status=bogus&from=31.02.2026").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text_of("#status-error").is_some());
    assert!(bad.text_of("#from-error").is_some());
    assert_eq!(
        app.get("/cases?after=garbage").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[actix_web::test]
async fn the_home_page_shows_the_workers_queue_and_what_is_overdue() {
    let app = TestApp::spawn().await;
    let worker = app.login_as(Role::CaseWorker).await;
    let boss = app.other_browser();
    boss.login_as(Role::Supervisor).await;
    let id = new_case(&app, true).await;
    let worker_id = user_id(&app, &worker);
    saved(
        &with_version(
            &boss,
            id,
            &format!("/cases/{id}/assign"),
            &[("assignee", &worker_id)],
        )
        .await,
        id,
    );
    let home = app.get("/").await;
    assert!(
        home.text_of("#my-cases")
            .unwrap()
            .contains("Токтогулова Айгүл")
    );
    assert_eq!(home.text_of("#my-cases-count").unwrap().trim(), "1");
    assert!(home.text_of("#my-cases li.late").is_none());
    assert!(home.text_of("#nav-count-cases").is_none());
    diesel::update(cases::table.find(id))
        .set(cases::due_on.eq(chrono::NaiveDate::from_ymd_opt(2026, 1, 1)))
        .execute(&mut app.conn())
        .unwrap();
    let home = app.get("/").await;
    assert!(
        home.text_of("#my-cases li.late")
            .unwrap()
            .contains("Токтогулова Айгүл")
    );
    assert!(home.text_of("#nav-count-cases").is_some());
    assert!(
        boss.get("/")
            .await
            .text_of("#overdue-cases")
            .unwrap()
            .contains("Токтогулова Айгүл")
    );
    let page = app.get(&format!("/cases/{id}")).await;
    assert!(page.text_of("#overdue").is_some());
    // An unanswered referral past its date shows on both sides.
    let (centre, _) = provider(&app, "Umut Centre");
    saved(&refer(&app, id, centre, &[], &[]).await, id);
    diesel::update(referrals::table)
        .set(referrals::answer_by.eq(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()))
        .execute(&mut app.conn())
        .unwrap();
    let home = boss.get("/").await;
    assert!(
        home.text_of("#overdue-referrals")
            .unwrap()
            .contains("Токтогулова Айгүл")
    );
}

/// The demo has cases in every status and referrals in every state, over
/// three years and two districts, and its closed cases keep the rules.
#[actix_web::test]
async fn the_demo_has_every_status_and_keeps_the_rules() {
    let app = TestApp::spawn().await;
    korgoo::demo::load(&app.db.url).unwrap();
    let mut conn = app.conn();
    let statuses: Vec<String> = cases::table
        .select(cases::status)
        .distinct()
        .load(&mut conn)
        .unwrap();
    for s in [
        "new",
        "assessment",
        "case_plan",
        "in_services",
        "monitoring",
        "closed",
    ] {
        assert!(statuses.contains(&s.to_owned()), "no demo case is {s}");
    }
    let states: Vec<String> = referrals::table
        .select(referrals::status)
        .distinct()
        .load(&mut conn)
        .unwrap();
    for s in [
        "sent",
        "accepted",
        "declined",
        "in_service",
        "completed",
        "failed",
    ] {
        assert!(states.contains(&s.to_owned()), "no demo referral is {s}");
    }
    let mut units: Vec<i64> = cases::table.select(cases::unit_id).load(&mut conn).unwrap();
    units.sort();
    units.dedup();
    assert_eq!(units.len(), 2);
    let span: i32 = diesel::dsl::sql::<diesel::sql_types::Integer>(
        "SELECT (max(opened_at)::date - min(opened_at)::date) FROM cases",
    )
    .get_result(&mut conn)
    .unwrap();
    assert!(span > 2 * 365, "{span} days");
    // Every case closed as withdrawn had two clean visits at least 30 days apart.
    let broken: i64 = diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "SELECT count(*) FROM cases c WHERE c.closure_reason = 'withdrawn' AND NOT EXISTS (
           SELECT 1 FROM follow_ups a JOIN follow_ups b ON b.case_id = a.case_id
           WHERE a.case_id = c.id AND NOT a.still_working AND NOT b.still_working
             AND b.visited_on - a.visited_on >= 30)",
    )
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(broken, 0);
    let withdrawn: i64 = cases::table
        .filter(cases::closure_reason.eq("withdrawn"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert!(withdrawn >= 3);
    // The demo supervisor's home page works on it.
    app.login("supervisor.karasuu", korgoo::demo::DEMO_PASSWORD)
        .await;
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text_of("#queue").is_some());
}

#[actix_web::test]
async fn the_monitoring_rule_counts_clean_visits_far_enough_apart_since_the_last_reopening() {
    let app = TestApp::spawn().await;
    let worker = app.login_as(Role::CaseWorker).await;
    let boss = app.other_browser();
    boss.login_as(Role::Supervisor).await;
    let id = new_case(&app, true).await;
    backdate(&app, id, 400);
    to_monitoring(&app, &boss, &worker, id).await;
    let withdrawn = [("closure_reason", "withdrawn"), ("closure_note", "")];

    // Two clean visits 29 days apart are not enough; found working is not clean.
    saved(&follow_up(&app, id, &days_ago(300), "no").await, id);
    saved(&follow_up(&app, id, &days_ago(271), "no").await, id);
    assert_eq!(
        step(&app, id, "request_closure", &withdrawn).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    saved(&follow_up(&app, id, &days_ago(200), "yes").await, id);
    assert_eq!(
        step(&app, id, "request_closure", &withdrawn).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    saved(&follow_up(&app, id, &days_ago(150), "no").await, id);
    saved(&follow_up(&app, id, &days_ago(120), "no").await, id);
    saved(&step(&app, id, "request_closure", &withdrawn).await, id);

    // The visit recorded meanwhile found the child working: the approval
    // checks the rule again and refuses.
    saved(&follow_up(&app, id, &days_ago(110), "yes").await, id);
    let refused = step(&boss, id, "approve_closure", &[("comment", "")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text_of("#step-error").is_some());
    saved(
        &step(
            &boss,
            id,
            "reject_closure",
            &[("comment", "Working again.")],
        )
        .await,
        id,
    );
    saved(&follow_up(&app, id, &days_ago(60), "no").await, id);
    saved(&follow_up(&app, id, &days_ago(30), "no").await, id);
    saved(&step(&app, id, "request_closure", &withdrawn).await, id);
    saved(
        &step(&boss, id, "approve_closure", &[("comment", "")]).await,
        id,
    );

    // Reopened: the old visits no longer count.
    saved(
        &step(&boss, id, "reopen", &[("comment", "Seen at the bazaar.")]).await,
        id,
    );
    let early = step(&app, id, "request_closure", &withdrawn).await;
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not in monitoring"
    );
    to_monitoring(&app, &boss, &worker, id).await;
    let no_new_visits = step(&app, id, "request_closure", &withdrawn).await;
    assert_eq!(no_new_visits.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_new_visits.text_of("#closure_reason-error").is_some());
}

#[actix_web::test]
async fn nobody_approves_their_own_plan_or_closure_and_only_the_head_reopens() {
    let app = TestApp::spawn().await;
    let head = app.login_as(Role::Supervisor).await;
    let other_head = app.other_browser();
    other_head.login_as(Role::Supervisor).await;
    let id = new_case(&app, true).await;
    let me = user_id(&app, &head);
    saved(
        &with_version(
            &app,
            id,
            &format!("/cases/{id}/assign"),
            &[("assignee", &me)],
        )
        .await,
        id,
    );
    saved(&step(&app, id, "start_assessment", &[]).await, id);
    saved(
        &step(
            &app,
            id,
            "record_assessment",
            &[("assessment", "x"), ("risk", "low")],
        )
        .await,
        id,
    );
    saved(
        &step(&app, id, "submit_plan", &[("plan", "My own plan.")]).await,
        id,
    );
    let own = step(&app, id, "approve_plan", &[("comment", "")]).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(own.text_of("#step-error").is_some());
    saved(
        &step(&other_head, id, "approve_plan", &[("comment", "")]).await,
        id,
    );
    saved(
        &step(
            &app,
            id,
            "request_closure",
            &[
                ("closure_reason", "moved_away"),
                ("closure_note", "Moved to Osh city."),
            ],
        )
        .await,
        id,
    );
    assert_eq!(
        step(&app, id, "approve_closure", &[]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    saved(
        &step(&other_head, id, "approve_closure", &[("comment", "")]).await,
        id,
    );
    let worker = app.other_browser();
    worker.login_as(Role::CaseWorker).await;
    assert_eq!(
        step(&worker, id, "reopen", &[("comment", "x")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(status(&app, id), "closed");
}

#[actix_web::test]
async fn a_visit_saved_twice_is_recorded_once() {
    let app = TestApp::spawn().await;
    let worker = app.login_as(Role::CaseWorker).await;
    let boss = app.other_browser();
    boss.login_as(Role::Supervisor).await;
    let id = new_case(&app, true).await;
    to_monitoring(&app, &boss, &worker, id).await;
    let v = version(&app, id);
    let today = days_ago(0);
    let fields = [
        ("version", v.as_str()),
        ("visited_on", today.as_str()),
        ("still_working", "no"),
        ("attending_school", "yes"),
        ("notes", ""),
    ];
    saved(
        &app.post_form(&format!("/cases/{id}/follow-ups"), &fields)
            .await,
        id,
    );
    let again = app
        .post_form(&format!("/cases/{id}/follow-ups"), &fields)
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(app.count("follow_ups"), 1);
}

#[actix_web::test]
async fn transfers_are_the_heads_decision_one_at_a_time_and_can_be_declined() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let boss = app.other_browser();
    boss.login_as(Role::Supervisor).await;
    let id = new_case(&app, true).await;
    let sokuluk = fixtures::agency_by_code(&mut app.conn(), "CSU-KG-C-SOKULUK");
    let unit = sokuluk.to_string();
    let ask = [("unit", unit.as_str()), ("notes", "The family moved.")];
    assert_eq!(
        with_version(&app, id, &format!("/cases/{id}/transfer"), &ask)
            .await
            .status,
        StatusCode::FORBIDDEN,
        "a case worker does not transfer"
    );
    saved(
        &with_version(&boss, id, &format!("/cases/{id}/transfer"), &ask).await,
        id,
    );
    let twice = with_version(&boss, id, &format!("/cases/{id}/transfer"), &ask).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A case worker of the receiving unit does not see or decide it.
    let their_worker = app.other_browser();
    their_worker
        .login(
            &fixtures::user_in(&app.db.url, Role::CaseWorker, sokuluk),
            crate::common::PASSWORD,
        )
        .await;
    assert_eq!(
        their_worker.get(&format!("/cases/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let their_head = app.other_browser();
    their_head
        .login(
            &fixtures::user_in(&app.db.url, Role::Supervisor, sokuluk),
            crate::common::PASSWORD,
        )
        .await;
    let bare = with_version(
        &their_head,
        id,
        &format!("/cases/{id}/transfer/answer"),
        &[("answer", "decline"), ("comment", "")],
    )
    .await;
    assert_eq!(
        bare.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "declining needs a reason"
    );
    let declined = with_version(
        &their_head,
        id,
        &format!("/cases/{id}/transfer/answer"),
        &[
            ("answer", "decline"),
            ("comment", "The family is not registered here."),
        ],
    )
    .await;
    assert_eq!(declined.status, StatusCode::SEE_OTHER);
    let (unit_now, pending): (i64, Option<i64>) = cases::table
        .find(id)
        .select((cases::unit_id, cases::transfer_to_unit_id))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        unit_now,
        fixtures::agency_by_code(&mut app.conn(), "CSU-KG-O-KARASUU")
    );
    assert_eq!(pending, None);
    assert!(event_kinds(&app, id).contains(&"transfer_declined".to_owned()));
    assert_eq!(
        their_head.get(&format!("/cases/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn a_provider_answers_each_step_once_and_sees_what_is_overdue() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let id = new_case(&app, true).await;
    let (centre, staff) = provider(&app, "Umut Centre");
    saved(&refer(&app, id, centre, &[], &[]).await, id);
    let referral: i64 = referrals::table
        .select(referrals::id)
        .first(&mut app.conn())
        .unwrap();
    diesel::update(referrals::table)
        .set(referrals::answer_by.eq(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()))
        .execute(&mut app.conn())
        .unwrap();
    let ours = app.other_browser();
    ours.login(&staff, crate::common::PASSWORD).await;
    let queue = ours.get("/referrals").await;
    assert!(
        queue.text_of("#referral-queue .badge").is_some(),
        "overdue on the provider's side"
    );
    let answer = |step: &'static str, note: &'static str, v: String| {
        let ours = &ours;
        async move {
            ours.post_form(
                &format!("/referrals/{referral}/step"),
                &[("step", step), ("version", &v), ("note", note)],
            )
            .await
        }
    };
    let v1 = ours
        .get(&format!("/referrals/{referral}"))
        .await
        .input_value("version")
        .unwrap();
    assert_eq!(
        answer("accept", "", v1.clone()).await.status,
        StatusCode::SEE_OTHER
    );
    // The same click again, on the old page: stale, nothing changes.
    assert_eq!(
        answer("accept", "", v1.clone()).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        answer("decline", "full", v1).await.status,
        StatusCode::CONFLICT
    );
    let v2 = ours
        .get(&format!("/referrals/{referral}"))
        .await
        .input_value("version")
        .unwrap();
    assert_eq!(
        answer("complete", "", v2.clone()).await.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not started yet"
    );
    assert_eq!(answer("start", "", v2).await.status, StatusCode::SEE_OTHER);
    let v3 = ours
        .get(&format!("/referrals/{referral}"))
        .await
        .input_value("version")
        .unwrap();
    let bare = answer("fail", "", v3.clone()).await;
    assert_eq!(
        bare.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a failure says why"
    );
    assert!(bare.text_of("#note-error").is_some());
    assert_eq!(
        answer("fail", "The family stopped coming.", v3)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let (status, outcome): (String, String) = referrals::table
        .find(referral)
        .select((referrals::status, referrals::outcome_note))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        (status.as_str(), outcome.as_str()),
        ("failed", "The family stopped coming.")
    );
    // Other roles never reach a referral.
    for role in [
        Role::Official,
        Role::Police,
        Role::Prosecutor,
        Role::Inspector,
        Role::Admin,
    ] {
        let other = app.other_browser();
        other.login_as(role).await;
        assert_ne!(
            other.get(&format!("/referrals/{referral}")).await.status,
            StatusCode::OK,
            "{role}"
        );
        assert_ne!(
            other.get("/referrals").await.status,
            StatusCode::OK,
            "{role}"
        );
    }
}

#[actix_web::test]
async fn impossible_dates_and_cursors_are_refused_not_crashed_on() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    for query in ["from=-5000-01-01", "to=31.12.-5000", "from=0001-01-01"] {
        let page = app.get(&format!("/cases?{query}")).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
    }
    assert_eq!(
        app.get("/cases?after=-8000000000000000000.1").await.status,
        StatusCode::BAD_REQUEST
    );
    let child = register_child(&app, "Токтогулова", "Айгүл", "05.03.2012").await;
    let child = child.to_string();
    let page = app
        .post_form(
            "/cases",
            &[
                ("child", child.as_str()),
                ("source", "school"),
                ("forms", "hazardous_work"),
                ("sector", "agriculture"),
                ("risk", "low"),
                ("narrative", ""),
                ("consent_given_by", "mother"),
                ("consent_given_on", "-5000-01-01"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text_of("#consent_given_on-error").is_some());
    assert_eq!(
        page.input_value("consent_given_by").as_deref(),
        Some("mother")
    );
    assert_eq!(app.count("cases"), 0);
    let id = new_case(&app, true).await;
    let huge = app
        .post_form(
            &format!("/cases/{id}/step"),
            &[("step", "start_assessment"), ("version", "2147483647")],
        )
        .await;
    assert_eq!(huge.status, StatusCode::CONFLICT);
}

/// The case list is searched by a child's name in any spelling without the
/// name reaching an address (issue 21): posted, kept for the session, and the
/// results at `/cases?named=1`, which Back shows again.
#[actix_web::test]
async fn the_case_list_finds_a_childs_name_in_any_spelling_without_putting_it_in_an_address() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let id = new_case(&app, true).await;
    let other = register_child(&app, "Асанов", "Бакыт", "01.02.2013").await;
    let other_case = id_from(
        &open_case(&app, other, &["hazardous_work"], true).await,
        "/cases/",
    );
    let link = |case: i64| format!("href=\"/cases/{case}\"");

    let posted = app
        .post_form(
            "/cases/search",
            &[("name", "Toktogulova"), ("status", "new")],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    let to = posted.location().unwrap().to_owned();
    assert_eq!(
        to, "/cases?status=new&named=1",
        "the filters stay, the name does not"
    );
    let found = app.get(&to).await;
    assert_eq!(found.status, StatusCode::OK);
    found.assert_contains(&link(id));
    assert!(!found.body.contains(&link(other_case)));
    assert_eq!(found.input_value("name").as_deref(), Some("Toktogulova"));
    // Back, or a reload: the same results, nothing resent.
    let back = app.get(&to).await;
    back.assert_contains(&link(id));
    // The clear link shows every case again with the other filters.
    let all = app.get("/cases?status=new").await;
    all.assert_contains(&link(id));
    all.assert_contains(&link(other_case));
    // Another spelling, another child.
    let asanov = app
        .post_following_to("/cases/search", &[("name", "асанов бакыт")])
        .await;
    asanov.assert_contains(&link(other_case));
    assert!(!asanov.body.contains(&link(id)));
    // The audit says a name was searched, never which.
    let details: Vec<serde_json::Value> = korgoo::db::schema::audit_log::table
        .filter(korgoo::db::schema::audit_log::action.eq("children_listed"))
        .select(korgoo::db::schema::audit_log::details)
        .load(&mut app.conn())
        .unwrap();
    assert!(
        details.iter().any(|d| d["filter"]["by_name"] == true),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .all(|d| !d.to_string().to_lowercase().contains("toktogul")
                && !d.to_string().contains("Асанов")),
        "{details:?}"
    );
    // Too long a name: said next to the field, the list not read.
    let long = "ы".repeat(201);
    let refused = app
        .post_following_to("/cases/search", &[("name", &long)])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text_of("#name-error").is_some());
}
