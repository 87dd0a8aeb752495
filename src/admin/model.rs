//! Reference records the administrator keeps: locations (read-only, seeded),
//! agencies and users; and the audit log as the administrator reads it.
//! No HTTP in here.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::audit::{AuditAction, TargetKind};
use crate::db::schema::{agencies, audit_log, locations, users};
use crate::policy::Role;
use crate::web::i18n::Lang;

crate::text_enum! {
    /// What an agency is (DESIGN §2).
    pub enum AgencyKind ("agency-kind") {
        Ministry = "ministry",
        LaborInspectorate = "labor_inspectorate",
        ChildSupportUnit = "child_support_unit",
        RehabilitationCenter = "rehabilitation_center",
        School = "school",
        CatchUpProgram = "catch_up_program",
        Clinic = "clinic",
        Shelter = "shelter",
        Ngo = "ngo",
        Prosecutor = "prosecutor",
        Police = "police",
    }
}

crate::text_enum! {
    /// A service an agency offers and a referral asks for.
    pub enum ServiceKind ("service") {
        Rehabilitation = "rehabilitation",
        CatchUpEducation = "catch_up_education",
        SchoolEnrolment = "school_enrolment",
        Medical = "medical",
        Psychosocial = "psychosocial",
        Shelter = "shelter",
        LegalAid = "legal_aid",
        FamilySupport = "family_support",
        LawEnforcement = "law_enforcement",
    }
}

/// A name in each of the three languages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    pub ky: String,
    pub ru: String,
    pub en: String,
}

impl Names {
    /// A name in the three languages.
    pub fn of(ky: impl Into<String>, ru: impl Into<String>, en: impl Into<String>) -> Names {
        Names {
            ky: ky.into(),
            ru: ru.into(),
            en: en.into(),
        }
    }

    /// The name in `lang` (by reference, as templates pass their values).
    pub fn get(&self, lang: &Lang) -> &str {
        match lang {
            Lang::Ky => &self.ky,
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        }
    }
}

// ---------------------------------------------------------------- locations

#[derive(Debug, Clone)]
pub struct LocationOption {
    pub id: i32,
    pub code: String,
    /// 0 for the country, 1 for regions, 2 for districts and cities, …
    pub depth: usize,
    pub names: Names,
}

impl LocationOption {
    /// The name indented by its depth, for a select list of the tree.
    pub fn label(&self, lang: &Lang) -> String {
        format!(
            "{}{}",
            "\u{a0}\u{a0}".repeat(self.depth),
            self.names.get(lang)
        )
    }
}

/// The whole location tree in tree order (a few hundred rows, one query).
pub fn location_options(conn: &mut PgConnection) -> QueryResult<Vec<LocationOption>> {
    let rows: Vec<(i32, String, String, i32, String, String, String)> = locations::table
        .select((
            locations::id,
            locations::code,
            locations::path,
            locations::sort_order,
            locations::name_ky,
            locations::name_ru,
            locations::name_en,
        ))
        .load(conn)?;
    // Order by the parents' sort orders, not alphabetically by code.
    let orders: HashMap<&str, i32> = rows
        .iter()
        .map(|(_, code, _, order, ..)| (code.as_str(), *order))
        .collect();
    let order_of = |code: &str| orders.get(code).copied().unwrap_or(0);
    let mut keyed: Vec<(Vec<i32>, LocationOption)> = rows
        .iter()
        .map(|(id, code, path, _, ky, ru, en)| {
            let key = path.split('/').map(order_of).collect();
            let depth = path.matches('/').count();
            (
                key,
                LocationOption {
                    id: *id,
                    code: code.clone(),
                    depth,
                    names: Names {
                        ky: ky.clone(),
                        ru: ru.clone(),
                        en: en.clone(),
                    },
                },
            )
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(keyed.into_iter().map(|(_, o)| o).collect())
}

pub fn location_id_by_code(conn: &mut PgConnection, code: &str) -> QueryResult<Option<i32>> {
    locations::table
        .filter(locations::code.eq(code))
        .select(locations::id)
        .first(conn)
        .optional()
}

pub fn location_exists(conn: &mut PgConnection, id: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(locations::table.find(id))).get_result(conn)
}

// ----------------------------------------------------------------- agencies

#[derive(Debug, Clone)]
pub struct Agency {
    pub id: i64,
    pub code: Option<String>,
    pub kind: AgencyKind,
    pub location_id: i32,
    pub location: Names,
    pub names: Names,
    pub contact: String,
    pub services: Vec<ServiceKind>,
    pub capacity: Option<i32>,
    pub active: bool,
    pub version: i32,
}

/// What the agency form produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyInput {
    pub kind: AgencyKind,
    pub location_id: i32,
    pub names: Names,
    pub contact: String,
    pub services: Vec<ServiceKind>,
    pub capacity: Option<i32>,
    pub active: bool,
}

