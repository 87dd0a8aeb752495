//! Labour inspector posts: the staff history the enforcement report counts
//! (DESIGN §4, "Dates"). A post says who was a labour inspector, in which
//! office, from which day to which day (`to_on` inclusive, `None` while in
//! post). Posts are opened and ended, never deleted; the database refuses two
//! posts of one person that overlap (migration 000013). No HTTP in here.

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;

use super::model::{AgencyKind, Names};
use crate::db::schema::{agencies, inspector_posts, users};
use crate::policy::Role;
use crate::web::forms::FieldErrors;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: i64,
    pub agency_id: i64,
    pub office: Names,
    pub from_on: NaiveDate,
    pub to_on: Option<NaiveDate>,
    pub version: i32,
}

impl Post {
    pub fn is_open(&self) -> bool {
        self.to_on.is_none()
    }
}

/// Whether an account of this role in an agency of this kind may hold a
/// post: an inspector, or the head of a labour inspection office.
pub fn may_hold_post(role: Role, agency_kind: Option<AgencyKind>) -> bool {
    agency_kind == Some(AgencyKind::LaborInspectorate)
        && matches!(role, Role::Inspector | Role::Supervisor)
}

/// A person's posts, newest first.
pub fn posts_of(conn: &mut PgConnection, user_id: i64) -> QueryResult<Vec<Post>> {
    type Row = (
        i64,
        i64,
        (String, String, String),
        NaiveDate,
        Option<NaiveDate>,
        i32,
    );
    let rows: Vec<Row> = inspector_posts::table
        .inner_join(agencies::table)
        .filter(inspector_posts::user_id.eq(user_id))
        .order((inspector_posts::from_on.desc(), inspector_posts::id.desc()))
        .select((
            inspector_posts::id,
            inspector_posts::agency_id,
            (agencies::name_ky, agencies::name_ru, agencies::name_en),
            inspector_posts::from_on,
            inspector_posts::to_on,
            inspector_posts::version,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, agency_id, (ky, ru, en), from_on, to_on, version)| Post {
                id,
                agency_id,
                office: Names { ky, ru, en },
                from_on,
                to_on,
                version,
            },
        )
        .collect())
}

/// Lock the person's account row, so two admins changing one person's posts
/// take turns (the exclusion constraint is the last word either way).
fn lock_user(conn: &mut PgConnection, user_id: i64) -> QueryResult<(Role, Option<i64>, bool)> {
    users::table
        .find(user_id)
        .select((users::role, users::agency_id, users::active))
        .for_update()
        .first(conn)
}

fn agency_kind(conn: &mut PgConnection, id: i64) -> QueryResult<Option<AgencyKind>> {
    agencies::table
        .find(id)
        .select(agencies::kind)
        .first(conn)
        .optional()
}

/// Open a post from `from_on` (checked not after today by the form) in the
/// office `agency_id`. Refusals name the form's fields: `post_agency_id`,
/// `post_from_on`.
pub fn open(
    conn: &mut PgConnection,
    user_id: i64,
    agency_id: i64,
    from_on: NaiveDate,
) -> QueryResult<Result<i64, FieldErrors>> {
    let (role, own_agency, active) = lock_user(conn, user_id)?;
    let mut errors = FieldErrors::new();
    let own_kind = match own_agency {
        Some(a) => agency_kind(conn, a)?,
        None => None,
    };
    if !may_hold_post(role, own_kind) {
        errors.add("post_agency_id", "error-post-not-inspector");
        return Ok(Err(errors));
    }
    if !active {
        errors.add("post_agency_id", "error-post-account-inactive");
        return Ok(Err(errors));
    }
    if agency_kind(conn, agency_id)? != Some(AgencyKind::LaborInspectorate) {
        errors.add("post_agency_id", "error-post-office-kind");
        return Ok(Err(errors));
    }
    // The new post runs from `from_on` on: any post not ended before it overlaps.
    let overlaps: bool = diesel::select(diesel::dsl::exists(
        inspector_posts::table
            .filter(inspector_posts::user_id.eq(user_id))
            .filter(
                inspector_posts::to_on
                    .is_null()
                    .or(inspector_posts::to_on.ge(from_on)),
            ),
    ))
    .get_result(conn)?;
    if overlaps {
        errors.add("post_from_on", "error-post-overlap");
        return Ok(Err(errors));
    }
    let id = insert(conn, user_id, agency_id, from_on)?;
    Ok(Ok(id))
}

