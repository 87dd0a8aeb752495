//! Every access decision. Handlers ask this module; they never compare roles
//! themselves, and templates only show what a decision here allowed.
//!
//! Access is role × territory × agency (DESIGN §1). A territory is a node of the
//! location tree; a user's territory covers its whole subtree, identified by the
//! materialised path (`KG/KG-O/KG-O-KARASUU`).

use chrono::{DateTime, NaiveDate, Utc};

use crate::admin::model::AgencyKind;
use crate::cases::model::CaseScope;
use crate::complaints::model::ComplaintScope;
use crate::inspections::model::InspectionScope;
use crate::web::error::AppError;
use crate::web::i18n::Lang;

crate::text_enum! {
    /// What a user does in Korgoo (DESIGN §1).
    pub enum Role ("role") {
        Admin = "admin",
        Inspector = "inspector",
        CaseWorker = "case_worker",
        Supervisor = "supervisor",
        ServiceProvider = "service_provider",
        Prosecutor = "prosecutor",
        Police = "police",
        Official = "official",
    }
}

/// The signed-in person a request acts for.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub agency_id: Option<i64>,
    /// The kind of that agency: a unit head heads either a Child Support
    /// Unit or a labour inspection office.
    pub agency_kind: Option<AgencyKind>,
    pub location_id: Option<i32>,
    /// Materialised path of the user's territory; `None` means the whole country.
    pub territory_path: Option<String>,
    pub locale: Lang,
    pub must_change_password: bool,
}

/// Things a user may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Create, edit, deactivate users and reset their passwords.
    ManageUsers,
    /// Create and edit agencies.
    ManageAgencies,
    /// Read the audit log.
    ReadAuditLog,
    /// List and search the children of one's territory.
    ViewChildren,
    /// Register children and correct their records.
    RegisterChildren,
    /// Open cases and work on them (in one's own unit).
    WorkOnCases,
    /// See case lists (one's unit's, or all for national read-only roles).
    ViewCases,
    /// See the referrals addressed to one's agency.
    AnswerReferrals,
    /// Enter and correct labour inspectors' training records (of one's territory).
    RecordTraining,
    /// Read training records: those who keep them, and inspectors their own.
    ViewTraining,
    /// Log a school-fee complaint (anyone signed in).
    LogComplaints,
    /// Verify and resolve school-fee complaints (of one's territory), and see
    /// who complained.
    ProcessComplaints,
    /// Record inspections (an inspector, for their office).
    RecordInspections,
    /// See inspections: an inspector their office's, the head of an office
    /// their territory's.
    ViewInspections,
    /// Investigate: open and follow investigations of one's agency, and
    /// answer the cases and inspections referred to it.
    Investigate,
    /// Read the reports: figures only, never a record.
    ViewReports,
    /// Set the status and public note of the document's recommendations.
    TrackRecommendations,
    /// Publish the public figures: an annual release of a year (or its
    /// revision), or provisional figures before the schedule's next.
    PublishReleases,
}

pub fn allows(actor: &Actor, permission: Permission) -> bool {
    match permission {
        Permission::ManageUsers
        | Permission::ManageAgencies
        | Permission::ReadAuditLog
        | Permission::TrackRecommendations
        | Permission::PublishReleases => actor.role == Role::Admin,
        // Inspectors, providers and law enforcement reach a child through the
        // cases, inspections and referrals that concern them (later modules),
        // officials never. Nor does the admin: administering users and
        // agencies needs no child's record, and a national list of victims'
        // names is the most dangerous page there is (issue 19); the audit
        // log names children by number only.
        Permission::ViewChildren | Permission::ViewCases => in_child_support(actor),
        Permission::RegisterChildren | Permission::WorkOnCases => in_child_support(actor),
        Permission::AnswerReferrals => actor.role == Role::ServiceProvider,
        // The head of a labour inspection office keeps the records of the
        // inspectors of their territory, and takes the complaints there.
        Permission::RecordTraining | Permission::ProcessComplaints => {
            actor.role == Role::Admin || heads_inspection(actor)
        }
        Permission::ViewTraining => {
            allows(actor, Permission::RecordTraining) || actor.role == Role::Inspector
        }
        Permission::LogComplaints => true,
        Permission::RecordInspections => actor.role == Role::Inspector,
        // Officials see the figures, never the individual records.
        Permission::ViewInspections => actor.role == Role::Inspector || heads_inspection(actor),
        Permission::ViewReports => {
            matches!(actor.role, Role::Official | Role::Admin | Role::Supervisor)
        }
        Permission::Investigate => {
            matches!(actor.role, Role::Prosecutor | Role::Police)
                && matches!(
                    actor.agency_kind,
                    Some(AgencyKind::Prosecutor | AgencyKind::Police)
                )
        }
    }
}

