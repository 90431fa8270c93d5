//! Where segments are stored and sized: saving a named rule, and the preview the console
//! shows while it is edited (count, districts, age bands, a masked sample), each one SQL
//! statement over `resident` with the rule compiled by [`super::rules`].
//!
//! A department head keeps the department's own segments (the department is stamped on
//! them); supervisors keep all, and theirs are city-wide. Every preview is recorded in the
//! audit log; a count under ten is shown as "< 10", and the sample, shown only for ten or
//! more, gives an age band rather than an age.
use domain::ids::StaffId;

use super::StaffActor;
use super::audit::{self, Target};
use super::entities::{region, resident, segment, service, staff, tag};
use super::rules;
use super::throttle;
use chrono::{DateTime, NaiveDate, Utc};
use domain::error::{AppError, ErrorCode};
use domain::personal::MaskedName;
use domain::region::RegionKind;
use domain::rule::{Rule, age_cutoff, age_on, china_today};
use domain::segment::{
    AgeBand, AgeBandCount, BuilderOptions, DistrictCount, Headcount, MaskedMember, RegionOption,
    SAMPLE_SIZE, SMALL_CELL, Segment, SegmentDraft, SegmentPreview, SegmentSummary, rule_problem,
};
use domain::staff::{Permission, Scope};
use domain::text::LocalizedText;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;

/// How many residents the rule matches at `now`.
pub async fn count(
    db: &impl ConnectionTrait,
    rule: &Rule,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let row = db.query_one(&count_statement(rule, now)).await?;
    Ok(row
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0))
}

/// `SELECT COUNT(*) FROM resident WHERE <the rule compiled>`.
fn count_statement(rule: &Rule, now: DateTime<Utc>) -> SelectStatement {
    Query::select()
        .expr(Expr::col((resident::Entity, resident::Column::Id)).count())
        .from(resident::Entity)
        .and_where(rules::condition(rule, now))
        .to_owned()
}

/// The statement [`count`] runs, as SQL text with its values in place: what `EXPLAIN` and
/// `bench/segments.sh` measure (`server segment-sql RULE`). PostgreSQL's text is exact;
/// SQLite's writes timestamps as sea-query does, not as the stored text.
pub fn count_sql(rule: &Rule, now: DateTime<Utc>, backend: DatabaseBackend) -> String {
    backend.build(&count_statement(rule, now)).to_string()
}

/// The console's view of a rule being edited. 422 for a rule the form got wrong.
pub async fn preview(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    rule: &Rule,
    now: DateTime<Utc>,
) -> Result<SegmentPreview, AppError> {
    actor.member.require(Permission::ManageSegments)?;
    rule.validate()
        .map_err(|err| AppError::invalid(vec![rule_problem(err)]))?;
    may_count_population(db, actor, now).await?;
    let probed = serde_json::to_string(rule).unwrap_or_default();
    let today = china_today(now);
    let regions = regions(db).await?;
    let Breakdown {
        count,
        by_district,
        by_age_band,
    } = breakdown(db, rules::condition(rule, now), today, &regions).await?;
    let reason = format!("{} · {probed}", Headcount::of(count).label());
    audit::record(
        db,
        actor,
        "segment.preview",
        Target::SegmentPreview,
        Some(&reason),
        now,
    )
    .await?;
    if count < SMALL_CELL {
        return Ok(SegmentPreview {
            count: Headcount::of(count),
            by_district,
            by_age_band,
            sample: Vec::new(),
        });
    }

    let sample: Vec<(String, NaiveDate, i64)> = resident::Entity::find()
        .select_only()
        .column(resident::Column::Name)
        .column(resident::Column::BirthDate)
        .column(resident::Column::RegionId)
        .filter(rules::condition(rule, now))
        .order_by_asc(resident::Column::Id)
        .limit(SAMPLE_SIZE)
        .into_tuple()
        .all(db)
        .await?;
    let sample = sample
        .into_iter()
        .map(|(name, birth, region_id)| MaskedMember {
            name: MaskedName::new(&name),
            age_band: AgeBand::of_age(age_on(birth, today)),
            region: regions.name(region_id),
        })
        .collect();

    Ok(SegmentPreview {
        count: Headcount::of(count),
        by_district,
        by_age_band,
        sample,
    })
}

/// Each preview or simulation counts the population: a script looping over rules is slowed
/// here, before the query, on every edge (server function, form page, JSON API). Previews and
/// simulations share one budget per member of staff.
pub(crate) async fn may_count_population(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let key = throttle::Key::segment_preview(actor.member.id);
    throttle::attempt(db, &[key], now).await.map_err(|err| {
        AppError::new(ErrorCode::TooManyRequests).retry_after(err.retry_after.unwrap_or(60))
    })
}

/// The residents a condition holds, counted (exactly: the caller masks what it shows).
pub(crate) struct Breakdown {
    pub count: i64,
    /// Largest first.
    pub by_district: Vec<DistrictCount>,
    /// In band order, every band (zeros included).
    pub by_age_band: Vec<AgeBandCount>,
}

