//! Two people saving the same record at the same moment: the requests are
//! sent together (not one after the other), so the database decides. One
//! save wins; the other gets 409 with the winner's version on the page and
//! its own input still in the form; the record holds the winner's change
//! exactly once, and its version moved by one.

use diesel::prelude::*;
use korgoo::db::schema::{case_events, cases, investigations, referrals};
use korgoo::policy::Role;
use reqwest::StatusCode;

use crate::cases::{new_case, provider, refer};
use crate::common::{Page, TestApp, days_ago, fixtures};
use crate::inspections::{browser, cotton_farm, inspection_form, office, record_inspection};
use crate::investigations::open_investigation;

/// Rounds per record kind: each round is a fresh race over the current
/// version, so both interleavings (checked before the write, or lost at the
/// conditional UPDATE) get their chance.
const ROUNDS: usize = 4;

/// Send both saves to `path` at the same moment, `forms[i]` from
/// `browsers[i]`. Asserts that exactly one was saved (303) and the other
/// refused as a conflict (409); returns the winner's index and the loser's
/// page.
async fn race(browsers: [&TestApp; 2], path: &str, forms: [&[(&str, &str)]; 2]) -> (usize, Page) {
    let (first, second) = tokio::join!(
        browsers[0].post_form(path, forms[0]),
        browsers[1].post_form(path, forms[1])
    );
    match (first.status, second.status) {
        (StatusCode::SEE_OTHER, StatusCode::CONFLICT) => (0, second),
        (StatusCode::CONFLICT, StatusCode::SEE_OTHER) => (1, first),
        statuses => panic!(
            "expected one save and one conflict, got {statuses:?}:\n{}\n{}",
            first.body, second.body
        ),
    }
}

fn sql_i64(app: &TestApp, sql: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(sql)
        .get_result::<N>(&mut app.conn())
        .unwrap()
        .n
}

/// The textarea's content (the user's kept input) on a page.
fn textarea(page: &Page, name: &str) -> String {
    page.text_of(&format!("textarea[name=\"{name}\"]"))
        .unwrap_or_default()
}

/// What the user typed, kept on the conflict page: still in the form, or
/// (when the winner's answer left nothing more to do) shown as not saved.
fn kept_note(page: &Page) -> String {
    match page.text_of("textarea[name=\"note\"]") {
        Some(note) => note,
        None => page.text_of("#unsaved .pre").unwrap_or_default(),
    }
}

#[actix_web::test]
async fn two_workers_saving_one_case_at_once() {
    let app = TestApp::spawn().await;
    let first = app.login_as(Role::CaseWorker).await;
    let id = new_case(&app, true).await;
    let unit = fixtures::agency_of(&mut app.conn(), &first);
    let second = app.other_browser();
    second
        .login(
            &fixtures::user_in(&app.db.url, Role::CaseWorker, unit),
            crate::common::PASSWORD,
        )
        .await;
    let browsers = [&app, &second];
    for round in 0..ROUNDS {
        let forms = [
            app.get(&format!("/cases/{id}/edit")).await,
            second.get(&format!("/cases/{id}/edit")).await,
        ];
        let v = forms[0].input_value("version").unwrap();
        assert_eq!(forms[1].input_value("version").unwrap(), v);
        let narratives = [
            format!("Round {round}: the first worker's account."),
            format!("Round {round}: the second worker's account."),
        ];
        let fields = |n: usize| {
            vec![
                ("version", v.clone()),
                ("source", "inspection".to_owned()),
                ("forms", "hazardous_work".to_owned()),
                ("sector", "agriculture".to_owned()),
                ("risk", ["low", "high"][n].to_owned()),
                ("narrative", narratives[n].clone()),
            ]
        };
        let (a, b) = (fields(0), fields(1));
        let (a, b) = (borrowed(&a), borrowed(&b));
        let path = format!("/cases/{id}");
        let (w, lost) = race(browsers, &path, [&a, &b]).await;
        let lost = &lost;
        let theirs = lost.text_of("#conflict").expect("the conflict panel");
        assert!(theirs.contains(&narratives[w]), "their version: {theirs}");
        assert_eq!(textarea(lost, "narrative"), narratives[1 - w], "mine kept");
        let (narrative, version): (String, i32) = cases::table
            .find(id)
            .select((cases::narrative, cases::version))
            .first(&mut app.conn())
            .unwrap();
        assert_eq!(narrative, narratives[w]);
        assert_eq!(version, v.parse::<i32>().unwrap() + 1, "one save, not two");
        assert_eq!(
            lost.input_value("version").unwrap(),
            version.to_string(),
            "saving again from the conflict page goes over the winner's version"
        );
    }
}

