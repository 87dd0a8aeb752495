//! Establishments, inspections, violations, penalties. Every list takes the
//! asking inspector's office or territory; money is `Decimal` from NUMERIC
//! columns, never a float. No HTTP in here.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date, Int4, Nullable, Numeric, Text, Timestamptz};
use rust_decimal::Decimal;

use crate::admin::model::Names;
use crate::cases::model::Sector;
use crate::db::schema::{
    cases, establishments, inspection_inspectors, inspection_violations, inspections, penalties,
    penalty_payments, penalty_violations,
};

crate::text_enum! {
    /// Where children work (issue 4).
    pub enum EstablishmentKind ("establishment-kind") {
        FarmCotton = "farm_cotton",
        FarmTobacco = "farm_tobacco",
        FarmOtherCrops = "farm_other_crops",
        FarmLivestock = "farm_livestock",
        Market = "market",
        Street = "street",
        Construction = "construction",
        FactoryWorkshop = "factory_workshop",
        Mine = "mine",
        Household = "household",
        Transport = "transport",
        ServiceBusiness = "service_business",
    }
}

impl EstablishmentKind {
    /// The sector a place of this kind usually belongs to (the form's default).
    pub fn usual_sector(self) -> Sector {
        use EstablishmentKind::*;
        match self {
            FarmCotton | FarmTobacco | FarmOtherCrops => Sector::Agriculture,
            FarmLivestock => Sector::Livestock,
            Market => Sector::MarketsTrade,
            Street => Sector::StreetWork,
            Construction => Sector::Construction,
            FactoryWorkshop => Sector::Manufacturing,
            Mine => Sector::Mining,
            Household => Sector::DomesticWork,
            Transport => Sector::Transport,
            ServiceBusiness => Sector::Services,
        }
    }

    /// Work on the government's list of hazardous work for children (cotton
    /// and tobacco growing, mines, construction, heavy loads in transport).
    pub fn is_hazardous(self) -> bool {
        use EstablishmentKind::*;
        matches!(
            self,
            FarmCotton | FarmTobacco | Mine | Construction | Transport
        )
    }
}

crate::text_enum! {
    pub enum InspectionKind ("inspection-kind") {
        Routine = "routine",
        Unannounced = "unannounced",
        Complaint = "complaint",
        FollowUp = "follow_up",
        JointPolice = "joint_police",
    }
}

crate::text_enum! {
    pub enum InspectionMethod ("inspection-method") {
        Worksite = "worksite",
        DeskReview = "desk_review",
    }
}

crate::text_enum! {
    pub enum ViolationKind ("violation") {
        UnderageWork = "underage_work",
        HazardousWork = "hazardous_work",
        ExcessiveHours = "excessive_hours",
        NightWork = "night_work",
        NoContract = "no_contract",
        ForcedLabor = "forced_labor",
        Other = "other",
    }
}

crate::text_enum! {
    pub enum PenaltyStatus ("penalty-status") {
        Imposed = "imposed",
        Paid = "paid",
        PartlyPaid = "partly_paid",
        Appealed = "appealed",
        Cancelled = "cancelled",
    }
}

crate::text_enum! {
    pub enum InspectionStatus ("inspection-status") {
        Planned = "planned",
        Open = "open",
        Closed = "closed",
    }
}

/// Message keys naming each band, girls then boys, youngest first (the
/// order of the form's fields).
pub const BAND_LABELS: [&str; 6] = [
    "band-girls-under-14",
    "band-girls-14-15",
    "band-girls-16-17",
    "band-boys-under-14",
    "band-boys-14-15",
    "band-boys-16-17",
];

/// Children found working, by sex and age band (under 14, 14–15, 16–17).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bands {
    pub girls: [i32; 3],
    pub boys: [i32; 3],
}

impl Bands {
    pub fn total(&self) -> i32 {
        self.girls.iter().chain(self.boys.iter()).sum()
    }

    /// Each band's message id and count, girls then boys, youngest first.
    pub fn labelled(&self) -> Vec<(&'static str, i32)> {
        BAND_LABELS
            .iter()
            .copied()
            .zip(self.girls.iter().chain(self.boys.iter()).copied())
            .collect()
    }

    /// Children below 16, the minimum age for work (Labour Code).
    pub fn under_16(&self) -> i32 {
        self.girls[0] + self.girls[1] + self.boys[0] + self.boys[1]
    }
}

/// The violations the law suggests from who was found and where (DESIGN §2:
/// no work below 16; no hazardous work below 18). The inspector confirms.
pub fn suggested_violations(kind: EstablishmentKind, bands: &Bands) -> Vec<ViolationKind> {
    let mut suggested = Vec::new();
    if bands.under_16() > 0 {
        suggested.push(ViolationKind::UnderageWork);
    }
    if kind.is_hazardous() && bands.total() > 0 {
        suggested.push(ViolationKind::HazardousWork);
    }
    suggested
}

// ------------------------------------------------------------ establishments

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstablishmentInput {
    pub kind: EstablishmentKind,
    pub sector: Sector,
    pub name: String,
    pub owner: String,
    pub tax_number: Option<String>,
    pub location_id: i32,
    pub address: String,
}

impl EstablishmentInput {
    fn search_name(&self) -> String {
        crate::children::translit::search_key(&format!("{} {}", self.name, self.owner))
    }
}

