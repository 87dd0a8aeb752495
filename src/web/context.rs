//! The page context: who is asking, in which language, with which CSRF token
//! and flash message. Every page template has a `ctx` and reads text through it.

use std::future::{Ready, ready};
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::{DateTime, NaiveDate, Utc};

use crate::policy::{self, Actor, FactorGate, Permission};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::i18n::{Arg, Lang, Translator};
use crate::web::session::{Flash, Session};

/// Shown times are in the Kyrgyz Republic's time zone.
pub const TIME_ZONE: chrono_tz::Tz = chrono_tz::Asia::Bishkek;

/// What the request-context middleware learned about a request.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    pub lang: Lang,
    pub session: Option<Session>,
    pub client_addr: String,
    /// Set when the middleware itself had to reject the request.
    pub rejected: bool,
    /// What the signed-in session must still do (the second factor).
    pub gate: FactorGate,
    /// The end of the grace period to set up a required second factor,
    /// while it runs.
    pub enrol_by: Option<DateTime<Utc>>,
    /// What waits for the signed-in user, shown in the menu (GET only).
    pub menu: Option<MenuCount>,
}

/// The menu's items that can carry a count of what waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuItem {
    Cases,
    Referrals,
    Investigations,
    Inspections,
}

/// "Referrals (3)": how many things wait for the user behind one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MenuCount {
    pub item: MenuItem,
    pub count: i64,
}

#[derive(Clone)]
pub struct Ctx {
    pub lang: Lang,
    i18n: Arc<Translator>,
    pub actor: Option<Actor>,
    pub csrf: String,
    pub flash: Option<Flash>,
    /// The request's path, for the language switcher and the "next" link.
    pub path: String,
    /// The request's query string (kept by the language switcher).
    pub query: String,
    pub client_addr: String,
    pub session_hash: Option<Vec<u8>>,
    pub gate: FactorGate,
    pub enrol_by: Option<DateTime<Utc>>,
    pub menu: Option<MenuCount>,
}