fn borrowed<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[actix_web::test]
async fn two_provider_staff_answering_one_referral_at_once() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let case = new_case(&app, true).await;
    let (centre, staff) = provider(&app, "Umut Centre");
    let colleague = fixtures::user_in(&app.db.url, Role::ServiceProvider, centre);
    let a = browser(&app, &staff).await;
    let b = browser(&app, &colleague).await;
    for round in 0..ROUNDS {
        let page = refer(&app, case, centre, &[], &[]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let referral: i64 = referrals::table
            .filter(referrals::case_id.eq(case))
            .select(referrals::id)
            .order(referrals::id.desc())
            .first(&mut app.conn())
            .unwrap();
        let path = format!("/referrals/{referral}");
        let v = a.get(&path).await.input_value("version").unwrap();
        assert_eq!(b.get(&path).await.input_value("version").unwrap(), v);
        let notes = [
            format!("Round {round}: we take her tomorrow."),
            format!("Round {round}: no place for her this month."),
        ];
        let step = format!("{path}/step");
        let accept = [("step", "accept"), ("version", &v), ("note", &notes[0])];
        let decline = [("step", "decline"), ("version", &v), ("note", &notes[1])];
        let (w, lost) = race([&a, &b], &step, [&accept, &decline]).await;
        let lost = &lost;
        assert!(lost.text_of("#stale").is_some());
        let shown_status = lost.text_of("#referral-status").unwrap();
        let expected = ["Кабыл алынды", "Баш тартылды"][w];
        assert!(
            shown_status.contains(expected),
            "the winner's answer is shown: {shown_status}"
        );
        assert_eq!(kept_note(lost), notes[1 - w], "mine kept");
        let status: String = referrals::table
            .find(referral)
            .select(referrals::status)
            .first(&mut app.conn())
            .unwrap();
        assert_eq!(status, ["accepted", "declined"][w]);
        let answers: i64 = case_events::table
            .filter(case_events::case_id.eq(case))
            .filter(case_events::kind.eq_any(["referral_accepted", "referral_declined"]))
            .filter(case_events::note.like(format!("Round {round}:%")))
            .count()
            .get_result(&mut app.conn())
            .unwrap();
        assert_eq!(answers, 1, "one answer on the case's timeline");
        if w == 0 {
            // Free the case for the next referral of the same service.
            let done = a
                .post_form(
                    &step,
                    &[
                        ("step", "fail"),
                        ("version", &(v.parse::<i32>().unwrap() + 1).to_string()),
                        ("note", "Moved away."),
                    ],
                )
                .await;
            assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        }
    }
}

#[actix_web::test]
async fn two_inspectors_saving_one_inspection_at_once() {
    let app = TestApp::spawn().await;
    let osh = office(&app, "KG-O", "Osh office", 2);
    let me = browser(&app, &osh.inspectors[0]).await;
    let colleague = browser(&app, &osh.inspectors[1]).await;
    let farm = cotton_farm(&me, "Папан пахта талаасы").await;
    let colleague_id = fixtures::user_id(&mut app.conn(), &osh.inspectors[1]).to_string();
    let id = record_inspection(&me, farm, &[&colleague_id]).await;
    let me_id = fixtures::user_id(&mut app.conn(), &osh.inspectors[0]).to_string();
    let browsers = [&me, &colleague];
    let farm = farm.to_string();
    let visited = days_ago(1);
    for round in 0..ROUNDS {
        let path = format!("/inspections/{id}/edit");
        let v = me.get(&path).await.input_value("version").unwrap();
        assert_eq!(
            colleague.get(&path).await.input_value("version").unwrap(),
            v
        );
        let notes = [
            format!("Round {round}: the owner signed the protocol."),
            format!("Round {round}: the owner refused to sign."),
        ];
        let fields = |n: usize| {
            inspection_form(
                &farm,
                &visited,
                &[&me_id, &colleague_id],
                &[("notes", &notes[n]), ("version", &v)],
            )
        };
        let (a, b) = (fields(0), fields(1));
        let target = format!("/inspections/{id}");
        let (w, lost) = race(browsers, &target, [&a, &b]).await;
        let lost = &lost;
        let theirs = lost.text_of("#conflict").expect("the conflict panel");
        assert!(theirs.contains(&notes[w]), "their version: {theirs}");
        assert_eq!(textarea(lost, "notes"), notes[1 - w], "mine kept");
        let stored = sql_i64(
            &app,
            &format!(
                "SELECT count(*) AS n FROM inspections WHERE id = {id} AND notes = '{}' AND version = {}",
                notes[w].replace('\'', "''"),
                v.parse::<i64>().unwrap() + 1
            ),
        );
        assert_eq!(stored, 1, "the winner's notes, saved once");
    }
}

