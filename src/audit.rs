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
        /// Someone searched the children (the words searched are not kept).
        ChildSearch = "child_search",
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
        .execute(conn)
        .map(|_| ())
}