type AgencyRow = (
    i64,
    Option<String>,
    AgencyKind,
    i32,
    (String, String, String),
    (String, String, String),
    String,
    Vec<Option<String>>,
    Option<i32>,
    bool,
    i32,
);

fn agency_from_row(row: AgencyRow) -> Agency {
    let (
        id,
        code,
        kind,
        location_id,
        (lky, lru, len),
        (ky, ru, en),
        contact,
        services,
        capacity,
        active,
        version,
    ) = row;
    Agency {
        id,
        code,
        kind,
        location_id,
        location: Names::of(lky, lru, len),
        names: Names { ky, ru, en },
        contact,
        services: services
            .iter()
            .flatten()
            .filter_map(|s| ServiceKind::parse(s))
            .collect(),
        capacity,
        active,
        version,
    }
}

macro_rules! agency_columns {
    () => {
        (
            agencies::id,
            agencies::code,
            agencies::kind,
            agencies::location_id,
            (locations::name_ky, locations::name_ru, locations::name_en),
            (agencies::name_ky, agencies::name_ru, agencies::name_en),
            agencies::contact,
            agencies::services,
            agencies::capacity,
            agencies::active,
            agencies::version,
        )
    };
}

pub fn get_agency(conn: &mut PgConnection, id: i64) -> QueryResult<Agency> {
    agencies::table
        .inner_join(locations::table)
        .filter(agencies::id.eq(id))
        .select(agency_columns!())
        .first::<AgencyRow>(conn)
        .map(agency_from_row)
}

#[derive(Debug, Clone, Default)]
pub struct AgencyFilter {
    pub kind: Option<AgencyKind>,
    pub location_id: Option<i32>,
}

/// One page of agencies ordered by id, after `after` (keyset).
pub fn list_agencies(
    conn: &mut PgConnection,
    filter: &AgencyFilter,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Agency>> {
    let mut query = agencies::table
        .inner_join(locations::table)
        .select(agency_columns!())
        .order(agencies::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(agencies::kind.eq(kind));
    }
    if let Some(location) = filter.location_id {
        query = query.filter(agencies::location_id.eq(location));
    }
    if let Some(after) = after {
        query = query.filter(agencies::id.gt(after));
    }
    Ok(query
        .load::<AgencyRow>(conn)?
        .into_iter()
        .map(agency_from_row)
        .collect())
}

/// Every agency, for choosing one in a form: (id, kind, names).
pub fn agency_options(conn: &mut PgConnection) -> QueryResult<Vec<(i64, AgencyKind, Names)>> {
    let rows: Vec<(i64, AgencyKind, String, String, String)> = agencies::table
        .filter(agencies::active.eq(true))
        .select((
            agencies::id,
            agencies::kind,
            agencies::name_ky,
            agencies::name_ru,
            agencies::name_en,
        ))
        .order((agencies::kind.asc(), agencies::id.asc()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, ky, ru, en)| (id, kind, Names { ky, ru, en }))
        .collect())
}

/// (kind, location) of an agency, for checking a user's assignment.
pub fn agency_kind_and_location(
    conn: &mut PgConnection,
    id: i64,
) -> QueryResult<Option<(AgencyKind, i32, bool)>> {
    agencies::table
        .find(id)
        .select((agencies::kind, agencies::location_id, agencies::active))
        .first(conn)
        .optional()
}

fn services_column(services: &[ServiceKind]) -> Vec<String> {
    services.iter().map(|s| s.as_str().to_owned()).collect()
}

