//! The admin's page of public releases (DESIGN §5, releases): every release
//! made, and the two ways to make one by hand: the annual release of a year
//! that has ended (or its revision, when that year's records were
//! corrected), and provisional figures before the schedule's next release.
//! What a release holds and how it is protected is `reports::releases`.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde_json::json;

use crate::audit::{self, AuditAction, Who};
use crate::db;
use crate::policy::{self, Permission};
use crate::reports::public::{Listed, listed};
use crate::reports::releases::{self, Ask, Refused};
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, render_with, see_other};
use crate::web::error::AppResult;
use crate::web::forms::{FieldErrors, FormData};
use crate::web::session;

const PER_PAGE: i64 = 50;
/// The longest note a release takes.
const NOTE_MAX: usize = 2000;

#[derive(Template)]
#[template(path = "admin/releases.html")]
struct ReleasesPage {
    ctx: Ctx,
    releases: Vec<Listed>,
    next_before: Option<i64>,
    /// The years an annual release can be published for, newest first.
    years: Vec<i32>,
    /// The latest revision of each year released as final.
    finals: Vec<(i32, i32)>,
    errors: FieldErrors,
    /// What was typed: kind, year, note.
    kind: String,
    year: String,
    note: String,
    schedule: &'static str,
}

impl ReleasesPage {
    fn revision_of(&self, year: &i32) -> Option<i32> {
        self.finals.iter().find(|(y, _)| y == year).map(|(_, r)| *r)
    }
}

fn schedule_key(state: &AppState) -> &'static str {
    use crate::config::ReleaseSchedule::*;
    match state.config.provisional_releases {
        Monthly => "release-schedule-monthly",
        Weekly => "release-schedule-weekly",
        Daily => "release-schedule-daily",
        Off => "release-schedule-off",
    }
}

struct Typed {
    kind: String,
    year: String,
    note: String,
}

async fn show(
    ctx: Ctx,
    state: &AppState,
    before: Option<i64>,
    errors: FieldErrors,
    typed: Typed,
) -> AppResult<HttpResponse> {
    let (headers, finals) = db::run(&state.pool, move |conn| {
        Ok((
            releases::headers(conn, before, PER_PAGE + 1)?,
            releases::annual_revisions(conn)?,
        ))
    })
    .await?;
    let (releases, next_before) = listed(&ctx, headers, PER_PAGE);
    let this_year = crate::reports::filter::this_year();
    let mut finals: Vec<(i32, i32)> = finals.into_iter().collect();
    finals.sort_unstable();
    let status = if errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(
        status,
        &ReleasesPage {
            releases,
            next_before,
            years: (crate::reports::filter::FIRST_YEAR..this_year)
                .rev()
                .collect(),
            finals,
            errors,
            kind: typed.kind,
            year: typed.year,
            note: typed.note,
            schedule: schedule_key(state),
            ctx,
        },
    )
}

pub async fn page(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::PublishReleases)?;
    let before = FormData::parse(req.query_string().as_bytes())
        .get("before")
        .parse::<i64>()
        .ok();
    let typed = Typed {
        kind: "annual".into(),
        year: String::new(),
        note: String::new(),
    };
    show(signed.ctx, &state, before, FieldErrors::new(), typed).await
}

/// Publish a release: `kind=annual` with a `year` and a `note` (required:
/// it says what the release is, and for a revision what changed), or
/// `kind=provisional` with an optional note.
pub async fn publish(
    signed: Signed,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::PublishReleases)?;
    let Signed { ctx, actor } = signed;
    let typed = Typed {
        kind: form.get("kind").trim().to_owned(),
        year: form.get("year").trim().to_owned(),
        note: form.get("note").trim().to_owned(),
    };
    let mut errors = FieldErrors::new();
    let this_year = crate::reports::filter::this_year();
    let ask = match typed.kind.as_str() {
        "annual" => match typed.year.parse::<i32>() {
            _ if typed.year.is_empty() => {
                errors.add("year", "error-required");
                None
            }
            Ok(y) if (crate::reports::filter::FIRST_YEAR..this_year).contains(&y) => {
                Some(Ask::Annual { year: y })
            }
            _ => {
                errors.add("year", "error-release-year");
                None
            }
        },
        "provisional" => Some(Ask::Provisional),
        _ => {
            errors.add("kind", "error-release-kind");
            None
        }
    };
    if typed.note.chars().count() > NOTE_MAX {
        errors.add("note", "error-release-note-long");
    } else if typed.kind == "annual" && typed.note.is_empty() {
        errors.add("note", "error-release-note-required");
    }
    // An annual release is final: the admin says they mean it.
    if typed.kind == "annual" && form.get("confirm").is_empty() {
        errors.add("confirm", "error-release-confirm");
    }
    let (Some(ask), true) = (ask, errors.is_empty()) else {
        return show(ctx, &state, None, errors, typed).await;
    };
    let threshold = state.config.suppression_threshold;
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let note = typed.note.clone();
    let actor_id = actor.id;
    let made = db::transaction(&state.pool, move |conn| {
        let today = crate::reports::handlers::today();
        let made = releases::publish(conn, &ask, threshold, today, Some(actor_id), Some(&note))?;
        if let Ok(h) = &made {
            audit::record(
                conn,
                &who,
                AuditAction::ReleasePublished,
                None,
                json!({
                    "release": h.id,
                    "kind": h.kind().as_str(),
                    "year": h.year,
                    "revision": h.revision,
                }),
            )?;
            session::flash_with(
                conn,
                session_hash.as_deref(),
                "flash-release-published",
                Some(h.id.to_string()),
            )?;
        }
        Ok(made)
    })
    .await?;
    match made {
        Ok(h) => {
            // Committed: the public pages show it from their next request.
            state.releases.note_latest(h.id);
            Ok(see_other("/admin/releases"))
        }
        Err(Refused::YearNotEnded | Refused::AlreadyMade) => {
            errors.add("year", "error-release-year");
            show(ctx, &state, None, errors, typed).await
        }
    }
}
