//! A refused form says so where the user is looking (issue 21: an inspector
//! whose "open a case" form was refused saw the page reload at its top with
//! the messages 1,600 px further down, believed the case was opened, and
//! the child never reached a unit). Every form of the route table, as its
//! user finds it on their page, is sent emptied in Chromium at a laptop's
//! and a phone's size: when the answer is a refusal, its first message is
//! on the screen the page opens with, not below the fold.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use korgoo::demo::DEMO_PASSWORD;

use super::Browser;
use crate::common::PASSWORD;
use crate::fuzz::{Fuzz, actor_for, finishing};

/// A laptop and a phone (CSS pixels).
const SCREENS: [(u32, u32); 2] = [(1280, 800), (390, 844)];

/// Empty the form posting to `arguments[0]` (every field a person fills
/// in; hidden fields stay) and send it with its first button, as a user
/// who pressed it at once would. `false` when the page has no such form.
const SEND_EMPTIED: &str = r#"
const path = arguments[0];
// A form's own fields can shadow its properties (an inspection has a field
// called "method"): its attributes are read instead.
const form = [...document.querySelectorAll('form')].find(f =>
  (f.getAttribute('method') || '').toLowerCase() === 'post'
  && new URL(f.getAttribute('action') || '', location.href).pathname === path);
if (!form) return false;
form.setAttribute('novalidate', '');
for (const e of form.querySelectorAll('input, select, textarea')) {
  if (['hidden', 'submit', 'button'].includes(e.type)) continue;
  if (e.type === 'checkbox' || e.type === 'radio') { e.checked = false; continue; }
  if (e.tagName === 'SELECT') {
    const empty = [...e.options].find(o => o.value === '');
    if (empty) e.value = '';
    continue;
  }
  e.value = '';
}
const button = form.querySelector('button[type=submit], button:not([type])');
HTMLFormElement.prototype.requestSubmit.call(form, button || undefined);
return true;
"#;

/// The answer's status; where the page's first visible message is (its top
/// and the height of the screen; none when the page shows none); and the
/// summary's links that lead nowhere on the page.
const FIRST_MESSAGE: &str = r#"
const status = performance.getEntriesByType('navigation')[0].responseStatus;
const dead = [...document.querySelectorAll('.error-summary a')]
  .map(a => a.getAttribute('href'))
  .filter(h => !h.startsWith('#') || !document.getElementById(h.slice(1)));
const shown = e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && !e.closest('details:not([open])');
};
const all = [...document.querySelectorAll('.field-error, .form-error, [role=alert]')].filter(shown);
all.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
return { status, dead, top: all.length ? all[0].getBoundingClientRect().top : null,
         height: window.innerHeight, text: all.length ? all[0].textContent.trim().slice(0, 80) : '' };
"#;

#[actix_web::test]
async fn every_refused_form_shows_its_first_message_on_the_opening_screen_in_chromium() {
    let fuzz = Fuzz::new().await;
    let forms = fuzz.base_forms().await;
    let browser = Browser::start().await;
    let client = browser.client();
    let mut signed_in: Option<&str> = None;
    let (mut checked, mut missed) = (Vec::new(), Vec::new());
    for (route, variants) in &forms {
        let actor = actor_for(route);
        // Signing in and out are the browser walk's; steps that end what
        // later forms need (closing, merging) would succeed emptied.
        if finishing(route) || actor == "anonymous" || route.starts_with("/account/second") {
            continue;
        }
        if signed_in != Some(actor) {
            if signed_in.is_some() {
                browser.sign_out().await;
            }
            let (login, password) = match actor {
                "throwaway" => (fuzz.throwaway.as_str(), PASSWORD),
                login => (login, DEMO_PASSWORD),
            };
            client
                .goto(&fuzz.app.url("/login"))
                .await
                .expect("sign-in page");
            browser.fill("#login", login).await;
            browser.fill("#password", password).await;
            browser.click("#sign-in").await;
            signed_in = Some(actor);
        }
        let path = fuzz.path(route);
        let source = &variants[0].0;
        for (width, height) in SCREENS {
            client
                .set_window_size(width, height)
                .await
                .expect("window size");
            client
                .goto(&fuzz.app.url(source))
                .await
                .expect("the form's page");
            let old = client.find(Locator::Css("html")).await.expect("a page");
            let sent = client
                .execute(SEND_EMPTIED, vec![serde_json::json!(path)])
                .await
                .expect("sending the form");
            if sent != serde_json::json!(true) {
                break;
            }
            let started = Instant::now();
            while old.tag_name().await.is_ok() {
                assert!(
                    started.elapsed() < Duration::from_secs(20),
                    "{route}: sending the form loaded no page"
                );
                actix_web::rt::time::sleep(Duration::from_millis(30)).await;
            }
            let now = client.current_url().await.expect("a URL");
            if now.path() != path {
                // Saved and sent on (an emptied form that is valid): the
                // record moved on, so the other screen is not tried.
                break;
            }
            let first = client
                .execute(FIRST_MESSAGE, vec![])
                .await
                .expect("measuring");
            let what = format!("{route} at {width}×{height} (from {source})");
            let status = first["status"].as_u64().unwrap_or(0);
            if status < 400 {
                // Answered as a page of its own (a search): not a refusal.
                break;
            }
            if let Some(dead) = first["dead"].as_array().filter(|d| !d.is_empty()) {
                missed.push(format!("{what}: the summary links to nothing at {dead:?}"));
            }
            match first["top"].as_f64() {
                None => missed.push(format!("{what}: refused ({status}) with no message shown")),
                Some(top) => {
                    let screen = first["height"].as_f64().unwrap_or(0.0);
                    if (0.0..screen).contains(&top) {
                        checked.push(what);
                    } else {
                        missed.push(format!(
                            "{what}: first message at {top:.0} px of a {screen:.0}-px screen: {}",
                            first["text"]
                        ));
                    }
                }
            }
        }
    }
    browser.close().await;
    eprintln!("{} refusals seen on the opening screen", checked.len());
    assert!(
        missed.is_empty(),
        "refusals the user would not see:\n{}",
        missed.join("\n")
    );
    assert!(
        checked.len() >= 40,
        "only {} refusals were tried: {checked:?}",
        checked.len()
    );
}
