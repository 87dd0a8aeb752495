use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::RunQueryDsl;

use super::work::{self, Rules, Section};
use crate::admin::model::{self, UserRecord};
use crate::db;
use crate::policy::{self, Permission, Role};
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, render};
use crate::web::error::AppResult;

/// Where a signed-in user lands: who they are in the system, where they work,
/// and the areas their role opens to them.
#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: Ctx,
    me: UserRecord,
    /// What this role does in Korgoo, in a sentence.
    role_about: String,
    sees_children: bool,
    sees_cases: bool,
    answers_referrals: bool,
    /// What waits for the user, ranked by what is due first (`work`).
    sections: Vec<Section>,
    /// This year's headline figures of the official's territory.
    figures: Vec<(crate::reports::name::Name, String, String)>,
    figures_year: i32,
    shows_reports: bool,
    /// The inspector's work: open inspections, follow-ups due, penalties.
    inspector: Option<crate::inspections::handlers::Queue>,
    manages_users: bool,
    manages_agencies: bool,
    reads_audit: bool,
    /// Alerts of bulk reading of personal data, for the admin.
    alerts: Vec<model::AuditEntry>,
}

impl HomePage {
    /// How many children an alert counted.
    fn alert_children(&self, alert: &model::AuditEntry) -> i64 {
        alert.details["children"].as_i64().unwrap_or(0)
    }

    fn money_owed(&self, penalty: &crate::inspections::model::Outstanding) -> String {
        crate::web::money::format(&penalty.owed(), self.ctx.lang)
    }
}

pub async fn home(signed: Signed, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let id = signed.actor.id;
    let actor = signed.actor.clone();
    let who = crate::audit::Who::actor(&signed.actor, &signed.ctx.client_addr);
    let alert = crate::audit::BulkAlert::from_config(&state.config);
    let rules = Rules {
        today: crate::cases::handlers::today(),
        investigation_review_days: state.config.investigation_review_days,
        lang: signed.ctx.lang,
    };
    let (me, sections, inspector, alerts) = db::transaction(&state.pool, move |conn| {
        let sections = work::sections(conn, &actor, rules)?;
        // The lists name children: their view is traced like a list's.
        let children = work::child_ids(&sections);
        if !children.is_empty() {
            crate::audit::listed(
                conn,
                &who,
                "home_queue",
                serde_json::json!({}),
                &children,
                alert,
            )?;
        }
        let alerts = if policy::allows(&actor, Permission::ReadAuditLog) {
            model::recent_bulk_alerts(conn)?
        } else {
            Vec::new()
        };
        Ok((
            model::get_user(conn, id)?,
            sections,
            crate::inspections::handlers::queue(conn, &actor)?,
            alerts,
        ))
    })
    .await?;
    let figures_year = crate::reports::filter::this_year();
    let figures = if signed.actor.role == Role::Official {
        crate::reports::dashboard::headline_of_year(
            &state,
            &signed.ctx,
            &signed.actor,
            figures_year,
        )
        .await?
    } else {
        Vec::new()
    };
    render(&HomePage {
        sees_cases: policy::allows(&signed.actor, Permission::ViewCases),
        answers_referrals: policy::allows(&signed.actor, Permission::AnswerReferrals),
        shows_reports: policy::allows(&signed.actor, Permission::ViewReports),
        sections,
        figures,
        figures_year,
        inspector,
        alerts,
        sees_children: policy::allows(&signed.actor, Permission::ViewChildren),
        manages_users: policy::allows(&signed.actor, Permission::ManageUsers),
        manages_agencies: policy::allows(&signed.actor, Permission::ManageAgencies),
        reads_audit: policy::allows(&signed.actor, Permission::ReadAuditLog),
        role_about: format!("{}-about", me.role.message_key()),
        ctx: signed.ctx,
        me,
    })
}

/// 200 when the database answers, 503 otherwise (for load balancers and
/// orchestrators; it reveals nothing else).
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let answered = db::run(&state.pool, |conn| {
        diesel::sql_query("SELECT 1").execute(conn)?;
        Ok(())
    })
    .await;
    match answered {
        Ok(()) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ok"),
        Err(_) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("database unavailable"),
    }
}
