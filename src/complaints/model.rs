//! School-fee complaints (the free-education recommendation): a school
//! charged a family; someone logs it, and the labour inspection office of
//! the territory verifies it and resolves it or finds it unfounded. The
//! complainant is protected: lists never select it. No HTTP in here.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Int4, Nullable, Numeric, Text, Timestamptz};
use rust_decimal::Decimal;

use crate::admin::model::Names;
use crate::db::schema::school_fee_complaints;
use crate::web::i18n::Lang;
use crate::web::money;

crate::text_enum! {
    pub enum ComplaintStatus ("complaint-status") {
        Received = "received",
        Verified = "verified",
        Resolved = "resolved",
        Unfounded = "unfounded",
    }
}

impl ComplaintStatus {
    /// May a complaint in this status be moved to `to`? Received → verified →
    /// resolved or unfounded: a complaint is checked before either outcome,
    /// and an outcome is final. Staying in an open status (to record the
    /// action taken so far) is allowed.
    pub fn can_become(self, to: ComplaintStatus) -> Result<(), &'static str> {
        use ComplaintStatus::*;
        match (self, to) {
            (Resolved | Unfounded, _) => Err("error-complaint-closed"),
            (Received, Received | Verified) => Ok(()),
            (Verified, Verified | Resolved | Unfounded) => Ok(()),
            (Received, Resolved | Unfounded) => Err("error-complaint-verify-first"),
            (Verified, Received) => Err("error-complaint-no-going-back"),
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, ComplaintStatus::Received | ComplaintStatus::Verified)
    }

    /// The statuses a complaint in this one may be saved with (itself first).
    pub fn choices(self) -> Vec<ComplaintStatus> {
        ComplaintStatus::ALL
            .iter()
            .copied()
            .filter(|to| self.can_become(*to).is_ok())
            .collect()
    }
}

/// Which complaints a list may reach (`policy::complaint_scope`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintScope {
    /// For those who process complaints: `Some(None)` is the whole country,
    /// `Some(Some(path))` a territory's subtree. `None`: no territory at all.
    pub territory: Option<Option<String>>,
    /// Everyone sees the complaints they logged themselves.
    pub logged_by: i64,
}

/// What the complaint form produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintInput {
    pub school_id: i64,
    pub location_id: i32,
    pub charged_on: NaiveDate,
    pub amount: Decimal,
    pub complainant_name: String,
    pub complainant_contact: String,
    pub description: String,
}

/// A school a complaint can be about.
#[derive(Debug, Clone, QueryableByName)]
pub struct SchoolOption {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Int4)]
    pub location_id: i32,
    #[diesel(sql_type = Text)]
    name_ky: String,
    #[diesel(sql_type = Text)]
    name_ru: String,
    #[diesel(sql_type = Text)]
    name_en: String,
    #[diesel(sql_type = Text)]
    loc_ky: String,
    #[diesel(sql_type = Text)]
    loc_ru: String,
    #[diesel(sql_type = Text)]
    loc_en: String,
}

impl SchoolOption {
    /// "School No. 12 — Kara-Suu District", for a select list.
    pub fn label(&self, lang: &Lang) -> String {
        let (name, place) = match lang {
            Lang::Ky => (&self.name_ky, &self.loc_ky),
            Lang::Ru => (&self.name_ru, &self.loc_ru),
            Lang::En => (&self.name_en, &self.loc_en),
        };
        format!("{name} — {place}")
    }
}

/// The active schools, by territory then name.
pub fn schools(conn: &mut PgConnection) -> QueryResult<Vec<SchoolOption>> {
    diesel::sql_query(
        "SELECT a.id, a.location_id, a.name_ky, a.name_ru, a.name_en,
                l.name_ky AS loc_ky, l.name_ru AS loc_ru, l.name_en AS loc_en
         FROM agencies a JOIN locations l ON l.id = a.location_id
         WHERE a.kind = 'school' AND a.active
         ORDER BY l.path, a.name_ky, a.id",
    )
    .load(conn)
}

pub fn create_complaint(
    conn: &mut PgConnection,
    input: &ComplaintInput,
    logged_by: i64,
) -> QueryResult<i64> {
    diesel::insert_into(school_fee_complaints::table)
        .values((
            school_fee_complaints::school_id.eq(input.school_id),
            school_fee_complaints::location_id.eq(input.location_id),
            school_fee_complaints::charged_on.eq(input.charged_on),
            school_fee_complaints::amount.eq(input.amount),
            school_fee_complaints::complainant_name.eq(&input.complainant_name),
            school_fee_complaints::complainant_contact.eq(&input.complainant_contact),
            school_fee_complaints::description.eq(&input.description),
            school_fee_complaints::logged_by.eq(logged_by),
        ))
        .returning(school_fee_complaints::id)
        .get_result(conn)
}