/// One GROUP BY over the residents `members` holds: (region, age band on `ages_on`) →
/// count, summed up to districts and bands.
pub(crate) async fn breakdown(
    db: &impl ConnectionTrait,
    members: Expr,
    ages_on: NaiveDate,
    regions: &Regions,
) -> Result<Breakdown, AppError> {
    // Band i holds those born after the cutoff of band i + 1's lowest age.
    let birth = || Expr::col((resident::Entity, resident::Column::BirthDate));
    let younger_than = |band: AgeBand| birth().gt(age_cutoff(ages_on, band.lowest_age()));
    let mut case = Expr::case(younger_than(AgeBand::ALL[1]), Expr::val(0));
    for i in 1..AgeBand::ALL.len() - 1 {
        case = case.case(younger_than(AgeBand::ALL[i + 1]), Expr::val(i as i32));
    }
    let band = case.finally(Expr::val(AgeBand::ALL.len() as i32 - 1));
    let groups: Vec<(i64, i32, i64)> = resident::Entity::find()
        .select_only()
        .column(resident::Column::RegionId)
        .column_as(Into::<Expr>::into(band), "band")
        .column_as(
            Expr::col((resident::Entity, resident::Column::Id)).count(),
            "n",
        )
        .filter(members)
        .group_by(resident::Column::RegionId)
        .group_by(Expr::col(Alias::new("band")))
        .into_tuple()
        .all(db)
        .await?;

    let mut count = 0;
    let mut by_band: HashMap<AgeBand, i64> = HashMap::new();
    let mut by_district: HashMap<i64, i64> = HashMap::new();
    for (region_id, band, n) in groups {
        count += n;
        let band = usize::try_from(band)
            .ok()
            .and_then(|i| AgeBand::ALL.get(i).copied())
            .unwrap_or(AgeBand::From80);
        *by_band.entry(band).or_default() += n;
        let district = regions.district_of(region_id).unwrap_or(region_id);
        *by_district.entry(district).or_default() += n;
    }
    let mut by_district: Vec<(i64, i64)> = by_district.into_iter().collect();
    by_district.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let by_district = by_district
        .into_iter()
        .map(|(region_id, count)| DistrictCount {
            region_id,
            name: regions.name(region_id),
            count: Headcount::of(count),
        })
        .collect();
    let by_age_band = AgeBand::ALL
        .into_iter()
        .map(|band| AgeBandCount {
            band,
            count: Headcount::of(by_band.get(&band).copied().unwrap_or(0)),
        })
        .collect();
    Ok(Breakdown {
        count,
        by_district,
        by_age_band,
    })
}

/// The regions, small enough to hold: for naming and for finding a region's district.
pub(crate) struct Regions {
    by_id: HashMap<i64, region::Model>,
}

impl Regions {
    pub(crate) fn name(&self, id: i64) -> LocalizedText {
        self.by_id
            .get(&id)
            .map(|r| LocalizedText::new(r.name.clone(), r.name_en.clone()))
            .unwrap_or_else(|| LocalizedText::new(format!("#{id}"), None))
    }

    /// The district the region lies in (itself when it is one).
    pub(crate) fn district_of(&self, id: i64) -> Option<i64> {
        let path = &self.by_id.get(&id)?.path;
        path.split('/')
            .filter_map(|part| part.parse::<i64>().ok())
            .find(|ancestor| {
                self.by_id
                    .get(ancestor)
                    .is_some_and(|r| r.kind == RegionKind::District)
            })
    }
}

pub(crate) async fn regions(db: &impl ConnectionTrait) -> Result<Regions, AppError> {
    let by_id = region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    Ok(Regions { by_id })
}

fn checked(draft: &SegmentDraft) -> Result<(), AppError> {
    draft.validate().map_err(AppError::invalid)
}

/// The segments a scope keeps: a department's own, or all.
fn in_scope(scope: Scope) -> Condition {
    match scope.department() {
        Some(department) => Condition::all().add(segment::Column::DepartmentId.eq(department)),
        None => Condition::all(),
    }
}