pub fn create_agency(conn: &mut PgConnection, input: &AgencyInput) -> QueryResult<i64> {
    diesel::insert_into(agencies::table)
        .values((
            agencies::kind.eq(input.kind),
            agencies::location_id.eq(input.location_id),
            agencies::name_ky.eq(&input.names.ky),
            agencies::name_ru.eq(&input.names.ru),
            agencies::name_en.eq(&input.names.en),
            agencies::contact.eq(&input.contact),
            agencies::services.eq(services_column(&input.services)),
            agencies::capacity.eq(input.capacity),
            agencies::active.eq(input.active),
        ))
        .returning(agencies::id)
        .get_result(conn)
}

/// Save `input` over version `version`; `Ok(false)` when someone saved first.
pub fn update_agency(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    input: &AgencyInput,
) -> QueryResult<bool> {
    let updated = diesel::update(
        agencies::table
            .filter(agencies::id.eq(id))
            .filter(agencies::version.eq(version)),
    )
    .set((
        agencies::kind.eq(input.kind),
        agencies::location_id.eq(input.location_id),
        agencies::name_ky.eq(&input.names.ky),
        agencies::name_ru.eq(&input.names.ru),
        agencies::name_en.eq(&input.names.en),
        agencies::contact.eq(&input.contact),
        agencies::services.eq(services_column(&input.services)),
        agencies::capacity.eq(input.capacity),
        agencies::active.eq(input.active),
        agencies::version.eq(version + 1),
        agencies::updated_at.eq(Utc::now()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

// -------------------------------------------------------------------- users

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub agency_id: Option<i64>,
    pub agency: Option<Names>,
    pub location_id: Option<i32>,
    pub location: Option<Names>,
    pub locale: Lang,
    pub active: bool,
    pub must_change_password: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// When their second factor was set up; none while it is not.
    pub second_factor_since: Option<DateTime<Utc>>,
    pub version: i32,
}

impl UserRecord {
    pub fn is_locked(&self) -> bool {
        self.locked_until.is_some_and(|t| t > Utc::now())
    }
}

/// What the user form produces (the password is set separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInput {
    pub display_name: String,
    pub role: Role,
    pub agency_id: Option<i64>,
    pub location_id: Option<i32>,
    pub locale: Lang,
}

type UserRow = (
    i64,
    String,
    String,
    Role,
    Option<i64>,
    Option<(String, String, String)>,
    Option<i32>,
    Option<(String, String, String)>,
    Lang,
    (bool, bool),
    Option<DateTime<Utc>>,
    (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    i32,
);

fn user_from_row(row: UserRow) -> UserRecord {
    let (
        id,
        login,
        display_name,
        role,
        agency_id,
        agency,
        location_id,
        location,
        locale,
        (active, must_change),
        locked_until,
        (last_login_at, second_factor_since),
        version,
    ) = row;
    let names = |n: Option<(String, String, String)>| n.map(|(ky, ru, en)| Names { ky, ru, en });
    UserRecord {
        id,
        login,
        display_name,
        role,
        agency_id,
        agency: names(agency),
        location_id,
        location: names(location),
        locale,
        active,
        must_change_password: must_change,
        locked_until,
        last_login_at,
        second_factor_since,
        version,
    }
}

macro_rules! user_query {
    () => {
        users::table
            .left_join(agencies::table)
            .left_join(locations::table.on(users::location_id.eq(locations::id.nullable())))
            .select((
                users::id,
                users::login,
                users::display_name,
                users::role,
                users::agency_id,
                (agencies::name_ky, agencies::name_ru, agencies::name_en).nullable(),
                users::location_id,
                (locations::name_ky, locations::name_ru, locations::name_en).nullable(),
                users::locale,
                (users::active, users::must_change_password),
                users::locked_until,
                (users::last_login_at, users::totp_enabled_at),
                users::version,
            ))
    };
}

pub fn get_user(conn: &mut PgConnection, id: i64) -> QueryResult<UserRecord> {
    user_query!()
        .filter(users::id.eq(id))
        .first::<UserRow>(conn)
        .map(user_from_row)
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub agency_id: Option<i64>,
    pub active: Option<bool>,
    /// Start of a login (logins are lower-case ASCII).
    pub login_prefix: Option<String>,
}

/// One page of users ordered by login, after `after` (keyset on the unique login).
pub fn list_users(
    conn: &mut PgConnection,
    filter: &UserFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<UserRecord>> {
    let mut query = user_query!()
        .order(users::login.asc())
        .limit(limit)
        .into_boxed();
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role));
    }
    if let Some(agency) = filter.agency_id {
        query = query.filter(users::agency_id.eq(agency));
    }
    if let Some(active) = filter.active {
        query = query.filter(users::active.eq(active));
    }
    if let Some(prefix) = &filter.login_prefix {
        let escaped = prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query.filter(users::login.like(format!("{escaped}%")));
    }
    if let Some(after) = after {
        query = query.filter(users::login.gt(after.to_owned()));
    }
    Ok(query
        .load::<UserRow>(conn)?
        .into_iter()
        .map(user_from_row)
        .collect())
}

pub fn login_taken(conn: &mut PgConnection, login: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(users::login.eq(login)),
    ))
    .get_result(conn)
}