#[actix_web::test]
async fn two_prosecutors_moving_one_investigation_at_once() {
    let app = TestApp::spawn().await;
    let first = app.login_as(Role::Prosecutor).await;
    let agency = fixtures::agency_of(&mut app.conn(), &first);
    let second = browser(
        &app,
        &fixtures::user_in(&app.db.url, Role::Prosecutor, agency),
    )
    .await;
    let browsers = [&app, &second];
    let opened = days_ago(60);
    for round in 0..ROUNDS {
        let id = open_investigation(&app, "forced_child_labor", &opened).await;
        let path = format!("/investigations/{id}");
        let v = app.get(&path).await.input_value("version").unwrap();
        assert_eq!(second.get(&path).await.input_value("version").unwrap(), v);
        let dates = [days_ago(10 + round as u64), days_ago(20 + round as u64)];
        // Odd rounds race a final move: when it wins, no form is left on
        // the loser's page, and what they typed is shown as not saved.
        let (moves, stages, labels) = if round % 2 == 0 {
            (
                ["send_to_court", "suspend"],
                ["in_court", "suspended"],
                ["Сотко жөнөтүлдү", "Убактылуу токтотулду"],
            )
        } else {
            (
                ["send_to_court", "dismiss"],
                ["in_court", "dismissed"],
                ["Сотко жөнөтүлдү", "Кылмыш иши токтотулду"],
            )
        };
        let fields = |n: usize| {
            vec![
                ("move", moves[n].to_owned()),
                ("version", v.clone()),
                ("on", dates[n].clone()),
            ]
        };
        let (a, b) = (fields(0), fields(1));
        let (a, b) = (borrowed(&a), borrowed(&b));
        let target = format!("{path}/move");
        let (w, lost) = race(browsers, &target, [&a, &b]).await;
        let lost = &lost;
        assert!(lost.text_of("#stale").is_some());
        let shown = lost.text_of("#investigation-stage").unwrap();
        assert!(shown.contains(labels[w]), "the winner's stage: {shown}");
        let kept = lost
            .input_value("on")
            .or_else(|| lost.text_of("#unsaved"))
            .unwrap_or_default();
        assert!(kept.contains(&dates[1 - w]), "mine kept: {kept}");
        let (stage, version): (String, i32) = investigations::table
            .find(id)
            .select((investigations::stage, investigations::version))
            .first(&mut app.conn())
            .unwrap();
        assert_eq!(stage, stages[w]);
        assert_eq!(version, v.parse::<i32>().unwrap() + 1);
        let moved = sql_i64(
            &app,
            &format!(
                "SELECT count(*) AS n FROM investigation_events WHERE investigation_id = {id} AND kind = 'stage'"
            ),
        );
        assert_eq!(moved, 1, "one move on the record");
    }
}

/// The races above leave it to chance whether the winner's answer is final;
/// here it is, on purpose: the loser's page has no form left, and shows what
/// they typed, marked as not saved.
#[actix_web::test]
async fn what_the_loser_typed_stays_on_the_page_when_the_winner_ended_the_record() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let case = new_case(&app, true).await;
    let (centre, staff) = provider(&app, "Umut Centre");
    let colleague = fixtures::user_in(&app.db.url, Role::ServiceProvider, centre);
    let (a, b) = (browser(&app, &staff).await, browser(&app, &colleague).await);
    let page = refer(&app, case, centre, &[], &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let referral: i64 = referrals::table
        .select(referrals::id)
        .first(&mut app.conn())
        .unwrap();
    let step = format!("/referrals/{referral}/step");
    let v = a
        .get(&format!("/referrals/{referral}"))
        .await
        .input_value("version")
        .unwrap();
    let declined = b
        .post_form(
            &step,
            &[("step", "decline"), ("version", &v), ("note", "No place.")],
        )
        .await;
    assert_eq!(declined.status, StatusCode::SEE_OTHER, "{}", declined.body);
    let lost = a
        .post_form(
            &step,
            &[
                ("step", "accept"),
                ("version", &v),
                ("note", "We take her at 9."),
            ],
        )
        .await;
    assert_eq!(lost.status, StatusCode::CONFLICT);
    assert!(
        lost.text_of("textarea[name=\"note\"]").is_none(),
        "no form left"
    );
    assert_eq!(
        lost.text_of("#unsaved .pre").as_deref(),
        Some("We take her at 9.")
    );

    let first = app.other_browser();
    let login = first.login_as(Role::Prosecutor).await;
    let agency = fixtures::agency_of(&mut app.conn(), &login);
    let second = browser(
        &app,
        &fixtures::user_in(&app.db.url, Role::Prosecutor, agency),
    )
    .await;
    let opened = days_ago(60);
    let id = open_investigation(&first, "forced_child_labor", &opened).await;
    let v = crate::investigations::version(&app, id);
    let moved = format!("/investigations/{id}/move");
    let on = days_ago(3);
    let dismissed = second
        .post_form(&moved, &[("move", "dismiss"), ("version", &v), ("on", &on)])
        .await;
    assert_eq!(
        dismissed.status,
        StatusCode::SEE_OTHER,
        "{}",
        dismissed.body
    );
    let mine = days_ago(2);
    let lost = first
        .post_form(
            &moved,
            &[("move", "send_to_court"), ("version", &v), ("on", &mine)],
        )
        .await;
    assert_eq!(lost.status, StatusCode::CONFLICT);
    assert!(lost.input_value("on").is_none(), "no form left");
    let kept = lost.text_of("#unsaved").unwrap_or_default();
    assert!(kept.contains(&mine), "mine kept: {kept}");
}
