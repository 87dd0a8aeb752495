//! Labour inspectors' training records: which course, when, from whom. The
//! enforcement report's "inspectors trained" indicator is computed from them
//! (`inspectors_trained`). Records are corrected, never deleted. No HTTP in here.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Int4, Nullable, Text, Timestamptz};

use crate::admin::model::Names;
use crate::db::schema::training_records;

crate::text_enum! {
    /// The courses the report asks about (DESIGN §4: "trained on forced child labor").
    pub enum Course ("training-course") {
        ForcedChildLabor = "forced_child_labor",
        WorstForms = "worst_forms",
        HazardousWorkList = "hazardous_work_list",
        LaborInspectionMethods = "labor_inspection_methods",
        ChildRights = "child_rights",
        Other = "other",
    }
}

/// What the training form produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingInput {
    pub course: Course,
    pub completed_on: NaiveDate,
    pub provider: String,
    pub certificate_number: Option<String>,
    pub hours: Option<i32>,
}

/// A labour inspector whose training is kept.
#[derive(Debug, Clone, QueryableByName)]
pub struct Inspector {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub display_name: String,
    #[diesel(sql_type = Bool)]
    pub active: bool,
    /// The inspector's territory; the whole country when none is set.
    #[diesel(sql_type = Text)]
    pub path: String,
    #[diesel(sql_type = Nullable<Text>)]
    agency_ky: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    agency_ru: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    agency_en: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    loc_ky: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    loc_ru: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    loc_en: Option<String>,
}

fn names(ky: &Option<String>, ru: &Option<String>, en: &Option<String>) -> Option<Names> {
    match (ky, ru, en) {
        (Some(ky), Some(ru), Some(en)) => Some(Names::of(ky.as_str(), ru.as_str(), en.as_str())),
        _ => None,
    }
}

impl Inspector {
    pub fn agency(&self) -> Option<Names> {
        names(&self.agency_ky, &self.agency_ru, &self.agency_en)
    }

    pub fn location(&self) -> Option<Names> {
        names(&self.loc_ky, &self.loc_ru, &self.loc_en)
    }
}

const INSPECTOR_SELECT: &str = "SELECT u.id, u.display_name, u.active,
        COALESCE(l.path, 'KG') AS path,
        a.name_ky AS agency_ky, a.name_ru AS agency_ru, a.name_en AS agency_en,
        l.name_ky AS loc_ky, l.name_ru AS loc_ru, l.name_en AS loc_en
     FROM users u
     LEFT JOIN agencies a ON a.id = u.agency_id
     LEFT JOIN locations l ON l.id = u.location_id";

/// The labour inspector `id`, whatever the territory (callers ask `policy`);
/// `None` when there is no such user or the user is not an inspector.
pub fn inspector(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Inspector>> {
    diesel::sql_query(format!(
        "{INSPECTOR_SELECT} WHERE u.id = $1 AND u.role = 'inspector'"
    ))
    .bind::<BigInt, _>(id)
    .get_result(conn)
    .optional()
}

/// A training record as its pages show it.
#[derive(Debug, Clone, QueryableByName)]
pub struct TrainingRecord {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = Text)]
    pub course: Course,
    #[diesel(sql_type = Date)]
    pub completed_on: NaiveDate,
    #[diesel(sql_type = Text)]
    pub provider: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub certificate_number: Option<String>,
    #[diesel(sql_type = Nullable<Int4>)]
    pub hours: Option<i32>,
    #[diesel(sql_type = Text)]
    pub recorded_by: String,
    #[diesel(sql_type = Timestamptz)]
    pub recorded_at: DateTime<Utc>,
    #[diesel(sql_type = Int4)]
    pub version: i32,
}

const RECORD_SELECT: &str = "SELECT r.id, r.user_id, r.course, r.completed_on, r.provider,
        r.certificate_number, r.hours, w.display_name AS recorded_by, r.recorded_at, r.version
     FROM training_records r
     JOIN users w ON w.id = r.recorded_by";

pub fn get_record(conn: &mut PgConnection, id: i64) -> QueryResult<TrainingRecord> {
    diesel::sql_query(format!("{RECORD_SELECT} WHERE r.id = $1"))
        .bind::<BigInt, _>(id)
        .get_result(conn)
}

/// An inspector's records, the latest course first.
pub fn records_of(conn: &mut PgConnection, user_id: i64) -> QueryResult<Vec<TrainingRecord>> {
    diesel::sql_query(format!(
        "{RECORD_SELECT} WHERE r.user_id = $1 ORDER BY r.completed_on DESC, r.id DESC"
    ))
    .bind::<BigInt, _>(user_id)
    .load(conn)
}

pub fn create_record(
    conn: &mut PgConnection,
    user_id: i64,
    input: &TrainingInput,
    recorded_by: i64,
) -> QueryResult<i64> {
    diesel::insert_into(training_records::table)
        .values((
            training_records::user_id.eq(user_id),
            training_records::course.eq(input.course),
            training_records::completed_on.eq(input.completed_on),
            training_records::provider.eq(&input.provider),
            training_records::certificate_number.eq(&input.certificate_number),
            training_records::hours.eq(input.hours),
            training_records::recorded_by.eq(recorded_by),
        ))
        .returning(training_records::id)
        .get_result(conn)
}