/// May the actor open (and move on) an investigation held by `agency`, or
/// answer a referral addressed to it? Law enforcement of that agency only.
pub fn can_investigate(actor: &Actor, agency: i64) -> bool {
    allows(actor, Permission::Investigate) && actor.agency_id == Some(agency)
}

/// The inspections an actor's lists reach.
pub fn inspection_scope(actor: &Actor) -> Option<InspectionScope> {
    match actor.role {
        Role::Inspector => actor.agency_id.map(InspectionScope::Office),
        _ if heads_inspection(actor) => {
            Some(InspectionScope::Territory(actor.territory_path.clone()))
        }
        _ => None,
    }
}

/// May the actor open an inspection held by `office`, of an establishment at
/// `path`?
pub fn can_view_inspection(actor: &Actor, office: i64, path: &str) -> bool {
    match actor.role {
        Role::Inspector => actor.agency_id == Some(office),
        _ => heads_inspection(actor) && scope(actor).covers_path(path),
    }
}

/// May the actor change an open inspection (and close it, and open cases for
/// the children found)? Those who took part.
pub fn can_edit_inspection(actor: &Actor, took_part: bool) -> bool {
    actor.role == Role::Inspector && took_part
}

/// May the actor decide a penalty for the inspection (also after it was
/// closed: closing ends the visit's record, not the penalty procedure), and
/// correct a closed inspection with a reason? Those who took part, and the
/// head of the labour inspection office of its territory.
pub fn can_follow_up_inspection(actor: &Actor, took_part: bool, path: &str) -> bool {
    can_edit_inspection(actor, took_part)
        || (allows(actor, Permission::ViewInspections)
            && heads_inspection(actor)
            && scope(actor).covers_path(path))
}

/// May the actor record what was collected of a penalty? The office's
/// inspectors, and the head of the territory.
pub fn can_record_collection(actor: &Actor, office: i64, path: &str) -> bool {
    allows(actor, Permission::ViewInspections) && can_view_inspection(actor, office, path)
}

/// May the actor register or correct an establishment at `path`?
pub fn can_edit_establishment(actor: &Actor, path: &str) -> bool {
    allows(actor, Permission::ViewInspections) && scope(actor).covers_path(path)
}

/// Staff of a Child Support Unit (a unit head may head an inspection office
/// instead: that one has no part in children's cases).
pub fn in_child_support(actor: &Actor) -> bool {
    matches!(actor.role, Role::CaseWorker | Role::Supervisor)
        && actor.agency_kind == Some(AgencyKind::ChildSupportUnit)
}

/// The head of a labour inspection office.
pub fn heads_inspection(actor: &Actor) -> bool {
    actor.role == Role::Supervisor && actor.agency_kind == Some(AgencyKind::LaborInspectorate)
}

/// The cases an actor's lists reach: a Child Support Unit's staff see their
/// unit's queue; the admin sees all, read-only; nobody else lists cases.
pub fn case_scope(actor: &Actor) -> Option<CaseScope> {
    match actor.role {
        Role::CaseWorker | Role::Supervisor if in_child_support(actor) => {
            actor.agency_id.map(CaseScope::Unit)
        }
        _ => None,
    }
}

/// May the actor open a case held by `unit`? The supervisor of a unit a case
/// is being transferred to may read it, to decide.
pub fn can_view_case(actor: &Actor, unit: i64, transfer_to: Option<i64>) -> bool {
    match actor.role {
        _ if !in_child_support(actor) => false,
        Role::CaseWorker => actor.agency_id == Some(unit),
        Role::Supervisor => {
            actor.agency_id == Some(unit)
                || (transfer_to.is_some() && actor.agency_id == transfer_to)
        }
        _ => false,
    }
}

