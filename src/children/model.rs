//! Children: who the child is. Every query takes the asking user's `Scope`, so a
//! child outside it can be neither listed, found nor opened. No HTTP in here.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Double, Int4, Nullable, Text};

use crate::admin::model::Names;
use crate::db::schema::{children, locations};
use crate::policy::Scope;

crate::text_enum! {
    pub enum Sex ("sex") {
        Female = "female",
        Male = "male",
    }
}

crate::text_enum! {
    /// The language the child speaks at home.
    pub enum ChildLanguage ("child-language") {
        Ky = "ky",
        Ru = "ru",
        Uz = "uz",
        Tg = "tg",
        Other = "other",
    }
}

crate::text_enum! {
    pub enum SchoolStatus ("school-status") {
        Enrolled = "enrolled",
        Irregular = "irregular",
        OutOfSchool = "out_of_school",
        NeverEnrolled = "never_enrolled",
    }
}

crate::text_enum! {
    pub enum Disability ("disability") {
        None = "none",
        Physical = "physical",
        Sensory = "sensory",
        Intellectual = "intellectual",
        Psychosocial = "psychosocial",
        Multiple = "multiple",
    }
}

/// What the child form produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildInput {
    pub family_name: String,
    pub given_name: String,
    pub patronymic: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub birth_date_estimated: bool,
    pub personal_number: Option<String>,
    pub guardian_name: String,
    pub guardian_contact: String,
    pub home_location_id: i32,
    pub language: ChildLanguage,
    pub school_status: SchoolStatus,
    pub disability: Disability,
}

impl ChildInput {
    pub fn search_name(&self) -> String {
        search_name(&self.family_name, &self.given_name, &self.patronymic)
    }
}

pub fn search_name(family: &str, given: &str, patronymic: &str) -> String {
    super::translit::search_key(&format!("{family} {given} {patronymic}"))
}

#[derive(Debug, Clone)]
pub struct Child {
    pub id: i64,
    pub family_name: String,
    pub given_name: String,
    pub patronymic: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub birth_date_estimated: bool,
    pub personal_number: Option<String>,
    pub guardian_name: String,
    pub guardian_contact: String,
    pub home_location_id: i32,
    pub home: Names,
    pub home_path: String,
    pub language: ChildLanguage,
    pub school_status: SchoolStatus,
    pub disability: Disability,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    /// Set when a supervisor merged this record into another one.
    pub merged_into: Option<i64>,
    /// The units holding a case of this child (filled by `get_child`).
    pub units: Vec<i64>,
}

impl Child {
    pub fn full_name(&self) -> String {
        full_name(&self.family_name, &self.given_name, &self.patronymic)
    }

    /// Whole years on `day` (by reference, as templates pass their values).
    pub fn age_on(&self, day: &NaiveDate) -> i32 {
        age_on(self.birth_date, *day)
    }
}