impl Ctx {
    pub fn from_request(req: &HttpRequest) -> Result<Ctx, AppError> {
        let state = req
            .app_data::<web::Data<AppState>>()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")))?;
        let info = req
            .extensions()
            .get::<RequestInfo>()
            .cloned()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("request context missing")))?;
        let mut ctx = Ctx::new(info, state.i18n.clone(), req.path().to_owned());
        ctx.query = req.query_string().to_owned();
        Ok(ctx)
    }

    pub fn new(info: RequestInfo, i18n: Arc<Translator>, path: String) -> Ctx {
        let session = info.session;
        Ctx {
            lang: info.lang,
            i18n,
            actor: session.as_ref().and_then(|s| s.actor.clone()),
            csrf: session
                .as_ref()
                .map(|s| s.csrf_token.clone())
                .unwrap_or_default(),
            flash: session.as_ref().and_then(|s| s.flash.clone()),
            session_hash: session.map(|s| s.id_hash),
            path,
            query: String::new(),
            client_addr: info.client_addr,
            gate: info.gate,
            enrol_by: info.enrol_by,
            menu: info.menu,
        }
    }

    /// The count the menu shows beside `item` ("cases", "referrals",
    /// "investigations", "inspections"), when something waits there.
    pub fn menu_count(&self, item: &str) -> Option<i64> {
        let m = self.menu?;
        let named = match m.item {
            MenuItem::Cases => "cases",
            MenuItem::Referrals => "referrals",
            MenuItem::Investigations => "investigations",
            MenuItem::Inspections => "inspections",
        };
        (named == item && m.count > 0).then_some(m.count)
    }

    /// How many filters the page's address sets (its cursor and language
    /// aside), for the folded filters' link on a phone.
    pub fn filters_set(&self) -> i64 {
        let n = url::form_urlencoded::parse(self.query.as_bytes())
            .filter(|(k, v)| !v.is_empty() && !matches!(k.as_ref(), "after" | "before" | "lang"))
            .count();
        i64::try_from(n).unwrap_or(i64::MAX)
    }

    /// The folded filters' link: "Filters", or "Filters (2 set)".
    pub fn filters_label(&self) -> String {
        match self.filters_set() {
            0 => self.t("filters-show"),
            n => self.tn("filters-show-set", "count", n),
        }
    }

    /// The words a screen reader says for that count.
    pub fn menu_waiting(&self, item: &str) -> String {
        self.menu_count(item)
            .map(|n| self.tn("nav-waiting", "count", n))
            .unwrap_or_default()
    }

    /// A message in the page's language.
    pub fn t(&self, key: impl AsRef<str>) -> String {
        self.i18n.t(self.lang, key.as_ref())
    }

    /// A message with one text argument.
    pub fn t1(&self, key: impl AsRef<str>, name: &str, value: impl AsRef<str>) -> String {
        self.i18n
            .t_args(self.lang, key.as_ref(), &[(name, Arg::Str(value.as_ref()))])
    }

    /// A message with one number argument (selects the plural form).
    pub fn tn(&self, key: impl AsRef<str>, name: &str, value: impl Into<i64>) -> String {
        self.i18n
            .t_args(self.lang, key.as_ref(), &[(name, Arg::Num(value.into()))])
    }

    /// This page in another language: same path and query, `lang` replaced.
    pub fn lang_href(&self, lang: &str) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in url::form_urlencoded::parse(self.query.as_bytes()) {
            if k != "lang" {
                query.append_pair(&k, &v);
            }
        }
        query.append_pair("lang", lang);
        format!("{}?{}", crate::web::safe_path(&self.path), query.finish())
    }

    pub fn t_args(&self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        self.i18n.t_args(self.lang, key, args)
    }

    pub fn translator(&self) -> &Translator {
        &self.i18n
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.as_str()
    }

    pub fn langs(&self) -> &'static [Lang] {
        Lang::ALL
    }

    /// dd.mm.yyyy
    pub fn date(&self, date: &NaiveDate) -> String {
        date.format("%d.%m.%Y").to_string()
    }

    /// dd.mm.yyyy HH:MM in Asia/Bishkek.
    pub fn datetime(&self, at: &DateTime<Utc>) -> String {
        at.with_timezone(&TIME_ZONE)
            .format("%d.%m.%Y %H:%M")
            .to_string()
    }

    pub fn opt_datetime(&self, at: &Option<DateTime<Utc>>) -> String {
        at.as_ref().map(|a| self.datetime(a)).unwrap_or_default()
    }

    /// The second factor must be set up before anything else.
    pub fn must_enrol(&self) -> bool {
        self.gate == FactorGate::Enrol
    }

    /// Signed in, second factor included: the application is open.
    pub fn signed_in(&self) -> bool {
        self.actor.is_some() && self.gate == FactorGate::Open
    }

    /// Whether the navigation shows the administration area.
    pub fn shows_admin(&self) -> bool {
        self.actor.as_ref().is_some_and(|a| {
            policy::allows(a, Permission::ManageUsers)
                || policy::allows(a, Permission::ManageAgencies)
                || policy::allows(a, Permission::ReadAuditLog)
        })
    }

    /// Whether the navigation shows the children's register.
    pub fn shows_children(&self) -> bool {
        self.actor
            .as_ref()
            .is_some_and(|a| policy::allows(a, Permission::ViewChildren))
    }

    /// Whether the navigation shows the case queue.
    pub fn shows_cases(&self) -> bool {
        self.actor
            .as_ref()
            .is_some_and(|a| policy::allows(a, Permission::ViewCases))
    }

    /// Whether the navigation shows the inspections.
    pub fn shows_inspections(&self) -> bool {
        self.actor
            .as_ref()
            .is_some_and(|a| policy::allows(a, Permission::ViewInspections))
    }

    /// Whether the navigation shows the reports.
    pub fn shows_reports(&self) -> bool {
        self.actor
            .as_ref()
            .is_some_and(|a| policy::allows(a, Permission::ViewReports))
    }

    /// Whether the navigation shows the investigations.
    pub fn shows_investigations(&self) -> bool {
        self.actor
            .as_ref()
            .is_some_and(|a| policy::allows(a, Permission::Investigate))
    }

    /// Whether the navigation shows the referrals addressed to one's agency.
    pub fn shows_referrals(&self) -> bool {
        self.actor
            .as_ref()
            .is_some_and(|a| policy::allows(a, Permission::AnswerReferrals))
    }

    /// Whether the navigation shows inspector training (for an inspector,
    /// their own record).
    pub fn shows_training(&self) -> bool {
        self.actor
            .as_ref()
            .is_some_and(|a| policy::allows(a, Permission::ViewTraining))
    }

    /// Whether the navigation shows the school-fee complaints.
    pub fn shows_complaints(&self) -> bool {
        self.actor
            .as_ref()
            .is_some_and(|a| policy::allows(a, Permission::LogComplaints))
    }

    pub fn flash_text(&self) -> Option<String> {
        self.flash.as_ref().map(|f| match &f.arg {
            Some(arg) => self.t1(&f.key, "name", arg),
            None => self.t(&f.key),
        })
    }
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = Ready<Result<Ctx, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ctx::from_request(req))
    }
}