/// May the actor work on (record steps, referrals, follow-ups in) a case of `unit`?
pub fn can_work_on_case(actor: &Actor, unit: i64) -> bool {
    allows(actor, Permission::WorkOnCases) && actor.agency_id == Some(unit)
}

/// May the actor take the supervisor's decisions on a case of `unit`
/// (assign, approve plans and closures, transfer, override consent)?
pub fn can_decide_case(actor: &Actor, unit: i64) -> bool {
    actor.role == Role::Supervisor && in_child_support(actor) && actor.agency_id == Some(unit)
}

/// May the actor accept or decline a case being transferred to `to`?
pub fn can_answer_transfer(actor: &Actor, to: Option<i64>) -> bool {
    actor.role == Role::Supervisor
        && in_child_support(actor)
        && to.is_some()
        && actor.agency_id == to
}

/// May the actor answer and follow a referral addressed to `agency`?
pub fn can_answer_referral(actor: &Actor, agency: i64) -> bool {
    allows(actor, Permission::AnswerReferrals) && actor.agency_id == Some(agency)
}

/// The last day a provider reads the child's data of a referral closed on
/// `closed_on` (declined, completed or failed): `days` after it. An open
/// referral has no end. DESIGN §5: the provider sees what the referral
/// shares, for as long as the work needs.
pub fn provider_access_ends(closed_on: Option<NaiveDate>, days: i64) -> Option<NaiveDate> {
    closed_on.map(|day| day + chrono::Days::new(days.max(0).unsigned_abs()))
}

/// The last day a police unit or prosecutor's office reads the child's data
/// of a referral closed on `closed_on`: `days` after it (setting
/// `KORGOO_LE_ACCESS_DAYS`). A referral to law enforcement is *closed* when
/// it was declined (the day of the answer), or when the investigation it
/// was linked to is decided — convicted, acquitted or dismissed, which are
/// final (the day of that decision). A waiting referral, and one linked to
/// an investigation still under way, in court or suspended (which may
/// resume), has no end: the investigation needs the child's data. The same
/// rule as a provider's, with its own setting: an investigation's needs
/// after its verdict are not a service's.
pub fn le_access_ends(closed_on: Option<NaiveDate>, days: i64) -> Option<NaiveDate> {
    provider_access_ends(closed_on, days)
}

/// Does the reader of a referral still see the child's data it shared on
/// `today`, given the last day of that access (none: no end yet)?
pub fn shares_child_on(access_ends: Option<NaiveDate>, today: NaiveDate) -> bool {
    access_ends.is_none_or(|until| today <= until)
}

/// May the actor open the record of a child living at `home_path`, whose
/// cases are held by `units`? Their territory's children, and the children
/// whose case their unit holds (a case transferred from another district).
pub fn can_view_child(actor: &Actor, home_path: &str, units: &[i64]) -> bool {
    allows(actor, Permission::ViewChildren)
        && (scope(actor).covers_path(home_path) || holds_a_case(actor, units))
}

/// May the actor register a child living at `home_path`, or correct the
/// record of one whose cases are held by `units`?
pub fn can_edit_child(actor: &Actor, home_path: &str, units: &[i64]) -> bool {
    allows(actor, Permission::RegisterChildren)
        && (scope(actor).covers_path(home_path) || holds_a_case(actor, units))
}

fn holds_a_case(actor: &Actor, units: &[i64]) -> bool {
    in_child_support(actor) && actor.agency_id.is_some_and(|a| units.contains(&a))
}

/// May the actor merge two records of the same child, living at these paths?
/// The unit head decides, for children of their territory.
pub fn can_merge_children(actor: &Actor, kept_path: &str, merged_path: &str) -> bool {
    actor.role == Role::Supervisor
        && in_child_support(actor)
        && scope(actor).covers_path(kept_path)
        && scope(actor).covers_path(merged_path)
}

/// May the actor enter or correct training records of an inspector whose
/// territory is at `inspector_path`?
pub fn can_record_training(actor: &Actor, inspector_path: &str) -> bool {
    allows(actor, Permission::RecordTraining) && scope(actor).covers_path(inspector_path)
}

/// May the actor read the training records of the inspector `inspector_id`
/// (territory at `inspector_path`)? Those who keep them, and the inspector.
pub fn can_view_training(actor: &Actor, inspector_id: i64, inspector_path: &str) -> bool {
    can_record_training(actor, inspector_path)
        || (actor.role == Role::Inspector && actor.id == inspector_id)
}

