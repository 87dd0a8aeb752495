//! The audit log: one function records an entry, inside the same transaction
//! as the change it records, so there is never a change without its entry (or
//! an entry for a change that rolled back). The table is append-only in the
//! database itself (see the foundation migration).

use diesel::prelude::*;

use crate::db::schema::audit_log;
use crate::policy::Actor;

crate::text_enum! {
    /// What happened.
    pub enum AuditAction ("audit-action") {
        LoginOk = "login_ok",
        LoginFailed = "login_failed",
        LoginLocked = "login_locked",
        Logout = "logout",
        PasswordChanged = "password_changed",
        PasswordChangeFailed = "password_change_failed",
        /// A user confirmed their authenticator app (a second factor).
        SecondFactorEnrolled = "second_factor_enrolled",
        /// A right code from the authenticator app at sign-in.
        SecondFactorOk = "second_factor_ok",
        /// A wrong, replayed or waiting code at sign-in.
        SecondFactorFailed = "second_factor_failed",
        /// A recovery code was used at sign-in (one fewer is left).
        RecoveryCodeUsed = "recovery_code_used",
        /// A user replaced their recovery codes with ten new ones.
        RecoveryCodesRenewed = "recovery_codes_renewed",
        /// The admin removed a user's second factor: they must enrol again.
        SecondFactorReset = "second_factor_reset",
        PasswordReset = "password_reset",
        UserCreated = "user_created",
        UserUpdated = "user_updated",
        UserDeactivated = "user_deactivated",
        UserActivated = "user_activated",
        /// A labour inspector post was opened (the staff history the
        /// enforcement report counts).
        InspectorPostOpened = "inspector_post_opened",
        /// A labour inspector post was ended (by the admin, or by deactivating the account).
        InspectorPostEnded = "inspector_post_ended",
        AgencyCreated = "agency_created",
        AgencyUpdated = "agency_updated",
        ChildCreated = "child_created",
        ChildUpdated = "child_updated",
        /// Someone opened a child's record (DESIGN §5: every view is audited).
        ChildViewed = "child_viewed",
        /// Someone searched the children (the words searched are not kept;
        /// the ids of the children shown are).
        ChildSearch = "child_search",
        /// A page listed children by name (a list, a queue): which list,
        /// its filter and the ids of the children shown.
        ChildrenListed = "children_listed",
        /// One user listed or opened more children in a short time than the
        /// setting allows: the admin sees it on their home page.
        BulkAccessAlert = "bulk_access_alert",
        /// A signed-in reader downloaded a report's figures (CSV or XLSX).
        ReportDownloaded = "report_downloaded",
        /// A signed-in user was refused a page or an action, or asked for a
        /// record that is not theirs to see (the entry is the same whether
        /// the record exists or not): the route and the id asked for.
        AccessRefused = "access_refused",
        /// A supervisor merged two records of the same child.
        ChildMerged = "child_merged",
        CaseOpened = "case_opened",
        CaseUpdated = "case_updated",
        /// Someone opened a case page (which shows the child).
        CaseViewed = "case_viewed",
        /// A workflow step, assignment, follow-up or transfer on a case.
        CaseStep = "case_step",
        ReferralSent = "referral_sent",
        /// A service provider opened a referral (which shows shared child data).
        ReferralViewed = "referral_viewed",
        ReferralStep = "referral_step",
        /// A supervisor sent a referral without recorded consent.
        ConsentOverridden = "consent_overridden",
        EstablishmentCreated = "establishment_created",
        EstablishmentUpdated = "establishment_updated",
        InspectionCreated = "inspection_created",
        InspectionUpdated = "inspection_updated",
        InspectionClosed = "inspection_closed",
        InspectionCorrected = "inspection_corrected",
        PenaltyStatusChanged = "penalty_status_changed",
        PenaltyImposed = "penalty_imposed",
        /// What was collected of a penalty, and its status.
        PenaltyCollected = "penalty_collected",
        InvestigationOpened = "investigation_opened",
        InvestigationUpdated = "investigation_updated",
        /// An investigation moved to another stage (court, verdict, …).
        InvestigationStage = "investigation_stage",
        /// Someone opened an investigation's page (it shows linked cases).
        InvestigationViewed = "investigation_viewed",
        LeReferralSent = "le_referral_sent",
        LeReferralAnswered = "le_referral_answered",
        /// Law enforcement referred a child victim to a Child Support Unit.
        VictimReferred = "victim_referred",
        ProsecutorStaffSet = "prosecutor_staff_set",
        TrainingRecorded = "training_recorded",
        TrainingUpdated = "training_updated",
        /// Someone logged a school-fee complaint (the complainant is never in the details).
        ComplaintLogged = "complaint_logged",
        ComplaintUpdated = "complaint_updated",
        /// A complaint's status or the action taken changed.
        ComplaintProcessed = "complaint_processed",
        /// An admin set a recommendation's status and public note.
        RecommendationUpdated = "recommendation_updated",
        /// An admin published a release of the public figures.
        ReleasePublished = "release_published",
    }
}