/// A request from a signed-in user who may use the application now (their
/// password is not one an admin set). Handlers that need sign-in take this.
pub struct Signed {
    pub ctx: Ctx,
    pub actor: Actor,
}

/// Paths a user whose password must change can still reach.
const PASSWORD_CHANGE_PATHS: &[&str] = &["/account/password", "/logout"];

impl FromRequest for Signed {
    type Error = AppError;
    type Future = Ready<Result<Signed, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ctx::from_request(req).and_then(|ctx| {
            let actor = ctx.actor.clone().ok_or(AppError::SignInRequired)?;
            // The middleware already sends such a session to its step; this
            // holds even if a route forgot to pass through it.
            if ctx.gate != FactorGate::Open {
                return Err(AppError::SignInRequired);
            }
            if actor.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&req.path()) {
                return Err(AppError::PasswordChangeRequired);
            }
            Ok(Signed { ctx, actor })
        }))
    }
}

/// A request from a signed-in user whatever their second factor still asks
/// (the code step and the enrolment take this; the middleware keeps such a
/// session on those pages).
pub struct SignedPartly {
    pub ctx: Ctx,
    pub actor: Actor,
}

impl FromRequest for SignedPartly {
    type Error = AppError;
    type Future = Ready<Result<SignedPartly, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ctx::from_request(req).and_then(|ctx| {
            let actor = ctx.actor.clone().ok_or(AppError::SignInRequired)?;
            Ok(SignedPartly { ctx, actor })
        }))
    }
}

/// Render a page with 200 OK.
pub fn render<T: askama::Template>(page: &T) -> Result<actix_web::HttpResponse, AppError> {
    render_with(actix_web::http::StatusCode::OK, page)
}

/// Render a page with another status (e.g. 422 for a form with errors).
pub fn render_with<T: askama::Template>(
    status: actix_web::http::StatusCode,
    page: &T,
) -> Result<actix_web::HttpResponse, AppError> {
    let mut html = page.render().map_err(AppError::internal)?;
    if html.contains(FIELD_MARK) {
        html = name_fields(&html);
    }
    Ok(actix_web::HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}

/// How the error summary marks a message with the field it is about.
const FIELD_MARK: &str = " data-field=\"";

/// Name each field in the error summary by the label it has on this very
/// page ("Date of the visit: the date is in the future"), in the page's
/// language: the summary is drawn before the forms, so it borrows their
/// labels once the page is rendered. A message about no labelled field
/// (a step refused, a conflict) stays as it is.
pub fn name_fields(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(i) = rest.find(FIELD_MARK) {
        out.push_str(&rest[..i]);
        let after = &rest[i + FIELD_MARK.len()..];
        let Some((field, tail)) = after.split_once("\">") else {
            out.push_str(&rest[i..]);
            return out;
        };
        out.push('>');
        if let Some(label) = label_of(html, field) {
            out.push_str(label.trim_end_matches(':'));
            out.push_str(": ");
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// The text of the page's `<label for="field">` up to its first tag (HTML
/// already escaped by the template).
fn label_of<'a>(html: &'a str, field: &str) -> Option<&'a str> {
    let start = html.find(&format!("<label for=\"{field}\""))?;
    let open = start + html[start..].find('>')? + 1;
    let end = open + html[open..].find('<')?;
    Some(html[open..end].trim()).filter(|t| !t.is_empty())
}

/// 303 See Other: after a successful POST, and for plain redirects.
pub fn see_other(location: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header((
            actix_web::http::header::LOCATION,
            crate::web::safe_path(location),
        ))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::name_fields;

    #[test]
    fn the_error_summary_names_each_field_by_its_label_on_the_page() {
        let page = r##"<ul><li><a href="#visited_on-error" data-field="visited_on">The date is in the future.</a></li><li><a href="#step-error" data-field="step">Someone else did it.</a></li></ul>
<form><label for="visited_on">Date of the visit</label><input id="visited_on"><label for="notes">Notes <span>(optional)</span></label></form>"##;
        let named = name_fields(page);
        assert!(
            named.contains(
                r##"<a href="#visited_on-error">Date of the visit: The date is in the future.</a>"##
            ),
            "{named}"
        );
        // No label of that name: the message alone, the mark gone.
        assert!(named.contains(r##"<a href="#step-error">Someone else did it.</a>"##));
        assert!(!named.contains("data-field"));
        // Nothing else of the page changes.
        assert!(named.ends_with("<span>(optional)</span></label></form>"));
    }
}