/// The school-fee complaints an actor's lists reach: those of their
/// territory for whoever processes them, and always the ones they logged.
pub fn complaint_scope(actor: &Actor) -> ComplaintScope {
    ComplaintScope {
        territory: allows(actor, Permission::ProcessComplaints)
            .then(|| scope(actor).territory_path),
        logged_by: actor.id,
    }
}

/// May the actor verify and resolve a complaint about a school at `path`, and
/// see who complained?
pub fn can_process_complaint(actor: &Actor, path: &str) -> bool {
    allows(actor, Permission::ProcessComplaints) && scope(actor).covers_path(path)
}

/// May the actor open a complaint at `path`, logged by `logged_by`?
pub fn can_view_complaint(actor: &Actor, logged_by: i64, path: &str) -> bool {
    can_process_complaint(actor, path) || actor.id == logged_by
}

/// `Ok` when allowed, else the 403 the handler returns.
pub fn require(actor: &Actor, permission: Permission) -> Result<(), AppError> {
    if allows(actor, permission) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The part of the records a query may reach for an actor: queries take a
/// `Scope`, so forgetting the filter does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// Territory subtree; `None` is the whole country.
    pub territory_path: Option<String>,
    /// The agency the actor works for, where the role is limited to it.
    pub agency_id: Option<i64>,
}

impl Scope {
    pub fn national() -> Scope {
        Scope {
            territory_path: None,
            agency_id: None,
        }
    }

    /// Does a record at `path` fall inside this scope's territory?
    pub fn covers_path(&self, path: &str) -> bool {
        match &self.territory_path {
            None => true,
            Some(root) => path == root || path.starts_with(&format!("{root}/")),
        }
    }
}

pub fn scope(actor: &Actor) -> Scope {
    match actor.role {
        Role::Admin | Role::Official => Scope::national(),
        Role::Inspector | Role::CaseWorker | Role::Supervisor | Role::Prosecutor | Role::Police => {
            Scope {
                territory_path: actor.territory_path.clone(),
                agency_id: None,
            }
        }
        Role::ServiceProvider => Scope {
            territory_path: None,
            agency_id: actor.agency_id,
        },
    }
}

/// The kinds of agency a user of `role` can work for. An empty list means the
/// role is not tied to an agency (admin, official may still name one).
pub fn agency_kinds_for(role: Role) -> &'static [AgencyKind] {
    use AgencyKind::*;
    match role {
        Role::Admin => &[],
        Role::Official => &[Ministry],
        Role::Inspector => &[LaborInspectorate],
        Role::CaseWorker => &[ChildSupportUnit],
        // The head of a Child Support Unit or of a labour inspection office.
        Role::Supervisor => &[ChildSupportUnit, LaborInspectorate],
        Role::ServiceProvider => &[
            RehabilitationCenter,
            School,
            CatchUpProgram,
            Clinic,
            Shelter,
            Ngo,
        ],
        Role::Prosecutor => &[Prosecutor],
        Role::Police => &[Police],
    }
}