crate::text_enum! {
    /// The kind of record an entry is about.
    pub enum TargetKind ("audit-target") {
        User = "user",
        Agency = "agency",
        Child = "child",
        Case = "case",
        Referral = "referral",
        Establishment = "establishment",
        Inspection = "inspection",
        Investigation = "investigation",
        LeReferral = "le_referral",
        TrainingRecord = "training_record",
        SchoolFeeComplaint = "school_fee_complaint",
        Recommendation = "recommendation",
    }
}

/// The kind of record a route's id names, from the route's pattern (e.g.
/// `/cases/{id}/step` names a case): what an *access refused* entry is about.
pub fn route_target(pattern: &str) -> Option<TargetKind> {
    let mut segments = pattern.trim_start_matches('/').split('/');
    let first = segments.next()?;
    let second = segments.next().unwrap_or("");
    Some(match (first, second) {
        ("admin", "users") | ("training", "inspectors") => TargetKind::User,
        ("admin", "agencies") => TargetKind::Agency,
        ("training", "records") => TargetKind::TrainingRecord,
        ("investigations", "referrals") => TargetKind::LeReferral,
        ("investigations", _) => TargetKind::Investigation,
        ("children", _) => TargetKind::Child,
        ("cases", _) => TargetKind::Case,
        ("referrals", _) => TargetKind::Referral,
        ("establishments", _) => TargetKind::Establishment,
        ("inspections", _) => TargetKind::Inspection,
        ("complaints", _) => TargetKind::SchoolFeeComplaint,
        ("reports", "recommendations") => TargetKind::Recommendation,
        _ => return None,
    })
}

/// A signed-in user was refused `route` (its pattern, never the path a user
/// typed) with these path parameters: record it, in a transaction of its
/// own (the refused request changed nothing). The target is the record the
/// route's first id names; every parameter goes in the details.
pub fn refused(
    conn: &mut PgConnection,
    who: &Who,
    method: &str,
    route: &str,
    params: &[(String, String)],
    status: u16,
) -> QueryResult<()> {
    let target = route_target(route).zip(params.first().and_then(|(_, v)| v.parse::<i64>().ok()));
    let params: serde_json::Map<String, serde_json::Value> = params
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                serde_json::Value::String(v.chars().take(40).collect()),
            )
        })
        .collect();
    record(
        conn,
        who,
        AuditAction::AccessRefused,
        target,
        serde_json::json!({ "method": method, "route": route, "params": params, "status": status }),
    )
}

/// Who did it and from where.
#[derive(Debug, Clone)]
pub struct Who {
    pub actor_id: Option<i64>,
    pub actor_login: Option<String>,
    pub client_addr: String,
}

impl Who {
    pub fn actor(actor: &Actor, client_addr: &str) -> Who {
        Who {
            actor_id: Some(actor.id),
            actor_login: Some(actor.login.clone()),
            client_addr: client_addr.to_owned(),
        }
    }

    /// Someone not (yet) signed in.
    pub fn anonymous(client_addr: &str) -> Who {
        Who {
            actor_id: None,
            actor_login: None,
            client_addr: client_addr.to_owned(),
        }
    }
}

/// When to raise a bulk-access alert: more than `children` distinct children
/// listed or opened by one user within `minutes`.
#[derive(Debug, Clone, Copy)]
pub struct BulkAlert {
    pub children: i64,
    pub minutes: i64,
}

impl BulkAlert {
    pub fn from_config(config: &crate::config::Config) -> BulkAlert {
        BulkAlert {
            children: config.bulk_alert_children,
            minutes: config.bulk_alert_minutes,
        }
    }
}