/// (id, name) of the segments a scope keeps, by name: the choices of a survey's audience.
pub(crate) async fn in_scope_named(
    db: &impl ConnectionTrait,
    scope: Scope,
) -> Result<Vec<(i64, String)>, AppError> {
    Ok(segment::Entity::find()
        .select_only()
        .column(segment::Column::Id)
        .column(segment::Column::Name)
        .filter(in_scope(scope))
        .order_by_asc(segment::Column::Name)
        .order_by_asc(segment::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// The segment, if the actor's scope keeps it; "not found" otherwise.
pub async fn find_in_scope(
    db: &impl ConnectionTrait,
    scope: Scope,
    id: i64,
) -> Result<segment::Model, AppError> {
    segment::Entity::find_by_id(id)
        .filter(in_scope(scope))
        .one(db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// Saves a new segment, the actor's department's; 422 with the fields at fault and nothing
/// stored.
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    draft: &SegmentDraft,
    now: DateTime<Utc>,
) -> Result<Segment, AppError> {
    let scope = actor.member.require(Permission::ManageSegments)?;
    checked(draft)?;
    let model = segment::ActiveModel {
        name: Set(draft.name.trim().to_owned()),
        description: Set(Some(draft.description.trim().to_owned()).filter(|d| !d.is_empty())),
        rule: Set(draft.rule.clone()),
        department_id: Set(scope.department()),
        created_by_staff_id: Set(actor.member.id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        actor,
        "segment_create",
        Target::Segment(model.id),
        None,
        now,
    )
    .await?;
    get(db, actor, model.id).await
}

/// Replaces a segment's name, description and rule. A campaign already submitted keeps the
/// rule it was submitted with.
pub async fn update(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    id: i64,
    draft: &SegmentDraft,
    now: DateTime<Utc>,
) -> Result<Segment, AppError> {
    let scope = actor.member.require(Permission::ManageSegments)?;
    checked(draft)?;
    let updated = segment::Entity::update_many()
        .col_expr(segment::Column::Name, Expr::value(draft.name.trim()))
        .col_expr(
            segment::Column::Description,
            Expr::value(Some(draft.description.trim().to_owned()).filter(|d| !d.is_empty())),
        )
        .col_expr(segment::Column::Rule, Expr::value(draft.rule.clone()))
        .col_expr(segment::Column::UpdatedAt, Expr::value(now))
        .filter(segment::Column::Id.eq(id))
        .filter(in_scope(scope))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    audit::record(db, actor, "segment_update", Target::Segment(id), None, now).await?;
    get(db, actor, id).await
}

pub async fn get(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    id: i64,
) -> Result<Segment, AppError> {
    let scope = actor.member.require(Permission::ManageSegments)?;
    let model = find_in_scope(db, scope, id).await?;
    let rule = model.rule.clone();
    let mut summaries = summaries(db, vec![model]).await?;
    let summary = summaries
        .pop()
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok(Segment { summary, rule })
}

/// Every saved segment the actor keeps, the latest changed first.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
) -> Result<Vec<SegmentSummary>, AppError> {
    let scope = actor.member.require(Permission::ManageSegments)?;
    let models = segment::Entity::find()
        .filter(in_scope(scope))
        .order_by_desc(segment::Column::UpdatedAt)
        .order_by_desc(segment::Column::Id)
        .limit(500)
        .all(db)
        .await?;
    summaries(db, models).await
}

async fn summaries(
    db: &impl ConnectionTrait,
    models: Vec<segment::Model>,
) -> Result<Vec<SegmentSummary>, AppError> {
    let staff_ids: Vec<StaffId> = models.iter().map(|m| m.created_by_staff_id).collect();
    let names: HashMap<StaffId, String> = staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::Name)
        .filter(staff::Column::Id.is_in(staff_ids))
        .into_tuple::<(StaffId, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(models
        .into_iter()
        .map(|m| SegmentSummary {
            id: m.id,
            created_by: names
                .get(&m.created_by_staff_id)
                .cloned()
                .unwrap_or_default(),
            name: m.name,
            description: m.description.unwrap_or_default(),
            updated_at: m.updated_at,
        })
        .collect())
}

/// The saved rule of a segment, for campaigns.
pub async fn rule(db: &impl ConnectionTrait, id: i64) -> Result<Rule, AppError> {
    let model = segment::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok(model.rule)
}

/// What the builder's selects offer: districts and streets, tags, published services, and
/// the saved segments.
pub async fn options(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
) -> Result<BuilderOptions, AppError> {
    // The builder serves segments and the policy simulation alike.
    if !actor.member.may(Permission::SimulatePolicies) {
        actor.member.require(Permission::ManageSegments)?;
    }
    let mut regions: Vec<region::Model> = region::Entity::find()
        .filter(region::Column::Kind.is_in(["district", "street"]))
        .all(db)
        .await?;
    regions.sort_by(|a, b| a.path.cmp(&b.path));
    let regions = regions
        .into_iter()
        .map(|r| RegionOption {
            id: r.id,
            kind: r.kind,
            name: LocalizedText::new(r.name, r.name_en),
        })
        .collect();
    let tags = tag::Entity::find()
        .order_by_asc(tag::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.code, LocalizedText::new(t.name, t.name_en)))
        .collect();
    let services = service::Entity::find()
        .select_only()
        .column(service::Column::Id)
        .column(service::Column::Code)
        .column(service::Column::Name)
        .column(service::Column::NameEn)
        .filter(service::Column::Status.eq(service::PUBLISHED))
        .order_by_asc(service::Column::Code)
        .into_tuple::<(i64, String, String, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, code, name, name_en)| (id, code, LocalizedText::new(name, name_en)))
        .collect();
    Ok(BuilderOptions {
        regions,
        tags,
        services,
        segments: list(db, actor).await?,
    })
}