/// Roles whose work is defined by an agency: their users must name one.
pub fn role_requires_agency(role: Role) -> bool {
    !matches!(role, Role::Admin | Role::Official)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, path: Option<&str>) -> Actor {
        Actor {
            id: 1,
            login: "x".into(),
            display_name: "X".into(),
            role,
            agency_id: Some(7),
            agency_kind: Some(match role {
                Role::Inspector => AgencyKind::LaborInspectorate,
                Role::ServiceProvider => AgencyKind::RehabilitationCenter,
                Role::Prosecutor => AgencyKind::Prosecutor,
                Role::Police => AgencyKind::Police,
                Role::Admin | Role::Official => AgencyKind::Ministry,
                Role::CaseWorker | Role::Supervisor => AgencyKind::ChildSupportUnit,
            }),
            location_id: None,
            territory_path: path.map(str::to_owned),
            locale: Lang::Ky,
            must_change_password: false,
        }
    }

    #[test]
    fn only_admin_manages_users_agencies_and_reads_audit() {
        for &role in Role::ALL {
            let a = actor(role, None);
            for p in [
                Permission::ManageUsers,
                Permission::ManageAgencies,
                Permission::ReadAuditLog,
            ] {
                assert_eq!(allows(&a, p), role == Role::Admin, "{role} {p:?}");
            }
        }
    }

    #[test]
    fn territory_scope_is_a_subtree_not_a_prefix() {
        let s = scope(&actor(Role::CaseWorker, Some("KG/KG-O/KG-O-KARASUU")));
        assert!(s.covers_path("KG/KG-O/KG-O-KARASUU"));
        assert!(s.covers_path("KG/KG-O/KG-O-KARASUU/AIMAK-1"));
        assert!(!s.covers_path("KG/KG-O/KG-O-KARASUU2"));
        assert!(!s.covers_path("KG/KG-O"));
        assert!(scope(&actor(Role::Official, Some("KG/KG-O"))).covers_path("KG/KG-C"));
    }

    #[test]
    fn children_are_seen_only_inside_ones_territory() {
        let karasuu = "KG/KG-O/KG-O-KARASUU";
        let worker = actor(Role::CaseWorker, Some(karasuu));
        assert!(can_view_child(&worker, "KG/KG-O/KG-O-KARASUU", &[]));
        assert!(can_edit_child(&worker, "KG/KG-O/KG-O-KARASUU", &[]));
        assert!(!can_view_child(&worker, "KG/KG-C/KG-C-SOKULUK", &[]));
        assert!(!can_view_child(&worker, "KG/KG-C/KG-C-SOKULUK", &[8]));
        // A case transferred to the worker's unit (agency 7) opens the child.
        assert!(can_view_child(&worker, "KG/KG-C/KG-C-SOKULUK", &[8, 7]));
        assert!(can_edit_child(&worker, "KG/KG-C/KG-C-SOKULUK", &[7]));
        for role in [
            Role::Official,
            Role::Inspector,
            Role::ServiceProvider,
            Role::Prosecutor,
            Role::Police,
        ] {
            assert!(!can_view_child(&actor(role, None), karasuu, &[7]), "{role}");
        }
        let admin = actor(Role::Admin, None);
        assert!(
            !can_view_child(&admin, karasuu, &[]),
            "the admin reads no child"
        );
        assert!(!can_edit_child(&admin, karasuu, &[]));
    }

    #[test]
    fn cases_belong_to_a_unit_and_decisions_to_its_head() {
        // actor() works for agency 7.
        let worker = actor(Role::CaseWorker, Some("KG/KG-O/KG-O-KARASUU"));
        let head = actor(Role::Supervisor, Some("KG/KG-O/KG-O-KARASUU"));
        assert!(can_view_case(&worker, 7, None));
        assert!(!can_view_case(&worker, 8, None));
        assert!(
            !can_view_case(&worker, 8, Some(7)),
            "a worker does not see incoming transfers"
        );
        assert!(
            can_view_case(&head, 8, Some(7)),
            "the head decides on incoming transfers"
        );
        assert!(can_work_on_case(&worker, 7) && can_work_on_case(&head, 7));
        assert!(!can_work_on_case(&head, 8));
        assert!(can_decide_case(&head, 7));
        assert!(!can_decide_case(&worker, 7));
        assert!(!can_decide_case(&head, 8));
        assert!(can_answer_transfer(&head, Some(7)));
        assert!(!can_answer_transfer(&head, None));
        assert!(!can_answer_transfer(&worker, Some(7)));
        assert_eq!(case_scope(&worker), Some(CaseScope::Unit(7)));
        for role in [
            Role::Admin,
            Role::Official,
            Role::Inspector,
            Role::ServiceProvider,
            Role::Prosecutor,
            Role::Police,
        ] {
            let other = actor(role, None);
            assert_eq!(case_scope(&other), None, "{role}");
            assert!(!can_view_case(&other, 7, None), "{role}");
            assert!(!can_work_on_case(&other, 7), "{role}");
        }
        let admin = actor(Role::Admin, None);
        assert!(!can_view_case(&admin, 7, None) && !can_work_on_case(&admin, 7));
    }

    #[test]
    fn the_head_of_an_inspection_office_has_no_part_in_childrens_cases() {
        let mut head = actor(Role::Supervisor, Some("KG/KG-O"));
        head.agency_kind = Some(AgencyKind::LaborInspectorate);
        assert!(heads_inspection(&head));
        assert!(!in_child_support(&head));
        for p in [
            Permission::ViewChildren,
            Permission::RegisterChildren,
            Permission::WorkOnCases,
            Permission::ViewCases,
        ] {
            assert!(!allows(&head, p), "{p:?}");
        }
        assert_eq!(case_scope(&head), None);
        assert!(!can_view_case(&head, 7, None));
        assert!(!can_decide_case(&head, 7));
        assert!(!can_view_child(&head, "KG/KG-O/KG-O-KARASUU", &[7]));
    }

    #[test]
    fn inspections_belong_to_an_office_and_its_territorys_head() {
        let osh = "KG/KG-O/KG-O-KARASUU";
        let inspector = actor(Role::Inspector, Some("KG/KG-O"));
        assert_eq!(
            inspection_scope(&inspector),
            Some(InspectionScope::Office(7))
        );
        assert!(can_view_inspection(&inspector, 7, "KG/KG-C/KG-C-SOKULUK"));
        assert!(!can_view_inspection(&inspector, 8, osh));
        assert!(can_edit_inspection(&inspector, true));
        assert!(!can_edit_inspection(&inspector, false));
        let mut head = actor(Role::Supervisor, Some("KG/KG-O"));
        head.agency_kind = Some(AgencyKind::LaborInspectorate);
        assert!(can_view_inspection(&head, 8, osh));
        assert!(!can_view_inspection(&head, 7, "KG/KG-C/KG-C-SOKULUK"));
        assert!(!can_edit_inspection(&head, true));
        assert!(can_record_collection(&head, 8, osh));
        assert!(can_edit_establishment(&inspector, osh));
        for role in [
            Role::Official,
            Role::Admin,
            Role::CaseWorker,
            Role::Supervisor,
            Role::ServiceProvider,
            Role::Police,
            Role::Prosecutor,
        ] {
            let other = actor(role, None);
            assert_eq!(inspection_scope(&other), None, "{role}");
            assert!(!can_view_inspection(&other, 7, osh), "{role}");
            assert!(!can_record_collection(&other, 7, osh), "{role}");
            assert!(!can_edit_establishment(&other, osh), "{role}");
        }
    }

    #[test]
    fn investigations_belong_to_their_agency() {
        let prosecutor = actor(Role::Prosecutor, Some("KG/KG-O"));
        assert!(can_investigate(&prosecutor, 7));
        assert!(!can_investigate(&prosecutor, 8));
        assert!(can_investigate(&actor(Role::Police, None), 7));
        for role in [
            Role::Admin,
            Role::Official,
            Role::Inspector,
            Role::CaseWorker,
            Role::Supervisor,
            Role::ServiceProvider,
        ] {
            assert!(!can_investigate(&actor(role, None), 7), "{role}");
        }
    }

    #[test]
    fn referrals_are_answered_by_their_agency_only() {
        let provider = actor(Role::ServiceProvider, None);
        assert!(can_answer_referral(&provider, 7));
        assert!(!can_answer_referral(&provider, 8));
        assert!(!can_answer_referral(&actor(Role::Supervisor, None), 7));
    }

    #[test]
    fn only_the_head_merges_children_of_their_territory() {
        let karasuu = "KG/KG-O/KG-O-KARASUU";
        let sokuluk = "KG/KG-C/KG-C-SOKULUK";
        let head = actor(Role::Supervisor, Some(karasuu));
        assert!(can_merge_children(&head, karasuu, karasuu));
        assert!(!can_merge_children(&head, karasuu, sokuluk));
        assert!(!can_merge_children(
            &actor(Role::CaseWorker, Some(karasuu)),
            karasuu,
            karasuu
        ));
        assert!(!can_merge_children(
            &actor(Role::Admin, None),
            karasuu,
            karasuu
        ));
    }

    fn inspection_head(path: &str) -> Actor {
        let mut head = actor(Role::Supervisor, Some(path));
        head.agency_kind = Some(AgencyKind::LaborInspectorate);
        head
    }

    #[test]
    fn training_is_kept_by_the_admin_and_the_territorys_inspection_head() {
        let (osh, karasuu, sokuluk) = ("KG/KG-O", "KG/KG-O/KG-O-KARASUU", "KG/KG-C/KG-C-SOKULUK");
        let head = inspection_head(osh);
        assert!(can_record_training(&head, osh));
        assert!(can_record_training(&head, karasuu));
        assert!(!can_record_training(&head, sokuluk));
        assert!(can_record_training(&actor(Role::Admin, None), sokuluk));
        for role in Role::ALL.iter().copied().filter(|r| *r != Role::Admin) {
            let other = actor(role, None);
            assert!(!allows(&other, Permission::RecordTraining), "{role}");
            assert!(!can_record_training(&other, osh), "{role}");
        }
        // An inspector reads their own record only, and keeps none.
        let inspector = actor(Role::Inspector, Some(osh));
        assert!(can_view_training(&inspector, inspector.id, osh));
        assert!(!can_view_training(&inspector, inspector.id + 1, osh));
        for role in [Role::CaseWorker, Role::Official, Role::ServiceProvider] {
            let other = actor(role, None);
            assert!(!allows(&other, Permission::ViewTraining), "{role}");
            assert!(!can_view_training(&other, other.id, osh), "{role}");
        }
    }

    #[test]
    fn anyone_logs_a_complaint_and_the_territorys_inspection_head_processes_it() {
        let (osh, karasuu, sokuluk) = ("KG/KG-O", "KG/KG-O/KG-O-KARASUU", "KG/KG-C/KG-C-SOKULUK");
        for &role in Role::ALL {
            assert!(
                allows(&actor(role, None), Permission::LogComplaints),
                "{role}"
            );
        }
        let head = inspection_head(osh);
        assert!(can_process_complaint(&head, karasuu));
        assert!(!can_process_complaint(&head, sokuluk));
        assert_eq!(
            complaint_scope(&head),
            ComplaintScope {
                territory: Some(Some(osh.to_owned())),
                logged_by: head.id
            }
        );
        let admin = actor(Role::Admin, None);
        assert!(can_process_complaint(&admin, sokuluk));
        assert_eq!(complaint_scope(&admin).territory, Some(None));
        // A Child Support Unit's head is no inspection head.
        let unit_head = actor(Role::Supervisor, Some(osh));
        assert!(!can_process_complaint(&unit_head, karasuu));
        let worker = actor(Role::CaseWorker, Some(karasuu));
        assert_eq!(complaint_scope(&worker).territory, None);
        assert!(can_view_complaint(&worker, worker.id, sokuluk), "their own");
        assert!(!can_view_complaint(&worker, worker.id + 1, karasuu));
        assert!(!can_process_complaint(&worker, karasuu));
    }

    #[test]
    fn service_providers_are_scoped_to_their_agency() {
        let s = scope(&actor(Role::ServiceProvider, Some("KG/KG-O")));
        assert_eq!(s.agency_id, Some(7));
    }
}