/// Correct a record over version `version`; `Ok(false)` when someone saved first.
pub fn update_record(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    input: &TrainingInput,
) -> QueryResult<bool> {
    let updated = diesel::update(
        training_records::table
            .filter(training_records::id.eq(id))
            .filter(training_records::version.eq(version)),
    )
    .set((
        training_records::course.eq(input.course),
        training_records::completed_on.eq(input.completed_on),
        training_records::provider.eq(&input.provider),
        training_records::certificate_number.eq(&input.certificate_number),
        training_records::hours.eq(input.hours),
        training_records::version.eq(training_records::version + 1),
        training_records::updated_at.eq(Utc::now()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// The fields a correction changed, for the audit log.
pub fn changed_fields(before: &TrainingRecord, after: &TrainingInput) -> Vec<&'static str> {
    let mut changed = Vec::new();
    if before.course != after.course {
        changed.push("course");
    }
    if before.completed_on != after.completed_on {
        changed.push("completed_on");
    }
    if before.provider != after.provider {
        changed.push("provider");
    }
    if before.certificate_number != after.certificate_number {
        changed.push("certificate_number");
    }
    if before.hours != after.hours {
        changed.push("hours");
    }
    changed
}

/// A line of the list of inspectors: who, where, and their latest course.
#[derive(Debug, Clone, QueryableByName)]
pub struct InspectorLine {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub display_name: String,
    #[diesel(sql_type = Bool)]
    pub active: bool,
    #[diesel(sql_type = Nullable<Text>)]
    agency_ky: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    agency_ru: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    agency_en: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    loc_ky: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    loc_ru: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    loc_en: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub latest_course: Option<Course>,
    #[diesel(sql_type = Nullable<Date>)]
    pub latest_on: Option<NaiveDate>,
    #[diesel(sql_type = BigInt)]
    pub records: i64,
}

impl InspectorLine {
    pub fn agency(&self) -> Option<Names> {
        names(&self.agency_ky, &self.agency_ru, &self.agency_en)
    }

    pub fn location(&self) -> Option<Names> {
        names(&self.loc_ky, &self.loc_ru, &self.loc_en)
    }
}

/// Inspectors whose territory lies inside `territory` (every one when
/// `None`), by name, `limit` of them after the inspector `after` (keyset on
/// (display_name, id): the address holds only an id, never a name).
pub fn list_inspectors(
    conn: &mut PgConnection,
    territory: Option<&str>,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<InspectorLine>> {
    diesel::sql_query(
        "SELECT u.id, u.display_name, u.active,
                a.name_ky AS agency_ky, a.name_ru AS agency_ru, a.name_en AS agency_en,
                l.name_ky AS loc_ky, l.name_ru AS loc_ru, l.name_en AS loc_en,
                t.course AS latest_course, t.completed_on AS latest_on,
                (SELECT count(*) FROM training_records c WHERE c.user_id = u.id) AS records
         FROM users u
         LEFT JOIN agencies a ON a.id = u.agency_id
         LEFT JOIN locations l ON l.id = u.location_id
         LEFT JOIN LATERAL (
             SELECT r.course, r.completed_on FROM training_records r
             WHERE r.user_id = u.id ORDER BY r.completed_on DESC, r.id DESC LIMIT 1
         ) t ON true
         WHERE u.role = 'inspector'
           AND ($1::text IS NULL OR COALESCE(l.path, 'KG') = $1
                OR COALESCE(l.path, 'KG') LIKE replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '/%')
           AND ($2::bigint IS NULL
                OR (u.display_name, u.id) > (SELECT p.display_name, p.id FROM users p WHERE p.id = $2))
         ORDER BY u.display_name, u.id
         LIMIT $3",
    )
    .bind::<Nullable<Text>, _>(territory)
    .bind::<Nullable<BigInt>, _>(after)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// How many inspectors completed a course in `year` (any course, or only
/// `course`): each counted once, however many courses they took. A person
/// trained as an inspector counts for that year even if they later left.
pub fn inspectors_trained(
    conn: &mut PgConnection,
    year: i32,
    course: Option<Course>,
) -> QueryResult<i64> {
    let (Some(from), Some(until)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        year.checked_add(1)
            .and_then(|next| NaiveDate::from_ymd_opt(next, 1, 1)),
    ) else {
        return Ok(0);
    };
    let mut query = training_records::table
        .filter(training_records::completed_on.ge(from))
        .filter(training_records::completed_on.lt(until))
        .select(diesel::dsl::count(training_records::user_id).aggregate_distinct())
        .into_boxed();
    if let Some(course) = course {
        query = query.filter(training_records::course.eq(course));
    }
    query.get_result(conn)
}