#[derive(Debug, Clone, QueryableByName)]
pub struct Establishment {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub kind: EstablishmentKind,
    #[diesel(sql_type = Text)]
    pub sector: Sector,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub owner: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub tax_number: Option<String>,
    #[diesel(sql_type = Int4)]
    pub location_id: i32,
    #[diesel(sql_type = Text)]
    pub loc_ky: String,
    #[diesel(sql_type = Text)]
    pub loc_ru: String,
    #[diesel(sql_type = Text)]
    pub loc_en: String,
    #[diesel(sql_type = Text)]
    pub path: String,
    #[diesel(sql_type = Text)]
    pub address: String,
    #[diesel(sql_type = Int4)]
    pub version: i32,
}

impl Establishment {
    pub fn location(&self) -> Names {
        Names::of(&self.loc_ky, &self.loc_ru, &self.loc_en)
    }
}

const ESTABLISHMENT_SELECT: &str = "SELECT e.id, e.kind, e.sector, e.name, e.owner, e.tax_number,
        e.location_id, l.name_ky AS loc_ky, l.name_ru AS loc_ru, l.name_en AS loc_en, l.path,
        e.address, e.version
     FROM establishments e JOIN locations l ON l.id = e.location_id";

/// The territory filter: `$n` is a path or NULL (the whole country).
fn territory_sql(column: &str, n: u8) -> String {
    format!(
        "(${n}::text IS NULL OR {column} = ${n} OR left({column}, length(${n}) + 1) = ${n} || '/')"
    )
}

pub fn get_establishment(conn: &mut PgConnection, id: i64) -> QueryResult<Establishment> {
    diesel::sql_query(format!("{ESTABLISHMENT_SELECT} WHERE e.id = $1"))
        .bind::<BigInt, _>(id)
        .get_result(conn)
}