pub fn create_user(
    conn: &mut PgConnection,
    login: &str,
    input: &UserInput,
    password_hash: &str,
    temporary_password: bool,
) -> QueryResult<i64> {
    diesel::insert_into(users::table)
        .values((
            users::login.eq(login),
            users::display_name.eq(&input.display_name),
            users::password_hash.eq(password_hash),
            users::role.eq(input.role),
            users::agency_id.eq(input.agency_id),
            users::location_id.eq(input.location_id),
            users::locale.eq(input.locale),
            users::must_change_password.eq(temporary_password),
        ))
        .returning(users::id)
        .get_result(conn)
}

/// Save `input` over version `version`; `Ok(false)` when someone saved first.
pub fn update_user(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    input: &UserInput,
) -> QueryResult<bool> {
    let updated = diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::version.eq(version)),
    )
    .set((
        users::display_name.eq(&input.display_name),
        users::role.eq(input.role),
        users::agency_id.eq(input.agency_id),
        users::location_id.eq(input.location_id),
        users::locale.eq(input.locale),
        users::version.eq(version + 1),
        users::updated_at.eq(Utc::now()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn set_active(conn: &mut PgConnection, id: i64, active: bool) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::active.eq(active),
            users::version.eq(users::version + 1),
            users::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

// ---------------------------------------------------------------- audit log

#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_login: Option<String>,
    pub client_addr: Option<String>,
    pub action: AuditAction,
    pub target_kind: Option<TargetKind>,
    pub target_id: Option<i64>,
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    pub actor_login: Option<String>,
    pub target_kind: Option<TargetKind>,
    pub target_id: Option<i64>,
    /// Days in Asia/Bishkek, inclusive.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Start of a Bishkek day, in UTC.
pub fn bishkek_day_start(day: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let local = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    crate::web::context::TIME_ZONE
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| local.and_utc())
}

/// Newest first, before `before` (keyset on id).
/// The alerts of bulk reading of personal data of the last seven days, for
/// the admin's home page (through the action index).
pub fn recent_bulk_alerts(conn: &mut PgConnection) -> QueryResult<Vec<AuditEntry>> {
    let filter = AuditFilter {
        action: Some(AuditAction::BulkAccessAlert),
        from: Some(
            (Utc::now() - chrono::Duration::days(7))
                .with_timezone(&crate::web::context::TIME_ZONE)
                .date_naive(),
        ),
        ..AuditFilter::default()
    };
    list_audit(conn, &filter, None, 20)
}

pub fn list_audit(
    conn: &mut PgConnection,
    filter: &AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AuditEntry>> {
    let mut query = audit_log::table
        .select((
            audit_log::id,
            audit_log::at,
            audit_log::actor_login,
            audit_log::client_addr,
            audit_log::action,
            audit_log::target_kind,
            audit_log::target_id,
            audit_log::details,
        ))
        .order(audit_log::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(action) = filter.action {
        query = query.filter(audit_log::action.eq(action));
    }
    if let Some(login) = &filter.actor_login {
        query = query.filter(audit_log::actor_login.eq(login.clone()));
    }
    if let Some(kind) = filter.target_kind {
        query = query.filter(audit_log::target_kind.eq(kind));
    }
    if let Some(id) = filter.target_id {
        query = query.filter(audit_log::target_id.eq(id));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::at.ge(bishkek_day_start(from)));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        query = query.filter(audit_log::at.lt(bishkek_day_start(to)));
    }
    if let Some(before) = before {
        query = query.filter(audit_log::id.lt(before));
    }
    query
        .load::<(
            i64,
            DateTime<Utc>,
            Option<String>,
            Option<String>,
            AuditAction,
            Option<TargetKind>,
            Option<i64>,
            serde_json::Value,
        )>(conn)
        .map(|rows| {
            rows.into_iter()
                .map(
                    |(
                        id,
                        at,
                        actor_login,
                        client_addr,
                        action,
                        target_kind,
                        target_id,
                        details,
                    )| AuditEntry {
                        id,
                        at,
                        actor_login,
                        client_addr,
                        action,
                        target_kind,
                        target_id,
                        details,
                    },
                )
                .collect()
        })
}

// -------------------------------------------------------- user assignments

fn location_path(conn: &mut PgConnection, id: i32) -> QueryResult<Option<String>> {
    locations::table
        .find(id)
        .select(locations::path)
        .first(conn)
        .optional()
}

/// Check a user's agency and territory against their role (DESIGN §1: a case
/// worker works for a child support unit, inside its territory, …). When no
/// territory was chosen, the agency's is used.
pub fn check_assignment(
    conn: &mut PgConnection,
    input: &mut UserInput,
) -> QueryResult<crate::web::forms::FieldErrors> {
    use crate::policy;
    let mut errors = crate::web::forms::FieldErrors::new();
    let chosen_path = match input.location_id {
        Some(id) => match location_path(conn, id)? {
            Some(path) => Some(path),
            None => {
                errors.add("location_id", "error-invalid-choice");
                return Ok(errors);
            }
        },
        None => None,
    };
    match input.agency_id {
        None => {
            if policy::role_requires_agency(input.role) {
                errors.add("agency_id", "error-agency-required");
            }
        }
        Some(id) => match agency_kind_and_location(conn, id)? {
            None => errors.add("agency_id", "error-invalid-choice"),
            Some((_, _, false)) => errors.add("agency_id", "error-agency-inactive"),
            Some((kind, agency_location, true)) => {
                let kinds = policy::agency_kinds_for(input.role);
                if !kinds.is_empty() && !kinds.contains(&kind) {
                    errors.add("agency_id", "error-agency-wrong-kind");
                }
                match &chosen_path {
                    None => input.location_id = Some(agency_location),
                    Some(path) => {
                        let agency_path = location_path(conn, agency_location)?.unwrap_or_default();
                        let inside =
                            path == &agency_path || path.starts_with(&format!("{agency_path}/"));
                        if !inside {
                            errors.add("location_id", "error-territory-outside-agency");
                        }
                    }
                }
            }
        },
    }
    Ok(errors)
}

/// What changed between two versions of a user, for the audit log.
pub fn user_changes(before: &UserRecord, after: &UserInput) -> serde_json::Value {
    let mut changes = serde_json::Map::new();
    let mut note = |field: &str, old: serde_json::Value, new: serde_json::Value| {
        if old != new {
            changes.insert(field.to_owned(), serde_json::json!([old, new]));
        }
    };
    note(
        "display_name",
        before.display_name.clone().into(),
        after.display_name.clone().into(),
    );
    note(
        "role",
        before.role.as_str().into(),
        after.role.as_str().into(),
    );
    note("agency_id", before.agency_id.into(), after.agency_id.into());
    note(
        "location_id",
        before.location_id.into(),
        after.location_id.into(),
    );
    note(
        "locale",
        before.locale.as_str().into(),
        after.locale.as_str().into(),
    );
    serde_json::Value::Object(changes)
}

/// End the waits of an account and of every known device of it.
pub fn unlock_user(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
    use crate::db::schema::known_devices;
    diesel::update(known_devices::table.filter(known_devices::user_id.eq(id)))
        .set((
            known_devices::failed_logins.eq(0),
            known_devices::locked_until.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)?;
    diesel::update(users::table.find(id))
        .set((
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)
        .map(|_| ())
}