/// Who must pass a second factor (issue 19, DESIGN §5): the admin and every
/// role that sees children's data; officials only when the setting says so.
#[derive(Debug, Clone, Copy)]
pub struct SecondFactorRules {
    pub officials: bool,
    /// How long after the first sign-in that found no factor it may wait.
    pub grace: chrono::Duration,
}

/// What a signed-in session must still do before the application opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FactorGate {
    /// Nothing: the factor was passed, is not required, or not yet (grace).
    #[default]
    Open,
    /// Type a code from the authenticator app (or a recovery code).
    Code,
    /// Set up the factor now: it is required and the grace period is over.
    Enrol,
}

pub fn second_factor_required(role: Role, rules: SecondFactorRules) -> bool {
    match role {
        Role::Official => rules.officials,
        Role::Admin
        | Role::Inspector
        | Role::CaseWorker
        | Role::Supervisor
        | Role::ServiceProvider
        | Role::Prosecutor
        | Role::Police => true,
    }
}

/// The gate of a session of a user with `role`: `enrolled` (the factor is
/// set up), `passed` (this session typed a right code), `due_at` (the end of
/// their grace period; none yet means none is left).
pub fn factor_gate(
    role: Role,
    rules: SecondFactorRules,
    enrolled: bool,
    passed: bool,
    due_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> FactorGate {
    if enrolled {
        // Whoever set one up uses it, required or not.
        return if passed {
            FactorGate::Open
        } else {
            FactorGate::Code
        };
    }
    if !second_factor_required(role, rules) {
        return FactorGate::Open;
    }
    match due_at {
        Some(due) if due > now => FactorGate::Open,
        _ => FactorGate::Enrol,
    }
}