/// Establishments in the territory, matching `query` (name or owner, any
/// spelling) when given, newest first before `before` (keyset on id).
pub fn list_establishments(
    conn: &mut PgConnection,
    territory: Option<&str>,
    query: &str,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Establishment>> {
    let key = crate::children::translit::search_key(query);
    diesel::sql_query(format!(
        "{ESTABLISHMENT_SELECT}
         WHERE {}
           AND ($2 = '' OR $2 <% e.search_name)
           AND ($3::bigint IS NULL OR e.id < $3)
         ORDER BY e.id DESC LIMIT $4",
        territory_sql("l.path", 1)
    ))
    .bind::<Nullable<Text>, _>(territory)
    .bind::<Text, _>(key)
    .bind::<Nullable<BigInt>, _>(before)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

pub fn create_establishment(
    conn: &mut PgConnection,
    input: &EstablishmentInput,
    by: i64,
) -> QueryResult<i64> {
    diesel::insert_into(establishments::table)
        .values((
            establishments::kind.eq(input.kind),
            establishments::sector.eq(input.sector),
            establishments::name.eq(&input.name),
            establishments::owner.eq(&input.owner),
            establishments::tax_number.eq(&input.tax_number),
            establishments::location_id.eq(input.location_id),
            establishments::address.eq(&input.address),
            establishments::search_name.eq(input.search_name()),
            establishments::created_by.eq(by),
        ))
        .returning(establishments::id)
        .get_result(conn)
}

pub fn update_establishment(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    input: &EstablishmentInput,
) -> QueryResult<bool> {
    let updated = diesel::update(
        establishments::table
            .filter(establishments::id.eq(id))
            .filter(establishments::version.eq(version)),
    )
    .set((
        establishments::kind.eq(input.kind),
        establishments::sector.eq(input.sector),
        establishments::name.eq(&input.name),
        establishments::owner.eq(&input.owner),
        establishments::tax_number.eq(&input.tax_number),
        establishments::location_id.eq(input.location_id),
        establishments::address.eq(&input.address),
        establishments::search_name.eq(input.search_name()),
        establishments::version.eq(establishments::version + 1),
        establishments::updated_at.eq(Utc::now()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Is this tax number someone else's?
pub fn tax_number_taken(
    conn: &mut PgConnection,
    number: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    let mut query = establishments::table
        .filter(establishments::tax_number.eq(number))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(establishments::id.ne(id));
    }
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}

/// What an establishment's inspections add up to.
#[derive(Debug, Clone, QueryableByName)]
pub struct Totals {
    #[diesel(sql_type = BigInt)]
    pub inspections: i64,
    #[diesel(sql_type = BigInt)]
    pub children_found: i64,
    #[diesel(sql_type = BigInt)]
    pub violations: i64,
    #[diesel(sql_type = Numeric)]
    pub imposed: Decimal,
    #[diesel(sql_type = Numeric)]
    pub collected: Decimal,
}

pub fn establishment_totals(conn: &mut PgConnection, id: i64) -> QueryResult<Totals> {
    diesel::sql_query(
        "SELECT
           (SELECT count(*) FROM inspections i WHERE i.establishment_id = $1) AS inspections,
           (SELECT coalesce(sum(i.children_found), 0)::bigint FROM inspections i
             WHERE i.establishment_id = $1) AS children_found,
           (SELECT coalesce(sum(v.count), 0)::bigint FROM inspection_violations v
             JOIN inspections i ON i.id = v.inspection_id WHERE i.establishment_id = $1) AS violations,
           (SELECT coalesce(sum(p.imposed), 0) FROM penalties p
             JOIN inspections i ON i.id = p.inspection_id
             WHERE i.establishment_id = $1 AND p.status <> 'cancelled') AS imposed,
           (SELECT coalesce(sum(p.collected), 0) FROM penalties p
             JOIN inspections i ON i.id = p.inspection_id
             WHERE i.establishment_id = $1 AND p.status <> 'cancelled') AS collected",
    )
    .bind::<BigInt, _>(id)
    .get_result(conn)
}

// --------------------------------------------------------------- inspections

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionInput {
    pub establishment_id: i64,
    pub visited_on: NaiveDate,
    pub kind: InspectionKind,
    pub method: InspectionMethod,
    pub bands: Bands,
    pub violations: Vec<(ViolationKind, i32)>,
    pub law_enforcement_id: Option<i64>,
    pub notes: String,
    pub follow_up_on: Option<NaiveDate>,
    /// Everyone who took part, the recording inspector included.
    pub inspectors: Vec<i64>,
}

/// An inspection dated after `today` is a plan; one whose day has come is
/// conducted once its record is saved.
pub fn status_for(visited_on: NaiveDate, today: NaiveDate) -> InspectionStatus {
    if visited_on > today {
        InspectionStatus::Planned
    } else {
        InspectionStatus::Open
    }
}

pub fn create_inspection(
    conn: &mut PgConnection,
    input: &InspectionInput,
    office_id: i64,
    by: i64,
    today: NaiveDate,
) -> QueryResult<i64> {
    let b = &input.bands;
    // Where and in which sector, as the establishment is at the visit.
    let (location_id, sector): (i32, String) = establishments::table
        .find(input.establishment_id)
        .select((establishments::location_id, establishments::sector))
        .first(conn)?;
    let id = diesel::insert_into(inspections::table)
        .values((
            inspections::establishment_id.eq(input.establishment_id),
            inspections::office_id.eq(office_id),
            inspections::location_id.eq(location_id),
            inspections::sector.eq(sector),
            inspections::visited_on.eq(input.visited_on),
            inspections::kind.eq(input.kind),
            inspections::method.eq(input.method),
            inspections::girls_under_14.eq(b.girls[0]),
            inspections::girls_14_15.eq(b.girls[1]),
            inspections::girls_16_17.eq(b.girls[2]),
            inspections::boys_under_14.eq(b.boys[0]),
            inspections::boys_14_15.eq(b.boys[1]),
            inspections::boys_16_17.eq(b.boys[2]),
            inspections::law_enforcement_id.eq(input.law_enforcement_id),
            inspections::notes.eq(&input.notes),
            inspections::follow_up_on.eq(input.follow_up_on),
            inspections::status.eq(status_for(input.visited_on, today)),
            inspections::created_by.eq(by),
        ))
        .returning(inspections::id)
        .get_result(conn)?;
    replace_parts(conn, id, input)?;
    Ok(id)
}

/// The inspectors and violations of an inspection, as the form has them now.
fn replace_parts(conn: &mut PgConnection, id: i64, input: &InspectionInput) -> QueryResult<()> {
    diesel::delete(
        inspection_inspectors::table.filter(inspection_inspectors::inspection_id.eq(id)),
    )
    .execute(conn)?;
    let people: Vec<_> = input
        .inspectors
        .iter()
        .map(|u| {
            (
                inspection_inspectors::inspection_id.eq(id),
                inspection_inspectors::user_id.eq(*u),
            )
        })
        .collect();
    diesel::insert_into(inspection_inspectors::table)
        .values(&people)
        .execute(conn)?;
    // Violations are kept row by row (a penalty names them): the ones no
    // longer found go, the others take their new count.
    let kinds: Vec<&str> = input.violations.iter().map(|(k, _)| k.as_str()).collect();
    diesel::delete(
        inspection_violations::table
            .filter(inspection_violations::inspection_id.eq(id))
            .filter(inspection_violations::kind.ne_all(kinds)),
    )
    .execute(conn)?;
    for (kind, count) in &input.violations {
        diesel::insert_into(inspection_violations::table)
            .values((
                inspection_violations::inspection_id.eq(id),
                inspection_violations::kind.eq(*kind),
                inspection_violations::count.eq(*count),
            ))
            .on_conflict((
                inspection_violations::inspection_id,
                inspection_violations::kind,
            ))
            .do_update()
            .set(inspection_violations::count.eq(*count))
            .execute(conn)?;
    }
    Ok(())
}

/// Save an inspection over `version`, as it was (`from`: planned, open, or
/// closed for a correction); `Ok(false)` when it changed meanwhile. A
/// planned or open one becomes planned or conducted by its date; a closed
/// one stays closed. The cases of the children found there follow the day
/// of the visit.
pub fn update_inspection(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    input: &InspectionInput,
    from: InspectionStatus,
    today: NaiveDate,
) -> QueryResult<bool> {
    let b = &input.bands;
    let to = match from {
        InspectionStatus::Closed => InspectionStatus::Closed,
        _ => status_for(input.visited_on, today),
    };
    let updated = diesel::update(
        inspections::table
            .filter(inspections::id.eq(id))
            .filter(inspections::version.eq(version))
            .filter(inspections::status.eq(from)),
    )
    .set((
        inspections::status.eq(to),
        inspections::establishment_id.eq(input.establishment_id),
        inspections::visited_on.eq(input.visited_on),
        inspections::kind.eq(input.kind),
        inspections::method.eq(input.method),
        inspections::girls_under_14.eq(b.girls[0]),
        inspections::girls_14_15.eq(b.girls[1]),
        inspections::girls_16_17.eq(b.girls[2]),
        inspections::boys_under_14.eq(b.boys[0]),
        inspections::boys_14_15.eq(b.boys[1]),
        inspections::boys_16_17.eq(b.boys[2]),
        inspections::law_enforcement_id.eq(input.law_enforcement_id),
        inspections::notes.eq(&input.notes),
        inspections::follow_up_on.eq(input.follow_up_on),
        inspections::version.eq(inspections::version + 1),
        inspections::updated_at.eq(Utc::now()),
    ))
    .execute(conn)?;
    if updated != 1 {
        return Ok(false);
    }
    replace_parts(conn, id, input)?;
    diesel::update(cases::table.filter(cases::inspection_id.eq(id)))
        .set(cases::identified_on.eq(input.visited_on))
        .execute(conn)?;
    Ok(true)
}

/// Close an open inspection over `version`; `Ok(false)` when stale.
pub fn close_inspection(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    by: i64,
) -> QueryResult<bool> {
    let updated = diesel::update(
        inspections::table
            .filter(inspections::id.eq(id))
            .filter(inspections::version.eq(version))
            .filter(inspections::status.eq(InspectionStatus::Open)),
    )
    .set((
        inspections::status.eq(InspectionStatus::Closed),
        inspections::closed_at.eq(Some(Utc::now())),
        inspections::closed_by.eq(Some(by)),
        inspections::version.eq(inspections::version + 1),
        inspections::updated_at.eq(Utc::now()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// An inspection as its page shows it.
#[derive(Debug, Clone)]
pub struct Inspection {
    pub id: i64,
    pub establishment: Establishment,
    /// The territory of the visit (materialised path): what access is
    /// decided on, whatever later becomes of the establishment.
    pub path: String,
    pub office_id: i64,
    pub office: Names,
    pub visited_on: NaiveDate,
    pub kind: InspectionKind,
    pub method: InspectionMethod,
    pub bands: Bands,
    pub children_found: i32,
    pub violations: Vec<(ViolationKind, i32)>,
    pub law_enforcement_id: Option<i64>,
    pub law_enforcement: Option<Names>,
    pub notes: String,
    pub follow_up_on: Option<NaiveDate>,
    pub status: InspectionStatus,
    pub closed_at: Option<DateTime<Utc>>,
    /// When the record was typed in (the visit may be long before).
    pub created_at: DateTime<Utc>,
    /// (user id, display name) of everyone who took part.
    pub inspectors: Vec<(i64, String)>,
    pub version: i32,
}

impl Inspection {
    pub fn is_open(&self) -> bool {
        self.status == InspectionStatus::Open
    }

    /// Days between the visit and the day it was typed in (0 when typed in
    /// on the day or before a planned visit): a late entry stays visible.
    pub fn entered_days_later(&self) -> i64 {
        let typed = self
            .created_at
            .with_timezone(&crate::web::context::TIME_ZONE)
            .date_naive();
        (typed - self.visited_on).num_days().max(0)
    }

    pub fn is_planned(&self) -> bool {
        self.status == InspectionStatus::Planned
    }

    /// The record can still be edited as such (not closed).
    pub fn is_editable(&self) -> bool {
        self.status != InspectionStatus::Closed
    }

    pub fn took_part(&self, user: i64) -> bool {
        self.inspectors.iter().any(|(id, _)| *id == user)
    }

    pub fn inspector_ids(&self) -> Vec<i64> {
        self.inspectors.iter().map(|(id, _)| *id).collect()
    }

    pub fn violation_count(&self, kind: &ViolationKind) -> i32 {
        self.violations
            .iter()
            .find(|(k, _)| k == kind)
            .map_or(0, |(_, n)| *n)
    }

    pub fn suggestions(&self) -> Vec<ViolationKind> {
        suggested_violations(self.establishment.kind, &self.bands)
            .into_iter()
            .filter(|v| self.violation_count(v) == 0)
            .collect()
    }
}

#[derive(QueryableByName)]
struct InspectionRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    establishment_id: i64,
    #[diesel(sql_type = BigInt)]
    office_id: i64,
    #[diesel(sql_type = Text)]
    path: String,
    #[diesel(sql_type = Text)]
    office_ky: String,
    #[diesel(sql_type = Text)]
    office_ru: String,
    #[diesel(sql_type = Text)]
    office_en: String,
    #[diesel(sql_type = Date)]
    visited_on: NaiveDate,
    #[diesel(sql_type = Text)]
    kind: InspectionKind,
    #[diesel(sql_type = Text)]
    method: InspectionMethod,
    #[diesel(sql_type = Int4)]
    girls_under_14: i32,
    #[diesel(sql_type = Int4)]
    girls_14_15: i32,
    #[diesel(sql_type = Int4)]
    girls_16_17: i32,
    #[diesel(sql_type = Int4)]
    boys_under_14: i32,
    #[diesel(sql_type = Int4)]
    boys_14_15: i32,
    #[diesel(sql_type = Int4)]
    boys_16_17: i32,
    #[diesel(sql_type = Int4)]
    children_found: i32,
    #[diesel(sql_type = Nullable<BigInt>)]
    law_enforcement_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    le_ky: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    le_ru: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    le_en: Option<String>,
    #[diesel(sql_type = Text)]
    notes: String,
    #[diesel(sql_type = Nullable<Date>)]
    follow_up_on: Option<NaiveDate>,
    #[diesel(sql_type = Text)]
    status: InspectionStatus,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    closed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Int4)]
    version: i32,
}

/// An inspection, whatever the office: callers ask `policy` before showing it.
pub fn get_inspection(conn: &mut PgConnection, id: i64) -> QueryResult<Inspection> {
    let r: InspectionRow = diesel::sql_query(
        "SELECT i.id, i.establishment_id, i.office_id, l.path, o.name_ky AS office_ky,
                o.name_ru AS office_ru, o.name_en AS office_en, i.visited_on, i.kind, i.method,
                i.girls_under_14, i.girls_14_15, i.girls_16_17, i.boys_under_14, i.boys_14_15,
                i.boys_16_17, i.children_found, i.law_enforcement_id, le.name_ky AS le_ky,
                le.name_ru AS le_ru, le.name_en AS le_en, i.notes, i.follow_up_on, i.status,
                i.closed_at, i.created_at, i.version
         FROM inspections i
         JOIN agencies o ON o.id = i.office_id
         JOIN locations l ON l.id = i.location_id
         LEFT JOIN agencies le ON le.id = i.law_enforcement_id
         WHERE i.id = $1",
    )
    .bind::<BigInt, _>(id)
    .get_result(conn)?;
    let inspectors = inspection_inspectors::table
        .inner_join(crate::db::schema::users::table)
        .filter(inspection_inspectors::inspection_id.eq(id))
        .order(crate::db::schema::users::display_name)
        .select((
            crate::db::schema::users::id,
            crate::db::schema::users::display_name,
        ))
        .load(conn)?;
    let violations: Vec<(String, i32)> = inspection_violations::table
        .filter(inspection_violations::inspection_id.eq(id))
        .select((inspection_violations::kind, inspection_violations::count))
        .load(conn)?;
    let mut violations: Vec<(ViolationKind, i32)> = violations
        .into_iter()
        .filter_map(|(k, n)| ViolationKind::parse(&k).map(|k| (k, n)))
        .collect();
    violations.sort();
    let law_enforcement = match (r.le_ky, r.le_ru, r.le_en) {
        (Some(ky), Some(ru), Some(en)) => Some(Names { ky, ru, en }),
        _ => None,
    };
    Ok(Inspection {
        id: r.id,
        establishment: get_establishment(conn, r.establishment_id)?,
        path: r.path,
        office_id: r.office_id,
        office: Names::of(r.office_ky, r.office_ru, r.office_en),
        visited_on: r.visited_on,
        kind: r.kind,
        method: r.method,
        bands: Bands {
            girls: [r.girls_under_14, r.girls_14_15, r.girls_16_17],
            boys: [r.boys_under_14, r.boys_14_15, r.boys_16_17],
        },
        children_found: r.children_found,
        violations,
        law_enforcement_id: r.law_enforcement_id,
        law_enforcement,
        notes: r.notes,
        follow_up_on: r.follow_up_on,
        status: r.status,
        closed_at: r.closed_at,
        created_at: r.created_at,
        inspectors,
        version: r.version,
    })
}

/// A line of an inspection list.
#[derive(Debug, Clone, QueryableByName)]
pub struct InspectionLine {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Date)]
    pub visited_on: NaiveDate,
    #[diesel(sql_type = Text)]
    pub establishment: String,
    #[diesel(sql_type = Text)]
    pub establishment_kind: EstablishmentKind,
    #[diesel(sql_type = Text)]
    pub kind: InspectionKind,
    #[diesel(sql_type = Text)]
    pub method: InspectionMethod,
    #[diesel(sql_type = Text)]
    pub status: InspectionStatus,
    #[diesel(sql_type = Int4)]
    pub children_found: i32,
    #[diesel(sql_type = BigInt)]
    pub violations: i64,
    #[diesel(sql_type = Text)]
    pub loc_ky: String,
    #[diesel(sql_type = Text)]
    pub loc_ru: String,
    #[diesel(sql_type = Text)]
    pub loc_en: String,
    #[diesel(sql_type = Nullable<Date>)]
    pub follow_up_on: Option<NaiveDate>,
}

impl InspectionLine {
    pub fn location(&self) -> Names {
        Names::of(&self.loc_ky, &self.loc_ru, &self.loc_en)
    }
}

/// Which inspections a list may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InspectionScope {
    /// One inspection office's records.
    Office(i64),
    /// A territory's records (the head of an office), by establishment.
    Territory(Option<String>),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InspectionFilter {
    pub territory_path: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub kind: Option<InspectionKind>,
    pub method: Option<InspectionMethod>,
    pub sector: Option<Sector>,
    pub with_violations: Option<bool>,
    pub establishment_id: Option<i64>,
    pub inspector: Option<i64>,
    pub open_only: bool,
}

/// A place in the list: the last line shown (keyset on (visited_on, id)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub visited_on: NaiveDate,
    pub id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}.{}", self.visited_on.format("%Y%m%d"), self.id)
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        let (day, id) = text.split_once('.')?;
        Some(Cursor {
            visited_on: NaiveDate::parse_from_str(day, "%Y%m%d").ok()?,
            id: id.parse().ok()?,
        })
    }
}

/// What a line of an inspection list selects, and from where.
const LINE_SELECT: &str =
    "SELECT i.id, i.visited_on, e.name AS establishment, e.kind AS establishment_kind,
                i.kind, i.method, i.status, i.children_found,
                (SELECT coalesce(sum(v.count), 0)::bigint FROM inspection_violations v
                  WHERE v.inspection_id = i.id) AS violations,
                l.name_ky AS loc_ky, l.name_ru AS loc_ru, l.name_en AS loc_en, i.follow_up_on
         FROM inspections i
         JOIN establishments e ON e.id = i.establishment_id
         JOIN locations l ON l.id = i.location_id";

/// Inspections in the scope matching the filter, newest visit first.
pub fn list_inspections(
    conn: &mut PgConnection,
    scope: &InspectionScope,
    filter: &InspectionFilter,
    after: Option<Cursor>,
    limit: i64,
) -> QueryResult<Vec<InspectionLine>> {
    let (office, scope_path) = match scope {
        InspectionScope::Office(id) => (Some(*id), None),
        InspectionScope::Territory(path) => (None, path.clone()),
    };
    diesel::sql_query(format!(
        "{LINE_SELECT}
         WHERE ($1::bigint IS NULL OR i.office_id = $1)
           AND {}
           AND {}
           AND ($4::date IS NULL OR i.visited_on >= $4)
           AND ($5::date IS NULL OR i.visited_on <= $5)
           AND ($6::text IS NULL OR i.kind = $6)
           AND ($7::text IS NULL OR i.method = $7)
           AND ($8::text IS NULL OR i.sector = $8)
           AND ($9::bool IS NULL OR $9 = EXISTS (SELECT 1 FROM inspection_violations v
                                                 WHERE v.inspection_id = i.id))
           AND ($10::bigint IS NULL OR i.establishment_id = $10)
           AND ($11::bigint IS NULL OR EXISTS (SELECT 1 FROM inspection_inspectors p
                                               WHERE p.inspection_id = i.id AND p.user_id = $11))
           AND (NOT $12 OR i.status = 'open')
           AND ($13::date IS NULL OR (i.visited_on, i.id) < ($13, $14))
         ORDER BY i.visited_on DESC, i.id DESC
         LIMIT $15",
        territory_sql("l.path", 2),
        territory_sql("l.path", 3),
    ))
    .bind::<Nullable<BigInt>, _>(office)
    .bind::<Nullable<Text>, _>(scope_path)
    .bind::<Nullable<Text>, _>(filter.territory_path.clone())
    .bind::<Nullable<Date>, _>(filter.from)
    .bind::<Nullable<Date>, _>(filter.to)
    .bind::<Nullable<Text>, _>(filter.kind.map(|k| k.as_str()))
    .bind::<Nullable<Text>, _>(filter.method.map(|k| k.as_str()))
    .bind::<Nullable<Text>, _>(filter.sector.map(|k| k.as_str()))
    .bind::<Nullable<Bool>, _>(filter.with_violations)
    .bind::<Nullable<BigInt>, _>(filter.establishment_id)
    .bind::<Nullable<BigInt>, _>(filter.inspector)
    .bind::<Bool, _>(filter.open_only)
    .bind::<Nullable<Date>, _>(after.map(|c| c.visited_on))
    .bind::<BigInt, _>(after.map_or(0, |c| c.id))
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// Follow-up inspections of the office planned up to `until` (and not more
/// than four months before it: older ones belong to the list's filters), on
/// inspections not yet followed up by a later visit to the same place.
/// The planned inspections of the office the user takes part in, soonest
/// first: those whose day has come wait for what was found to be recorded.
pub fn planned_inspections(
    conn: &mut PgConnection,
    office: i64,
    user: i64,
) -> QueryResult<Vec<InspectionLine>> {
    diesel::sql_query(format!(
        "{LINE_SELECT}
         WHERE i.office_id = $1 AND i.status = 'planned'
           AND EXISTS (SELECT 1 FROM inspection_inspectors p
                       WHERE p.inspection_id = i.id AND p.user_id = $2)
         ORDER BY i.visited_on, i.id
         LIMIT 50"
    ))
    .bind::<BigInt, _>(office)
    .bind::<BigInt, _>(user)
    .load(conn)
}

pub fn follow_ups_due(
    conn: &mut PgConnection,
    office: i64,
    until: NaiveDate,
) -> QueryResult<Vec<InspectionLine>> {
    diesel::sql_query(format!(
        "{LINE_SELECT}
         WHERE i.office_id = $1 AND i.follow_up_on IS NOT NULL AND i.follow_up_on <= $2
           AND i.follow_up_on >= $2 - 120
           AND NOT EXISTS (SELECT 1 FROM inspections later
                           WHERE later.establishment_id = i.establishment_id
                             AND later.visited_on > i.visited_on)
         ORDER BY i.follow_up_on, i.id
         LIMIT 50"
    ))
    .bind::<BigInt, _>(office)
    .bind::<Date, _>(until)
    .load(conn)
}

// ----------------------------------------------------------------- penalties

#[derive(Debug, Clone, QueryableByName)]
pub struct Penalty {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub inspection_id: i64,
    #[diesel(sql_type = Text)]
    pub legal_basis: String,
    #[diesel(sql_type = Numeric)]
    pub imposed: Decimal,
    #[diesel(sql_type = Numeric)]
    pub collected: Decimal,
    #[diesel(sql_type = Nullable<Date>)]
    pub collected_on: Option<NaiveDate>,
    #[diesel(sql_type = Text)]
    pub status: PenaltyStatus,
    #[diesel(sql_type = Int4)]
    pub version: i32,
    #[diesel(sql_type = Date)]
    pub decided_on: NaiveDate,
    /// The violations the penalty was imposed for.
    #[diesel(sql_type = Array<Text>)]
    pub violations: Vec<ViolationKind>,
    /// What was paid, on which day, oldest first.
    #[diesel(sql_type = Array<Date>)]
    pub paid_on: Vec<NaiveDate>,
    #[diesel(sql_type = Array<Numeric>)]
    pub paid: Vec<Decimal>,
}

impl Penalty {
    pub fn owed(&self) -> Decimal {
        self.imposed - self.collected
    }

    /// Payments can still be recorded: not cancelled, not paid in full.
    pub fn takes_payments(&self) -> bool {
        self.status != PenaltyStatus::Cancelled && self.collected < self.imposed
    }

    pub fn payments(&self) -> impl Iterator<Item = (&NaiveDate, &Decimal)> {
        self.paid_on.iter().zip(self.paid.iter())
    }
}

const PENALTY_SELECT: &str =
    "SELECT p.id, p.inspection_id, p.legal_basis, p.imposed, p.collected, p.collected_on,
            p.status, p.version, p.decided_on,
            ARRAY(SELECT pv.kind FROM penalty_violations pv WHERE pv.penalty_id = p.id
                  ORDER BY pv.kind) AS violations,
            ARRAY(SELECT pp.paid_on FROM penalty_payments pp WHERE pp.penalty_id = p.id
                  ORDER BY pp.paid_on, pp.id) AS paid_on,
            ARRAY(SELECT pp.amount FROM penalty_payments pp WHERE pp.penalty_id = p.id
                  ORDER BY pp.paid_on, pp.id) AS paid
     FROM penalties p";

pub fn penalties_of(conn: &mut PgConnection, inspection: i64) -> QueryResult<Vec<Penalty>> {
    diesel::sql_query(format!(
        "{PENALTY_SELECT} WHERE p.inspection_id = $1 ORDER BY p.id"
    ))
    .bind::<BigInt, _>(inspection)
    .load(conn)
}

pub fn get_penalty(conn: &mut PgConnection, id: i64) -> QueryResult<Penalty> {
    diesel::sql_query(format!("{PENALTY_SELECT} WHERE p.id = $1"))
        .bind::<BigInt, _>(id)
        .get_result(conn)
}

/// The violations of an inspection that no penalty in force names yet.
pub fn unpenalised(conn: &mut PgConnection, inspection: i64) -> QueryResult<Vec<ViolationKind>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        kind: ViolationKind,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT v.kind FROM inspection_violations v WHERE v.inspection_id = $1
           AND NOT EXISTS (SELECT 1 FROM penalty_violations pv
                           WHERE pv.inspection_id = v.inspection_id AND pv.kind = v.kind
                             AND NOT pv.cancelled)
         ORDER BY v.kind",
    )
    .bind::<BigInt, _>(inspection)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| r.kind).collect())
}