pub fn full_name(family: &str, given: &str, patronymic: &str) -> String {
    [family, given, patronymic]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whole years from `birth` to `day`.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

type ChildRow = (
    (
        i64,
        String,
        String,
        String,
        Sex,
        NaiveDate,
        bool,
        Option<String>,
    ),
    (String, String, i32, (String, String, String), String),
    (
        ChildLanguage,
        SchoolStatus,
        Disability,
        i32,
        DateTime<Utc>,
        Option<i64>,
    ),
);

fn child_from_row(row: ChildRow) -> Child {
    let (
        (
            id,
            family_name,
            given_name,
            patronymic,
            sex,
            birth_date,
            birth_date_estimated,
            personal_number,
        ),
        (guardian_name, guardian_contact, home_location_id, (ky, ru, en), home_path),
        (language, school_status, disability, version, created_at, merged_into),
    ) = row;
    Child {
        id,
        family_name,
        given_name,
        patronymic,
        sex,
        birth_date,
        birth_date_estimated,
        personal_number,
        guardian_name,
        guardian_contact,
        home_location_id,
        home: Names { ky, ru, en },
        home_path,
        language,
        school_status,
        disability,
        version,
        created_at,
        merged_into,
        units: Vec::new(),
    }
}

macro_rules! child_columns {
    () => {
        (
            (
                children::id,
                children::family_name,
                children::given_name,
                children::patronymic,
                children::sex,
                children::birth_date,
                children::birth_date_estimated,
                children::personal_number,
            ),
            (
                children::guardian_name,
                children::guardian_contact,
                children::home_location_id,
                (locations::name_ky, locations::name_ru, locations::name_en),
                locations::path,
            ),
            (
                children::language,
                children::school_status,
                children::disability,
                children::version,
                children::created_at,
                children::merged_into,
            ),
        )
    };
}

/// A child, whatever the scope: callers ask `policy` before showing it.
pub fn get_child(conn: &mut PgConnection, id: i64) -> QueryResult<Child> {
    use crate::db::schema::cases;
    let mut child = children::table
        .inner_join(locations::table)
        .filter(children::id.eq(id))
        .select(child_columns!())
        .first::<ChildRow>(conn)
        .map(child_from_row)?;
    child.units = cases::table
        .filter(cases::child_id.eq(id))
        .select(cases::unit_id)
        .distinct()
        .load(conn)?;
    Ok(child)
}

/// Newest first, before `before` (keyset on id), inside the scope.
pub fn list_children(
    conn: &mut PgConnection,
    scope: &Scope,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Child>> {
    let mut query = children::table
        .inner_join(locations::table)
        .filter(children::merged_into.is_null())
        .select(child_columns!())
        .order(children::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(root) = &scope.territory_path {
        let escaped = root
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query.filter(
            locations::path
                .eq(root.clone())
                .or(locations::path.like(format!("{escaped}/%"))),
        );
    }
    if let Some(before) = before {
        query = query.filter(children::id.lt(before));
    }
    Ok(query
        .load::<ChildRow>(conn)?
        .into_iter()
        .map(child_from_row)
        .collect())
}

/// A child found by a search or a duplicate check.
#[derive(Debug, Clone, QueryableByName)]
pub struct ChildMatch {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub family_name: String,
    #[diesel(sql_type = Text)]
    pub given_name: String,
    #[diesel(sql_type = Text)]
    pub patronymic: String,
    #[diesel(sql_type = Text)]
    pub sex: Sex,
    #[diesel(sql_type = Date)]
    pub birth_date: NaiveDate,
    #[diesel(sql_type = Text)]
    pub name_ky: String,
    #[diesel(sql_type = Text)]
    pub name_ru: String,
    #[diesel(sql_type = Text)]
    pub name_en: String,
    #[diesel(sql_type = Bool)]
    pub same_number: bool,
    #[diesel(sql_type = Double)]
    pub score: f64,
    /// For a merge decided on this record.
    #[diesel(sql_type = Int4)]
    pub version: i32,
}

impl ChildMatch {
    pub fn full_name(&self) -> String {
        full_name(&self.family_name, &self.given_name, &self.patronymic)
    }

    pub fn home(&self) -> Names {
        Names::of(&self.name_ky, &self.name_ru, &self.name_en)
    }
}

const MATCH_COLUMNS: &str = "c.id, c.family_name, c.given_name, c.patronymic, c.sex, c.birth_date, \
     l.name_ky, l.name_ru, l.name_en, c.version";

/// The scope filter in SQL form: `$n` is the territory path or NULL.
fn scope_sql(n: u8) -> String {
    format!(
        "(${n}::text IS NULL OR l.path = ${n} OR l.path LIKE replace(replace(replace(${n}, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '/%')"
    )
}

/// Children whose names contain the words of `query` (in any spelling),
/// optionally born on `birth_date`, best matches first.
pub fn search(
    conn: &mut PgConnection,
    scope: &Scope,
    query: &str,
    birth_date: Option<NaiveDate>,
    limit: i64,
) -> QueryResult<Vec<ChildMatch>> {
    let key = super::translit::search_key(query);
    let sql = format!(
        "SELECT {MATCH_COLUMNS}, false AS same_number, word_similarity($1, c.search_name)::float8 AS score
         FROM children c JOIN locations l ON l.id = c.home_location_id
         WHERE c.merged_into IS NULL AND ($1 = '' OR $1 <% c.search_name)
           AND ($2::date IS NULL OR c.birth_date = $2)
           AND {}
         ORDER BY score DESC, c.id DESC
         LIMIT $4",
        scope_sql(3)
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(key)
        .bind::<Nullable<Date>, _>(birth_date)
        .bind::<Nullable<Text>, _>(scope.territory_path.clone())
        .bind::<BigInt, _>(limit)
        .load(conn)
}

/// Children in the scope who may be the one being registered: the same
/// personal number; or a similar name (across spellings) with the same birth
/// date or the same home territory. `except` leaves out the child being edited.
pub fn likely_duplicates(
    conn: &mut PgConnection,
    scope: &Scope,
    input: &ChildInput,
    except: Option<i64>,
) -> QueryResult<Vec<ChildMatch>> {
    let sql = format!(
        "SELECT {MATCH_COLUMNS},
                ($3::text IS NOT NULL AND c.personal_number = $3) AS same_number,
                similarity(c.search_name, $1)::float8 AS score
         FROM children c JOIN locations l ON l.id = c.home_location_id
         WHERE c.id <> coalesce($6, 0) AND c.merged_into IS NULL
           AND {}
           AND (($3::text IS NOT NULL AND c.personal_number = $3)
                OR (c.search_name % $1
                    AND (c.birth_date = $2 OR c.home_location_id = $4)
                    AND similarity(c.search_name, $1) >= 0.45))
         ORDER BY same_number DESC, score DESC
         LIMIT $7",
        scope_sql(5)
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(input.search_name())
        .bind::<Date, _>(input.birth_date)
        .bind::<Nullable<Text>, _>(input.personal_number.clone())
        .bind::<Int4, _>(input.home_location_id)
        .bind::<Nullable<Text>, _>(scope.territory_path.clone())
        .bind::<Nullable<BigInt>, _>(except)
        .bind::<BigInt, _>(10_i64)
        .load(conn)
}

/// Is this personal number already someone else's within `scope`? Only
/// there: a number registered beyond the reader's reach is not theirs to
/// learn of (issue 19, the registry oracle); the two records meet as likely
/// duplicates instead.
pub fn personal_number_taken(
    conn: &mut PgConnection,
    scope: &Scope,
    number: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Taken {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        taken: bool,
    }
    let sql = format!(
        "SELECT EXISTS (SELECT 1 FROM children c JOIN locations l ON l.id = c.home_location_id
           WHERE c.personal_number = $1 AND c.id <> coalesce($2, 0) AND c.merged_into IS NULL
             AND {}) AS taken",
        scope_sql(3)
    );
    let found: Taken = diesel::sql_query(sql)
        .bind::<Text, _>(number)
        .bind::<Nullable<BigInt>, _>(except)
        .bind::<Nullable<Text>, _>(scope.territory_path.clone())
        .get_result(conn)?;
    Ok(found.taken)
}

/// The path of a location, to check it against a scope.
pub fn location_path(conn: &mut PgConnection, id: i32) -> QueryResult<Option<String>> {
    locations::table
        .find(id)
        .select(locations::path)
        .first(conn)
        .optional()
}

pub fn create_child(
    conn: &mut PgConnection,
    input: &ChildInput,
    created_by: i64,
) -> QueryResult<i64> {
    diesel::insert_into(children::table)
        .values((
            children::family_name.eq(&input.family_name),
            children::given_name.eq(&input.given_name),
            children::patronymic.eq(&input.patronymic),
            children::search_name.eq(input.search_name()),
            children::sex.eq(input.sex),
            children::birth_date.eq(input.birth_date),
            children::birth_date_estimated.eq(input.birth_date_estimated),
            children::personal_number.eq(&input.personal_number),
            children::guardian_name.eq(&input.guardian_name),
            children::guardian_contact.eq(&input.guardian_contact),
            children::home_location_id.eq(input.home_location_id),
            children::language.eq(input.language),
            children::school_status.eq(input.school_status),
            children::disability.eq(input.disability),
            children::created_by.eq(created_by),
        ))
        .returning(children::id)
        .get_result(conn)
}

/// Save over version `version`; `Ok(false)` when someone saved first.
pub fn update_child(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    input: &ChildInput,
) -> QueryResult<bool> {
    let updated = diesel::update(
        children::table
            .filter(children::id.eq(id))
            .filter(children::version.eq(version)),
    )
    .set((
        children::family_name.eq(&input.family_name),
        children::given_name.eq(&input.given_name),
        children::patronymic.eq(&input.patronymic),
        children::search_name.eq(input.search_name()),
        children::sex.eq(input.sex),
        children::birth_date.eq(input.birth_date),
        children::birth_date_estimated.eq(input.birth_date_estimated),
        children::personal_number.eq(&input.personal_number),
        children::guardian_name.eq(&input.guardian_name),
        children::guardian_contact.eq(&input.guardian_contact),
        children::home_location_id.eq(input.home_location_id),
        children::language.eq(input.language),
        children::school_status.eq(input.school_status),
        children::disability.eq(input.disability),
        children::version.eq(children::version + 1),
        children::updated_at.eq(Utc::now()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Why two records cannot be merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeRefusal {
    /// Both records carry a personal number, and they differ: two children.
    DifferentNumbers,
    /// One of them was merged already, or it is the same record.
    NotMergeable,
    /// One of the records changed since the page was loaded.
    Changed,
}

/// Merge the record `from` into `into` (the record kept): the cases move,
/// empty details of `into` are filled from `from`, and `from` points to
/// `into` from now on. Returns how many cases moved.
pub fn merge(
    conn: &mut PgConnection,
    from: &Child,
    into: &Child,
    by: i64,
) -> QueryResult<Result<usize, MergeRefusal>> {
    use crate::db::schema::cases;
    if from.id == into.id || from.merged_into.is_some() || into.merged_into.is_some() {
        return Ok(Err(MergeRefusal::NotMergeable));
    }
    let number = match (&from.personal_number, &into.personal_number) {
        (Some(a), Some(b)) if a != b => return Ok(Err(MergeRefusal::DifferentNumbers)),
        (Some(a), None) => Some(a.clone()),
        (_, kept) => kept.clone(),
    };
    let now = Utc::now();
    // The merged record gives up its number first: numbers are unique.
    let closed = diesel::update(
        children::table
            .filter(children::id.eq(from.id))
            .filter(children::version.eq(from.version))
            .filter(children::merged_into.is_null()),
    )
    .set((
        children::personal_number.eq(None::<String>),
        children::merged_into.eq(Some(into.id)),
        children::merged_at.eq(Some(now)),
        children::merged_by.eq(Some(by)),
        children::version.eq(children::version + 1),
        children::updated_at.eq(now),
    ))
    .execute(conn)?;
    if closed != 1 {
        return Ok(Err(MergeRefusal::Changed));
    }
    let fill = |kept: &str, other: &str| {
        if kept.is_empty() {
            other.to_owned()
        } else {
            kept.to_owned()
        }
    };
    let kept = diesel::update(
        children::table
            .filter(children::id.eq(into.id))
            .filter(children::version.eq(into.version))
            .filter(children::merged_into.is_null()),
    )
    .set((
        children::personal_number.eq(number),
        children::patronymic.eq(fill(&into.patronymic, &from.patronymic)),
        children::guardian_name.eq(fill(&into.guardian_name, &from.guardian_name)),
        children::guardian_contact.eq(fill(&into.guardian_contact, &from.guardian_contact)),
        children::search_name.eq(search_name(
            &into.family_name,
            &into.given_name,
            &fill(&into.patronymic, &from.patronymic),
        )),
        children::version.eq(children::version + 1),
        children::updated_at.eq(now),
    ))
    .execute(conn)?;
    if kept != 1 {
        return Ok(Err(MergeRefusal::Changed));
    }
    let moved: Vec<i64> = diesel::update(cases::table.filter(cases::child_id.eq(from.id)))
        .set((
            cases::child_id.eq(into.id),
            cases::version.eq(cases::version + 1),
        ))
        .returning(cases::id)
        .get_results(conn)?;
    for case in &moved {
        crate::cases::model::add_event(
            conn,
            *case,
            Some(by),
            crate::cases::model::EventKind::Updated,
            "",
            serde_json::json!({ "child_merged_from": from.id, "into": into.id }),
        )?;
    }
    Ok(Ok(moved.len()))
}

impl Child {
    /// The record as the duplicate check reads a new registration.
    pub fn as_input(&self) -> ChildInput {
        ChildInput {
            family_name: self.family_name.clone(),
            given_name: self.given_name.clone(),
            patronymic: self.patronymic.clone(),
            sex: self.sex,
            birth_date: self.birth_date,
            birth_date_estimated: self.birth_date_estimated,
            personal_number: self.personal_number.clone(),
            guardian_name: self.guardian_name.clone(),
            guardian_contact: self.guardian_contact.clone(),
            home_location_id: self.home_location_id,
            language: self.language,
            school_status: self.school_status,
            disability: self.disability,
        }
    }
}