/// Insert a post without the admin's checks (account creation, the command
/// line and the demo loaders, which make the person they give a post to).
pub fn insert(
    conn: &mut PgConnection,
    user_id: i64,
    agency_id: i64,
    from_on: NaiveDate,
) -> QueryResult<i64> {
    diesel::insert_into(inspector_posts::table)
        .values((
            inspector_posts::user_id.eq(user_id),
            inspector_posts::agency_id.eq(agency_id),
            inspector_posts::from_on.eq(from_on),
        ))
        .returning(inspector_posts::id)
        .get_result(conn)
}

/// A post that ended, for the demo loaders' history.
pub fn insert_ended(
    conn: &mut PgConnection,
    user_id: i64,
    agency_id: i64,
    from_on: NaiveDate,
    to_on: NaiveDate,
) -> QueryResult<i64> {
    diesel::insert_into(inspector_posts::table)
        .values((
            inspector_posts::user_id.eq(user_id),
            inspector_posts::agency_id.eq(agency_id),
            inspector_posts::from_on.eq(from_on),
            inspector_posts::to_on.eq(Some(to_on)),
        ))
        .returning(inspector_posts::id)
        .get_result(conn)
}

/// Why a post could not be ended.
#[derive(Debug)]
pub enum EndRefused {
    /// The date, with the message for the `post_to_on` field.
    Invalid(FieldErrors),
    /// The post changed (ended, or was saved at another version) since the
    /// page was loaded.
    Conflict,
}

/// End the open post `post_id` of `user_id` on `to_on` (checked not after
/// today by the form), over the version the page showed.
pub fn end(
    conn: &mut PgConnection,
    user_id: i64,
    post_id: i64,
    version: i32,
    to_on: NaiveDate,
) -> QueryResult<Result<NaiveDate, EndRefused>> {
    lock_user(conn, user_id)?;
    let post: Option<(NaiveDate, Option<NaiveDate>, i32)> = inspector_posts::table
        .filter(inspector_posts::id.eq(post_id))
        .filter(inspector_posts::user_id.eq(user_id))
        .select((
            inspector_posts::from_on,
            inspector_posts::to_on,
            inspector_posts::version,
        ))
        .first(conn)
        .optional()?;
    let Some((from_on, ended, current)) = post else {
        return Err(diesel::result::Error::NotFound);
    };
    if ended.is_some() || current != version {
        return Ok(Err(EndRefused::Conflict));
    }
    if to_on < from_on {
        return Ok(Err(EndRefused::Invalid(FieldErrors::from_one(
            "post_to_on",
            "error-post-end-before-start",
        ))));
    }
    let updated = diesel::update(
        inspector_posts::table
            .filter(inspector_posts::id.eq(post_id))
            .filter(inspector_posts::version.eq(version))
            .filter(inspector_posts::to_on.is_null()),
    )
    .set((
        inspector_posts::to_on.eq(Some(to_on)),
        inspector_posts::version.eq(version + 1),
        inspector_posts::updated_at.eq(Utc::now()),
    ))
    .execute(conn)?;
    Ok(if updated == 1 {
        Ok(from_on)
    } else {
        Err(EndRefused::Conflict)
    })
}

/// End the person's open post, if any, on `day` (an account deactivated
/// today leaves its post today; a post opened later than `day` ends on its
/// first day). Returns the post and its end.
pub fn end_open(
    conn: &mut PgConnection,
    user_id: i64,
    day: NaiveDate,
) -> QueryResult<Option<(i64, NaiveDate)>> {
    lock_user(conn, user_id)?;
    let open: Option<(i64, NaiveDate)> = inspector_posts::table
        .filter(inspector_posts::user_id.eq(user_id))
        .filter(inspector_posts::to_on.is_null())
        .select((inspector_posts::id, inspector_posts::from_on))
        .first(conn)
        .optional()?;
    let Some((id, from_on)) = open else {
        return Ok(None);
    };
    let to_on = day.max(from_on);
    diesel::update(inspector_posts::table.find(id))
        .set((
            inspector_posts::to_on.eq(Some(to_on)),
            inspector_posts::version.eq(inspector_posts::version + 1),
            inspector_posts::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(Some((id, to_on)))
}