/// The violations of an inspection a penalty in force names: they cannot be
/// removed from the inspection.
pub fn penalised(conn: &mut PgConnection, inspection: i64) -> QueryResult<Vec<ViolationKind>> {
    let kinds: Vec<String> = penalty_violations::table
        .filter(penalty_violations::inspection_id.eq(inspection))
        .filter(penalty_violations::cancelled.eq(false))
        .select(penalty_violations::kind)
        .load(conn)?;
    Ok(kinds
        .iter()
        .filter_map(|k| ViolationKind::parse(k))
        .collect())
}

/// Hold the inspection's row until the transaction ends, so that checks on
/// it (open? how many cases?) stay true until the write.
pub fn lock_inspection(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
    inspections::table
        .find(id)
        .select(inspections::id)
        .for_update()
        .first::<i64>(conn)
        .map(|_| ())
}

/// A penalty decision: for which violations, on which day, how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PenaltyInput {
    pub legal_basis: String,
    pub imposed: Decimal,
    pub decided_on: NaiveDate,
    pub violations: Vec<ViolationKind>,
}

pub fn impose(
    conn: &mut PgConnection,
    inspection: i64,
    input: &PenaltyInput,
    by: i64,
) -> QueryResult<i64> {
    let id = diesel::insert_into(penalties::table)
        .values((
            penalties::inspection_id.eq(inspection),
            penalties::legal_basis.eq(&input.legal_basis),
            penalties::imposed.eq(input.imposed),
            penalties::decided_on.eq(input.decided_on),
            penalties::recorded_by.eq(Some(by)),
        ))
        .returning(penalties::id)
        .get_result(conn)?;
    let links: Vec<_> = input
        .violations
        .iter()
        .map(|kind| {
            (
                penalty_violations::penalty_id.eq(id),
                penalty_violations::inspection_id.eq(inspection),
                penalty_violations::kind.eq(*kind),
            )
        })
        .collect();
    diesel::insert_into(penalty_violations::table)
        .values(&links)
        .execute(conn)?;
    Ok(id)
}