/// A page showed these children by name: record which list, its filter
/// (never the words of a name search) and the ids shown, then see whether
/// the reader has gone through more children than `alert` allows. Nothing
/// is recorded for a page that shows no child.
pub fn listed(
    conn: &mut PgConnection,
    who: &Who,
    list: &str,
    filter: serde_json::Value,
    child_ids: &[i64],
    alert: BulkAlert,
) -> QueryResult<()> {
    if child_ids.is_empty() {
        return Ok(());
    }
    record(
        conn,
        who,
        AuditAction::ChildrenListed,
        None,
        serde_json::json!({ "list": list, "filter": filter, "child_ids": child_ids }),
    )?;
    watch_bulk_access(conn, who, alert, child_ids)
}

/// The reader saw these children now (a list, a search, a child's or a
/// case's page): kept per reader and child for the bulk-access alert
/// (migration `children_seen`), beside the audit entry that records it.
pub fn saw(conn: &mut PgConnection, who: &Who, child_ids: &[i64]) -> QueryResult<()> {
    let Some(actor) = who.actor_id else {
        return Ok(());
    };
    if child_ids.is_empty() {
        return Ok(());
    }
    diesel::sql_query(
        "INSERT INTO audit_children_seen (actor_id, child_id, seen_at)
         SELECT DISTINCT $1::bigint, c, now() FROM unnest($2::bigint[]) c ORDER BY 2
         ON CONFLICT (actor_id, child_id) DO UPDATE SET seen_at = EXCLUDED.seen_at",
    )
    .bind::<diesel::sql_types::BigInt, _>(actor)
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(child_ids)
    .execute(conn)?;
    Ok(())
}

/// The reader saw `child_ids` now: raise one alert per window when they
/// have listed or opened more distinct children than the setting allows.
/// It reads the reader's children seen in the window (at most that many
/// rows, `saw`) and the reader's alerts, whatever the size of the log or
/// how often the reader reloads a list; children seen before the window
/// are forgotten here.
pub fn watch_bulk_access(
    conn: &mut PgConnection,
    who: &Who,
    alert: BulkAlert,
    child_ids: &[i64],
) -> QueryResult<()> {
    #[derive(QueryableByName)]
    struct Seen {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        children: i64,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        alerted: bool,
    }
    let Some(actor) = who.actor_id else {
        return Ok(());
    };
    saw(conn, who, child_ids)?;
    diesel::sql_query(
        "DELETE FROM audit_children_seen
         WHERE actor_id = $1 AND seen_at <= now() - make_interval(mins => $2::int)",
    )
    .bind::<diesel::sql_types::BigInt, _>(actor)
    .bind::<diesel::sql_types::BigInt, _>(alert.minutes)
    .execute(conn)?;
    let seen: Seen = diesel::sql_query(
        "SELECT (SELECT count(*) FROM audit_children_seen
                  WHERE actor_id = $1 AND seen_at > now() - make_interval(mins => $2::int))
                  AS children,
                EXISTS (SELECT 1 FROM audit_log
                         WHERE action = 'bulk_access_alert' AND actor_id = $1
                           AND at > now() - make_interval(mins => $2::int)) AS alerted",
    )
    .bind::<diesel::sql_types::BigInt, _>(actor)
    .bind::<diesel::sql_types::BigInt, _>(alert.minutes)
    .get_result(conn)?;
    if seen.children > alert.children && !seen.alerted {
        record(
            conn,
            who,
            AuditAction::BulkAccessAlert,
            None,
            serde_json::json!({ "children": seen.children, "minutes": alert.minutes }),
        )?;
    }
    Ok(())
}

pub fn record(
    conn: &mut PgConnection,
    who: &Who,
    action: AuditAction,
    target: Option<(TargetKind, i64)>,
    details: serde_json::Value,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor_id.eq(who.actor_id),
            audit_log::actor_login.eq(&who.actor_login),
            audit_log::client_addr.eq(&who.client_addr),
            audit_log::action.eq(action),
            audit_log::target_kind.eq(target.map(|(kind, _)| kind)),
            audit_log::target_id.eq(target.map(|(_, id)| id)),
            audit_log::details.eq(details),
        ))
        .execute(conn)?;
    crate::metrics::audit_written(action);
    // A child's page counts towards the bulk-access alert like a list.
    if let (AuditAction::ChildViewed, Some((TargetKind::Child, child))) = (action, target) {
        saw(conn, who, &[child])?;
    }
    Ok(())
}