/// Correct a complaint's details over version `version`; `Ok(false)` when
/// someone saved first.
pub fn update_details(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    input: &ComplaintInput,
) -> QueryResult<bool> {
    let updated = diesel::update(
        school_fee_complaints::table
            .filter(school_fee_complaints::id.eq(id))
            .filter(school_fee_complaints::version.eq(version)),
    )
    .set((
        school_fee_complaints::school_id.eq(input.school_id),
        school_fee_complaints::location_id.eq(input.location_id),
        school_fee_complaints::charged_on.eq(input.charged_on),
        school_fee_complaints::amount.eq(input.amount),
        school_fee_complaints::complainant_name.eq(&input.complainant_name),
        school_fee_complaints::complainant_contact.eq(&input.complainant_contact),
        school_fee_complaints::description.eq(&input.description),
        school_fee_complaints::version.eq(school_fee_complaints::version + 1),
        school_fee_complaints::updated_at.eq(Utc::now()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Record the processing over version `version`, from the status it was
/// judged on; `Ok(false)` when the complaint changed meanwhile.
pub fn process(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    from: ComplaintStatus,
    to: ComplaintStatus,
    action_taken: &str,
) -> QueryResult<bool> {
    let now = Utc::now();
    let target = school_fee_complaints::table
        .filter(school_fee_complaints::id.eq(id))
        .filter(school_fee_complaints::version.eq(version))
        .filter(school_fee_complaints::status.eq(from));
    let updated = if from == to {
        diesel::update(target)
            .set((
                school_fee_complaints::action_taken.eq(action_taken),
                school_fee_complaints::version.eq(school_fee_complaints::version + 1),
                school_fee_complaints::updated_at.eq(now),
            ))
            .execute(conn)?
    } else {
        diesel::update(target)
            .set((
                school_fee_complaints::status.eq(to),
                school_fee_complaints::status_since.eq(now),
                school_fee_complaints::action_taken.eq(action_taken),
                school_fee_complaints::version.eq(school_fee_complaints::version + 1),
                school_fee_complaints::updated_at.eq(now),
            ))
            .execute(conn)?
    };
    Ok(updated == 1)
}

/// A complaint as its page shows it (with the complainant: callers ask
/// `policy` before showing it, and before showing that).
#[derive(Debug, Clone, QueryableByName)]
pub struct Complaint {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub school_id: i64,
    #[diesel(sql_type = Text)]
    school_ky: String,
    #[diesel(sql_type = Text)]
    school_ru: String,
    #[diesel(sql_type = Text)]
    school_en: String,
    #[diesel(sql_type = Int4)]
    pub location_id: i32,
    #[diesel(sql_type = Text)]
    pub path: String,
    #[diesel(sql_type = Text)]
    loc_ky: String,
    #[diesel(sql_type = Text)]
    loc_ru: String,
    #[diesel(sql_type = Text)]
    loc_en: String,
    #[diesel(sql_type = Date)]
    pub charged_on: NaiveDate,
    #[diesel(sql_type = Numeric)]
    pub amount: Decimal,
    #[diesel(sql_type = Text)]
    pub complainant_name: String,
    #[diesel(sql_type = Text)]
    pub complainant_contact: String,
    #[diesel(sql_type = Text)]
    pub description: String,
    #[diesel(sql_type = Text)]
    pub action_taken: String,
    #[diesel(sql_type = Text)]
    pub status: ComplaintStatus,
    #[diesel(sql_type = Timestamptz)]
    pub status_since: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    pub logged_by: i64,
    #[diesel(sql_type = Text)]
    pub logged_by_name: String,
    #[diesel(sql_type = Timestamptz)]
    pub logged_at: DateTime<Utc>,
    #[diesel(sql_type = Int4)]
    pub version: i32,
}

impl Complaint {
    pub fn school(&self) -> Names {
        Names::of(&self.school_ky, &self.school_ru, &self.school_en)
    }

    pub fn location(&self) -> Names {
        Names::of(&self.loc_ky, &self.loc_ru, &self.loc_en)
    }

    pub fn amount_in(&self, lang: &Lang) -> String {
        money::format(&self.amount, *lang)
    }

    pub fn names_complainant(&self) -> bool {
        !self.complainant_name.is_empty() || !self.complainant_contact.is_empty()
    }
}

pub fn get_complaint(conn: &mut PgConnection, id: i64) -> QueryResult<Complaint> {
    diesel::sql_query(
        "SELECT c.id, c.school_id, s.name_ky AS school_ky, s.name_ru AS school_ru,
                s.name_en AS school_en, c.location_id, l.path,
                l.name_ky AS loc_ky, l.name_ru AS loc_ru, l.name_en AS loc_en,
                c.charged_on, c.amount, c.complainant_name, c.complainant_contact,
                c.description, c.action_taken, c.status, c.status_since, c.logged_by,
                u.display_name AS logged_by_name, c.logged_at, c.version
         FROM school_fee_complaints c
         JOIN agencies s ON s.id = c.school_id
         JOIN locations l ON l.id = c.location_id
         JOIN users u ON u.id = c.logged_by
         WHERE c.id = $1",
    )
    .bind::<BigInt, _>(id)
    .get_result(conn)
}

/// A line of the complaint list. It has no complainant field at all.
#[derive(Debug, Clone, QueryableByName)]
pub struct ComplaintLine {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    school_ky: String,
    #[diesel(sql_type = Text)]
    school_ru: String,
    #[diesel(sql_type = Text)]
    school_en: String,
    #[diesel(sql_type = Text)]
    loc_ky: String,
    #[diesel(sql_type = Text)]
    loc_ru: String,
    #[diesel(sql_type = Text)]
    loc_en: String,
    #[diesel(sql_type = Date)]
    pub charged_on: NaiveDate,
    #[diesel(sql_type = Numeric)]
    pub amount: Decimal,
    #[diesel(sql_type = Text)]
    pub status: ComplaintStatus,
    #[diesel(sql_type = Timestamptz)]
    pub logged_at: DateTime<Utc>,
}

impl ComplaintLine {
    pub fn school(&self) -> Names {
        Names::of(&self.school_ky, &self.school_ru, &self.school_en)
    }

    pub fn location(&self) -> Names {
        Names::of(&self.loc_ky, &self.loc_ru, &self.loc_en)
    }

    pub fn amount_in(&self, lang: &Lang) -> String {
        money::format(&self.amount, *lang)
    }
}

/// Filters of the complaint list; each `None` leaves its column free.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComplaintFilter {
    pub status: Option<ComplaintStatus>,
    /// Complaints whose territory lies in this subtree.
    pub territory_path: Option<String>,
}

/// `path` lies in the subtree of the bound text parameter `$n`.
fn in_subtree(column: &str, n: u8) -> String {
    format!(
        "({column} = ${n} OR {column} LIKE replace(replace(replace(${n}, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '/%')"
    )
}

/// The complaints in the scope matching the filter, newest first, `limit`
/// of them with an id below `before` (keyset on id: no OFFSET).
pub fn list_complaints(
    conn: &mut PgConnection,
    scope: &ComplaintScope,
    filter: &ComplaintFilter,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<ComplaintLine>> {
    let (processes, territory) = match &scope.territory {
        Some(t) => (true, t.clone()),
        None => (false, None),
    };
    let sql = format!(
        "SELECT c.id, s.name_ky AS school_ky, s.name_ru AS school_ru, s.name_en AS school_en,
                l.name_ky AS loc_ky, l.name_ru AS loc_ru, l.name_en AS loc_en,
                c.charged_on, c.amount, c.status, c.logged_at
         FROM school_fee_complaints c
         JOIN agencies s ON s.id = c.school_id
         JOIN locations l ON l.id = c.location_id
         WHERE (($1 AND ($2::text IS NULL OR {scope_path})) OR c.logged_by = $3)
           AND ($4::text IS NULL OR c.status = $4)
           AND ($5::text IS NULL OR {filter_path})
           AND ($6::bigint IS NULL OR c.id < $6)
         ORDER BY c.id DESC
         LIMIT $7",
        scope_path = in_subtree("l.path", 2),
        filter_path = in_subtree("l.path", 5),
    );
    diesel::sql_query(sql)
        .bind::<Bool, _>(processes)
        .bind::<Nullable<Text>, _>(territory)
        .bind::<BigInt, _>(scope.logged_by)
        .bind::<Nullable<Text>, _>(filter.status.map(|s| s.as_str()))
        .bind::<Nullable<Text>, _>(filter.territory_path.clone())
        .bind::<Nullable<BigInt>, _>(before)
        .bind::<BigInt, _>(limit)
        .load(conn)
}

/// The fields a correction changed, for the audit log (names only: the
/// complainant's words never go there).
pub fn changed_fields(before: &Complaint, after: &ComplaintInput) -> Vec<&'static str> {
    let mut changed = Vec::new();
    if before.school_id != after.school_id {
        changed.push("school");
    }
    if before.location_id != after.location_id {
        changed.push("territory");
    }
    if before.charged_on != after.charged_on {
        changed.push("charged_on");
    }
    if before.amount != after.amount {
        changed.push("amount");
    }
    if before.complainant_name != after.complainant_name
        || before.complainant_contact != after.complainant_contact
    {
        changed.push("complainant");
    }
    if before.description != after.description {
        changed.push("description");
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComplaintStatus::*;

    #[test]
    fn a_complaint_is_verified_before_it_is_resolved_or_found_unfounded() {
        assert_eq!(Received.can_become(Verified), Ok(()));
        assert_eq!(Received.can_become(Received), Ok(()));
        assert_eq!(Verified.can_become(Resolved), Ok(()));
        assert_eq!(Verified.can_become(Unfounded), Ok(()));
        assert_eq!(
            Received.can_become(Resolved),
            Err("error-complaint-verify-first")
        );
        assert_eq!(
            Received.can_become(Unfounded),
            Err("error-complaint-verify-first")
        );
        assert_eq!(
            Verified.can_become(Received),
            Err("error-complaint-no-going-back")
        );
        for done in [Resolved, Unfounded] {
            for to in ComplaintStatus::ALL {
                assert_eq!(done.can_become(*to), Err("error-complaint-closed"));
            }
            assert!(!done.is_open());
        }
        assert_eq!(Received.choices(), vec![Received, Verified]);
        assert_eq!(Verified.choices(), vec![Verified, Resolved, Unfounded]);
    }
}