/// A payment of a penalty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub amount: Decimal,
    pub paid_on: NaiveDate,
}

/// Record a payment over the penalty's `version`: the penalty's sum, last
/// day and status follow in the same statement; `Ok(false)` when stale.
pub fn record_payment(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    payment: &Payment,
    by: i64,
) -> QueryResult<bool> {
    let updated = diesel::sql_query(
        "UPDATE penalties SET
           collected = collected + $3,
           collected_on = greatest(collected_on, $4),
           status = CASE WHEN collected + $3 = imposed THEN 'paid'
                         WHEN status = 'appealed' THEN 'appealed' ELSE 'partly_paid' END,
           version = version + 1
         WHERE id = $1 AND version = $2 AND status <> 'cancelled' AND collected + $3 <= imposed",
    )
    .bind::<BigInt, _>(id)
    .bind::<Int4, _>(version)
    .bind::<Numeric, _>(payment.amount)
    .bind::<Date, _>(payment.paid_on)
    .execute(conn)?;
    if updated != 1 {
        return Ok(false);
    }
    diesel::insert_into(penalty_payments::table)
        .values((
            penalty_payments::penalty_id.eq(id),
            penalty_payments::paid_on.eq(payment.paid_on),
            penalty_payments::amount.eq(payment.amount),
            penalty_payments::recorded_by.eq(Some(by)),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Set a penalty's standing (appealed, cancelled, or in force again) over
/// its `version`; a cancelled penalty frees its violations for another.
pub fn set_penalty_status(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    status: PenaltyStatus,
) -> QueryResult<bool> {
    let updated = diesel::update(
        penalties::table
            .filter(penalties::id.eq(id))
            .filter(penalties::version.eq(version))
            .filter(penalties::status.ne(PenaltyStatus::Cancelled)),
    )
    .set((
        penalties::status.eq(status),
        penalties::version.eq(penalties::version + 1),
    ))
    .execute(conn)?;
    if updated == 1 && status == PenaltyStatus::Cancelled {
        diesel::update(penalty_violations::table.filter(penalty_violations::penalty_id.eq(id)))
            .set(penalty_violations::cancelled.eq(true))
            .execute(conn)?;
    }
    Ok(updated == 1)
}

/// Penalties of the office not (fully) collected, oldest visit first.
#[derive(Debug, Clone, QueryableByName)]
pub struct Outstanding {
    #[diesel(sql_type = BigInt)]
    pub inspection_id: i64,
    #[diesel(sql_type = Text)]
    pub establishment: String,
    #[diesel(sql_type = Date)]
    pub visited_on: NaiveDate,
    #[diesel(sql_type = Numeric)]
    pub imposed: Decimal,
    #[diesel(sql_type = Numeric)]
    pub collected: Decimal,
    #[diesel(sql_type = Text)]
    pub status: PenaltyStatus,
}

impl Outstanding {
    pub fn owed(&self) -> Decimal {
        self.imposed - self.collected
    }
}

pub fn outstanding_penalties(
    conn: &mut PgConnection,
    office: i64,
) -> QueryResult<Vec<Outstanding>> {
    diesel::sql_query(
        "SELECT p.inspection_id, e.name AS establishment, i.visited_on, p.imposed, p.collected,
                p.status
         FROM penalties p
         JOIN inspections i ON i.id = p.inspection_id
         JOIN establishments e ON e.id = i.establishment_id
         WHERE i.office_id = $1 AND p.status IN ('imposed', 'partly_paid')
         ORDER BY i.visited_on, p.id
         LIMIT 50",
    )
    .bind::<BigInt, _>(office)
    .load(conn)
}

// -------------------------------------------------------------------- people

/// Someone to choose in a list (an inspector, a law-enforcement agency).
#[derive(Debug, Clone, QueryableByName)]
pub struct Choice {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub name: String,
}

/// The active inspectors of an office.
pub fn inspectors_of(conn: &mut PgConnection, office: i64) -> QueryResult<Vec<Choice>> {
    diesel::sql_query(
        "SELECT id, display_name AS name FROM users
         WHERE agency_id = $1 AND active AND role = 'inspector' ORDER BY display_name, id",
    )
    .bind::<BigInt, _>(office)
    .load(conn)
}

/// Police and prosecutors' offices, to refer an inspection to.
#[derive(Debug, Clone, QueryableByName)]
pub struct AgencyChoice {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub name_ky: String,
    #[diesel(sql_type = Text)]
    pub name_ru: String,
    #[diesel(sql_type = Text)]
    pub name_en: String,
}

impl AgencyChoice {
    pub fn names(&self) -> Names {
        Names::of(&self.name_ky, &self.name_ru, &self.name_en)
    }
}

pub fn law_enforcement_agencies(conn: &mut PgConnection) -> QueryResult<Vec<AgencyChoice>> {
    diesel::sql_query(
        "SELECT a.id, a.name_ky, a.name_ru, a.name_en FROM agencies a
         JOIN locations l ON l.id = a.location_id
         WHERE a.active AND a.kind IN ('police', 'prosecutor') ORDER BY l.path, a.id",
    )
    .load(conn)
}

/// The cases opened for children found at an inspection.
#[derive(Debug, Clone, QueryableByName)]
pub struct FoundChild {
    #[diesel(sql_type = BigInt)]
    pub case_id: i64,
    #[diesel(sql_type = Text)]
    pub sex: crate::children::model::Sex,
    #[diesel(sql_type = Date)]
    pub birth_date: NaiveDate,
    #[diesel(sql_type = Text)]
    pub status: crate::cases::model::CaseStatus,
}

pub fn cases_of_inspection(
    conn: &mut PgConnection,
    inspection: i64,
) -> QueryResult<Vec<FoundChild>> {
    diesel::sql_query(
        "SELECT c.id AS case_id, ch.sex, ch.birth_date, c.status
         FROM cases c JOIN children ch ON ch.id = c.child_id
         WHERE c.inspection_id = $1 ORDER BY c.id",
    )
    .bind::<BigInt, _>(inspection)
    .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_law_suggests_the_violations() {
        let none = Bands::default();
        assert!(suggested_violations(EstablishmentKind::FarmCotton, &none).is_empty());
        let young = Bands {
            girls: [1, 0, 0],
            boys: [0, 0, 0],
        };
        assert_eq!(
            suggested_violations(EstablishmentKind::FarmCotton, &young),
            vec![ViolationKind::UnderageWork, ViolationKind::HazardousWork]
        );
        assert_eq!(
            suggested_violations(EstablishmentKind::Market, &young),
            vec![ViolationKind::UnderageWork]
        );
        let older = Bands {
            girls: [0, 0, 2],
            boys: [0, 0, 1],
        };
        assert_eq!(
            suggested_violations(EstablishmentKind::Mine, &older),
            vec![ViolationKind::HazardousWork]
        );
        assert!(suggested_violations(EstablishmentKind::Household, &older).is_empty());
        assert_eq!(older.total(), 3);
        assert_eq!(young.under_16(), 1);
    }

    #[test]
    fn a_cursor_round_trips() {
        let c = Cursor {
            visited_on: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
            id: 17,
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("2026.1"), None);
    }
}
