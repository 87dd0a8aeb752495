//! Three languages, always: every message in all three, no text in templates,
//! plural rules per language, negotiation and remembering of the choice.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use diesel::prelude::*;
use korgoo::admin::model::{AgencyKind, ServiceKind};
use korgoo::audit::{AuditAction, TargetKind};
use korgoo::db::schema::users;
use korgoo::policy::Role;
use korgoo::web::i18n::{Arg, Lang, MISSING_MARK, Translator};
use regex::Regex;
use reqwest::StatusCode;

use crate::common::{PASSWORD, TestApp};

fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path, extension));
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn keys_of(lang: &str) -> BTreeSet<String> {
    let ident = Regex::new(r"(?m)^(-?[A-Za-z][A-Za-z0-9_-]*)\s*=").unwrap();
    files(&Path::new("locales").join(lang), "ftl")
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            ident
                .captures_iter(&text)
                .map(|c| c[1].to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_message_exists_in_all_three_languages() {
    let ky = keys_of("ky");
    let ru = keys_of("ru");
    let en = keys_of("en");
    assert!(ky.len() > 100);
    let all: BTreeSet<_> = ky.union(&ru).chain(en.iter()).cloned().collect();
    for (lang, keys) in [("ky", &ky), ("ru", &ru), ("en", &en)] {
        let missing: Vec<_> = all.difference(keys).collect();
        assert!(missing.is_empty(), "{lang} is missing {missing:?}");
    }
    // And the same files in each language.
    let names = |l: &str| -> Vec<_> {
        files(&Path::new("locales").join(l), "ftl")
            .iter()
            .map(|p| p.file_name().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("ky"), names("ru"));
    assert_eq!(names("ky"), names("en"));
}

#[test]
fn every_key_the_code_uses_is_a_message() {
    let translator = Translator::load().expect("locales load without errors");
    let mut used: BTreeSet<String> = BTreeSet::new();
    let call = Regex::new(r#"\bt[1n]?\(\s*"([a-z0-9-]+)""#).unwrap();
    for file in files(Path::new("templates"), "html") {
        let text = std::fs::read_to_string(&file).unwrap();
        used.extend(call.captures_iter(&text).map(|c| c[1].to_owned()));
    }
    let literal = Regex::new(r#""((?:error|flash)-[a-z0-9-]+)""#).unwrap();
    for file in files(Path::new("src"), "rs") {
        let text = std::fs::read_to_string(&file).unwrap();
        used.extend(literal.captures_iter(&text).map(|c| c[1].to_owned()));
    }
    for role in Role::ALL {
        used.insert(role.message_key());
        used.insert(format!("{}-about", role.message_key()));
    }
    used.extend(AgencyKind::ALL.iter().map(|k| k.message_key()));
    used.extend(ServiceKind::ALL.iter().map(|k| k.message_key()));
    used.extend(AuditAction::ALL.iter().map(|k| k.message_key()));
    used.extend(TargetKind::ALL.iter().map(|k| k.message_key()));
    used.extend(Lang::ALL.iter().map(|k| k.message_key()));
    {
        use korgoo::children::model::{ChildLanguage, Disability, SchoolStatus, Sex};
        used.extend(Sex::ALL.iter().map(|k| k.message_key()));
        used.extend(ChildLanguage::ALL.iter().map(|k| k.message_key()));
        used.extend(SchoolStatus::ALL.iter().map(|k| k.message_key()));
        used.extend(Disability::ALL.iter().map(|k| k.message_key()));
    }
    {
        use korgoo::cases::model::{
            CaseSource, CaseStatus, ClosureReason, EventKind, ExploitationForm, Risk, Sector,
        };
        use korgoo::cases::workflow::Step;
        use korgoo::referrals::model::{ReferralStatus, ReferralStep, Shared, Urgency};
        used.extend(CaseSource::ALL.iter().map(|k| k.message_key()));
        used.extend(CaseStatus::ALL.iter().map(|k| k.message_key()));
        used.extend(ClosureReason::ALL.iter().map(|k| k.message_key()));
        used.extend(EventKind::ALL.iter().map(|k| k.message_key()));
        used.extend(ExploitationForm::ALL.iter().map(|k| k.message_key()));
        used.extend(Risk::ALL.iter().map(|k| k.message_key()));
        used.extend(Sector::ALL.iter().map(|k| k.message_key()));
        used.extend(Step::ALL.iter().map(|k| k.message_key()));
        used.extend(ReferralStatus::ALL.iter().map(|k| k.message_key()));
        used.extend(ReferralStep::ALL.iter().map(|k| k.message_key()));
        used.extend(Shared::ALL.iter().map(|k| k.message_key()));
        used.extend(Urgency::ALL.iter().map(|k| k.message_key()));
    }
    {
        use korgoo::inspections::model::{
            EstablishmentKind, InspectionKind, InspectionMethod, InspectionStatus, PenaltyStatus,
            ViolationKind,
        };
        used.extend(EstablishmentKind::ALL.iter().map(|k| k.message_key()));
        used.extend(InspectionKind::ALL.iter().map(|k| k.message_key()));
        used.extend(InspectionMethod::ALL.iter().map(|k| k.message_key()));
        used.extend(InspectionStatus::ALL.iter().map(|k| k.message_key()));
        used.extend(PenaltyStatus::ALL.iter().map(|k| k.message_key()));
        used.extend(ViolationKind::ALL.iter().map(|k| k.message_key()));
        {
            use korgoo::investigations::model::{
                ChildRole, InvestigationEvent, LeStatus, Offense, Stage,
            };
            use korgoo::investigations::stages::Move;
            used.extend(ChildRole::ALL.iter().map(|k| k.message_key()));
            used.extend(InvestigationEvent::ALL.iter().map(|k| k.message_key()));
            used.extend(LeStatus::ALL.iter().map(|k| k.message_key()));
            used.extend(Offense::ALL.iter().map(|k| k.message_key()));
            used.extend(Stage::ALL.iter().map(|k| k.message_key()));
            used.extend(Move::ALL.iter().map(|k| k.message_key()));
        }
        for band in ["under-14", "14-15", "16-17"] {
            used.insert(format!("band-girls-{band}"));
            used.insert(format!("band-boys-{band}"));
        }
    }
    {
        use korgoo::complaints::model::ComplaintStatus;
        use korgoo::training::model::Course;
        used.extend(Course::ALL.iter().map(|k| k.message_key()));
        used.extend(ComplaintStatus::ALL.iter().map(|k| k.message_key()));
    }
    {
        use korgoo::reports::recommendations::{Area, Progress, RECOMMENDATIONS};
        used.extend(Area::ALL.iter().map(|k| k.message_key()));
        used.extend(Progress::ALL.iter().map(|k| k.message_key()));
        for r in &RECOMMENDATIONS {
            used.insert(format!("recommendation-{}", r.code.replace('_', "-")));
        }
        used.extend(
            korgoo::reports::name::AgeBand::ALL
                .iter()
                .map(|b| b.message_key()),
        );
    }
    assert!(used.len() > 150, "the scan found the keys ({})", used.len());
    for &lang in Lang::ALL {
        let missing: Vec<_> = used.iter().filter(|k| !translator.has(lang, k)).collect();
        assert!(missing.is_empty(), "{lang}: no message for {missing:?}");
    }
}

#[test]
fn templates_hold_no_user_visible_text() {
    let askama = Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}").unwrap();
    let visible_attr =
        Regex::new(r#"(?i)\b(title|placeholder|alt|aria-label|data-label)\s*=\s*"([^"]*)""#)
            .unwrap();
    let tag = Regex::new(r"(?s)<[^>]*>").unwrap();
    let entity = Regex::new(r"&[a-zA-Z]+;|&#\d+;").unwrap();
    let letter = Regex::new(r"\p{L}").unwrap();
    let templates = files(Path::new("templates"), "html");
    assert!(templates.len() >= 10);
    for file in templates {
        let source = std::fs::read_to_string(&file).unwrap();
        let code_free = askama.replace_all(&source, "");
        for attr in visible_attr.captures_iter(&code_free) {
            assert!(
                !letter.is_match(&attr[2]),
                "{}: attribute {}=\"{}\" is text, not a message",
                file.display(),
                &attr[1],
                &attr[2]
            );
        }
        let text = entity
            .replace_all(&tag.replace_all(&code_free, " "), " ")
            .to_string();
        let words: Vec<&str> = text
            .split_whitespace()
            .filter(|w| letter.is_match(w))
            .collect();
        assert!(
            words.is_empty(),
            "{} shows text outside messages: {words:?}",
            file.display()
        );
    }
}

#[test]
fn plural_forms_follow_each_language() {
    let t = Translator::load().unwrap();
    let ru = |n: i64| t.t_args(Lang::Ru, "users-count", &[("count", Arg::Num(n))]);
    assert_eq!(ru(1), "1 пользователь");
    assert_eq!(ru(3), "3 пользователя", "Russian 'few'");
    assert_eq!(ru(5), "5 пользователей", "Russian 'many'");
    assert_eq!(ru(11), "11 пользователей");
    assert_eq!(ru(21), "21 пользователь");
    assert_eq!(ru(22), "22 пользователя");
    let en = |n: i64| t.t_args(Lang::En, "users-count", &[("count", Arg::Num(n))]);
    assert_eq!(en(1), "1 user");
    assert_eq!(en(2), "2 users");
    // Kyrgyz nouns keep their form after a numeral.
    let ky = |n: i64| t.t_args(Lang::Ky, "users-count", &[("count", Arg::Num(n))]);
    assert_eq!(ky(1), "1 колдонуучу");
    assert_eq!(ky(5), "5 колдонуучу");
    // A Russian genitive after "не менее": 21 символа, 12 символов.
    assert!(
        t.t_args(Lang::Ru, "password-rules", &[("min", Arg::Num(21))])
            .starts_with("Не менее 21 символа.")
    );
    assert!(
        t.t_args(Lang::Ru, "password-rules", &[("min", Arg::Num(12))])
            .starts_with("Не менее 12 символов.")
    );
}

#[actix_web::test]
async fn the_sign_in_page_speaks_the_browsers_language_and_kyrgyz_by_default() {
    let app = TestApp::spawn().await;
    for (accept, lang, heading) in [
        (None, "ky", "Кирүү"),
        (Some("ru-RU,ru;q=0.9,en;q=0.8"), "ru", "Вход"),
        (Some("en-US,en;q=0.9"), "en", "Sign in"),
        (Some("de-DE,fr;q=0.5"), "ky", "Кирүү"),
    ] {
        let client = TestApp::new_client();
        let mut request = client.get(app.url("/login"));
        if let Some(a) = accept {
            request = request.header("accept-language", a);
        }
        let body = request.send().await.unwrap().text().await.unwrap();
        assert!(
            body.contains(&format!("<html lang=\"{lang}\">")),
            "{accept:?}"
        );
        let h1 = scraper::Html::parse_document(&body)
            .select(&scraper::Selector::parse("h1").unwrap())
            .next()
            .unwrap()
            .text()
            .collect::<String>();
        assert_eq!(h1, heading);
    }
}

#[actix_web::test]
async fn a_lang_parameter_switches_and_is_remembered_by_cookie_then_by_user() {
    let app = TestApp::spawn().await;
    let switched = app.get("/login?lang=ru&next=%2Fadmin").await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(
        switched.location(),
        Some("/login?next=%2Fadmin"),
        "the rest of the address is kept"
    );
    let cookie = switched
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("korgoo_lang=ru"), "{cookie}");
    let page = app.get_with("/login", &[("accept-language", "en")]).await;
    assert!(
        page.body.contains("<html lang=\"ru\">"),
        "the cookie beats the browser"
    );

    // The language chosen on the sign-in page stays after signing in, and
    // becomes the user's own, kept in the database (issue 21).
    let login = app.create_user(Role::CaseWorker, false).await;
    let locale = |login: &str| -> String {
        users::table
            .filter(users::login.eq(login))
            .select(users::locale)
            .first(&mut app.conn())
            .unwrap()
    };
    assert_eq!(locale(&login), "ky");
    app.login(&login, PASSWORD).await;
    assert!(
        app.get("/").await.body.contains("<html lang=\"ru\">"),
        "the language chosen before signing in"
    );
    assert_eq!(locale(&login), "ru");
    // Without a choice in this browser, the user's saved language.
    let fresh = app.other_browser();
    fresh.login(&login, PASSWORD).await;
    assert!(fresh.get("/").await.body.contains("<html lang=\"ru\">"));
    assert_eq!(app.get("/?lang=en").await.location(), Some("/"));
    assert!(app.get("/").await.body.contains("<html lang=\"en\">"));
    let mut conn = app.conn();
    let saved: String = users::table
        .filter(users::login.eq(&login))
        .select(users::locale)
        .first(&mut conn)
        .unwrap();
    assert_eq!(saved, "en");
    // A fresh browser with no cookie gets the user's language after sign-in.
    let other = app.other_browser();
    other.login(&login, PASSWORD).await;
    assert!(other.get("/").await.body.contains("<html lang=\"en\">"));
    // An unknown language changes nothing.
    let page = other.get("/?lang=xx").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<html lang=\"en\">"));
}

#[actix_web::test]
async fn every_page_renders_completely_in_every_language() {
    let app = TestApp::spawn().await;
    let admin = app.login_as(Role::Admin).await;
    let mut conn = app.conn();
    let id = crate::common::fixtures::user_id(&mut conn, &admin);
    let pages = [
        "/".to_owned(),
        "/admin/users".to_owned(),
        "/admin/users/new".to_owned(),
        format!("/admin/users/{id}"),
        "/admin/agencies".to_owned(),
        "/admin/agencies/new".to_owned(),
        "/admin/agencies/1".to_owned(),
        "/admin/audit".to_owned(),
        "/account/password".to_owned(),
        "/no/such/page".to_owned(),
    ];
    for lang in ["ky", "ru", "en"] {
        app.get(&format!("/?lang={lang}")).await;
        for path in &pages {
            let page = app.get(path).await;
            assert!(
                page.body.contains(&format!("<html lang=\"{lang}\">")),
                "{lang} {path}"
            );
            assert!(
                !page.body.contains(MISSING_MARK),
                "{lang} {path} has a missing message"
            );
        }
    }
}

/// The case side in every language, on the demo data (cases in every status,
/// referrals in every state): nothing is missing anywhere.
#[actix_web::test]
async fn every_case_page_renders_completely_in_every_language() {
    use korgoo::db::schema::{cases, referrals};
    let app = TestApp::spawn().await;
    korgoo::demo::load(&app.db.url).unwrap();
    let mut conn = app.conn();
    let mut case_ids: Vec<i64> = cases::table
        .order(cases::id)
        .select(cases::id)
        .load(&mut conn)
        .unwrap();
    case_ids.truncate(34);
    let child: i64 = cases::table
        .select(cases::child_id)
        .first(&mut conn)
        .unwrap();
    let referral_ids: Vec<i64> = referrals::table
        .select(referrals::id)
        .load(&mut conn)
        .unwrap();
    let mut pages = vec![
        "/".to_owned(),
        "/cases".to_owned(),
        "/cases?overdue=1&order=oldest".to_owned(),
        "/children".to_owned(),
        format!("/children/{child}"),
        format!("/cases/new?child={child}"),
    ];
    for id in &case_ids {
        pages.push(format!("/cases/{id}"));
    }
    pages.push(format!("/cases/{}/edit", case_ids[0]));
    app.login("supervisor.karasuu", korgoo::demo::DEMO_PASSWORD)
        .await;
    let provider = app.other_browser();
    provider
        .login("provider.osh", korgoo::demo::DEMO_PASSWORD)
        .await;
    let mut provider_pages = vec!["/referrals".to_owned(), "/referrals?all=1".to_owned()];
    for id in &referral_ids {
        provider_pages.push(format!("/referrals/{id}"));
    }
    // 404: a referral of a Sokuluk case, say.
    let pass_over = [reqwest::StatusCode::NOT_FOUND];
    app.assert_pages_in_every_language(&pages, &pass_over).await;
    provider
        .assert_pages_in_every_language(&provider_pages, &pass_over)
        .await;
}
