//! Resident 360 (客户管理): one page per resident for staff, with ID numbers and mobile
//! numbers masked for every role; revealing one in full takes a stated reason and is recorded,
//! as is every search, every view and every tag added or removed.
//!
//! Need to know: a department sees only residents who have a case with it, and of them only
//! what concerns it — its own applications, complaints and recommendations, the tags its own
//! staff added — never the street address, what other departments hold, or ratings (who
//! rated stays with supervisors). Supervisors and administrators see the whole record.
use domain::ids::{ApplicationId, ResidentId, StaffId};

use super::StaffActor;
use super::audit::{self, Target};
use super::entities::{
    application, bundle, complaint, rating, recommendation, region, resident, resident_tag,
    service, staff, tag, task,
};
use super::profile::age_on;
use crate::like::contains_pattern;
use chrono::{DateTime, Utc};
use domain::application::ApplicationStatus;
use domain::console::{
    Choice, PersonalField, RecordApplication, RecordComplaint, RecordMember, RecordRating,
    RecordRecommendation, ResidentHit, ResidentRecord, TagView,
};
use domain::deadline::china_date;
use domain::error::{AppError, ErrorCode};
use domain::id_number::IdNumber;
use domain::personal::{MaskedIdNumber, MaskedMobile, Revealed, mask_in_text};
use domain::staff::{Permission, Scope};
use domain::text::LocalizedText;
use domain::validation::{FieldError, Problem, mask_mobile, normalize_mobile, too_long};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set,
};
use std::collections::HashMap;

/// The longest reason for a reveal or a tag change.
pub const MAX_REASON: u32 = 500;

/// Residents with at least one case in the department.
fn with_case_in(department_id: i64) -> Condition {
    Condition::all().add(
        resident::Column::Id.in_subquery(
            Query::select()
                .column(application::Column::ResidentId)
                .from(application::Entity)
                .inner_join(
                    task::Entity,
                    Expr::col((task::Entity, task::Column::ApplicationId))
                        .equals((application::Entity, application::Column::Id)),
                )
                .and_where(Expr::col((task::Entity, task::Column::DepartmentId)).eq(department_id))
                .to_owned(),
        ),
    )
}

fn scoped(scope: Scope) -> Condition {
    match scope.department() {
        Some(id) => with_case_in(id),
        None => Condition::all(),
    }
}

/// The resident, if the scope covers them; "not found" otherwise (no hint they exist).
async fn find_in_scope(
    db: &impl ConnectionTrait,
    scope: Scope,
    resident_id: ResidentId,
) -> Result<resident::Model, AppError> {
    resident::Entity::find_by_id(resident_id)
        .filter(scoped(scope))
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)
}

fn reason_of(reason: &str) -> Result<String, AppError> {
    let reason = reason.trim();
    let problem = if reason.is_empty() {
        Problem::Required
    } else if too_long(reason, MAX_REASON) {
        Problem::TooLong { max: MAX_REASON }
    } else {
        return Ok(reason.to_owned());
    };
    Err(AppError::invalid(vec![FieldError {
        field: "reason".to_owned(),
        problem,
    }]))
}

/// Residents by exact ID number or mobile, or by name (part of it, typed wildcards matched
/// literally), within the scope; recorded as `resident.search` with what was searched,
/// masked, and how many were found.
pub async fn search(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    query: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ResidentHit>, AppError> {
    let scope = actor.member.require(Permission::ViewResident)?;
    let query = query.trim();
    if query.is_empty() {
        return Ok(Vec::new());
    }
    if too_long(query, 50) {
        return Err(AppError::new(ErrorCode::QueryTooLong));
    }
    let (matching, searched) = if let Ok(id) = IdNumber::parse(query) {
        let searched = format!("id_number {}", id.masked());
        (resident::Column::IdNumber.eq(id.as_str()), searched)
    } else if let Some(mobile) = normalize_mobile(query) {
        let searched = format!("mobile {}", mask_mobile(&mobile));
        (resident::Column::Mobile.eq(mobile), searched)
    } else {
        let pattern = LikeExpr::new(contains_pattern(query)).escape('\\');
        let matching = Expr::col((resident::Entity, resident::Column::Name)).like(pattern);
        (matching, format!("name {query}"))
    };
    let rows = resident::Entity::find()
        .find_also_related(region::Entity)
        .filter(matching)
        .filter(scoped(scope))
        .order_by_asc(resident::Column::Id)
        .limit(20)
        .all(db)
        .await?;
    let reason = format!("{searched} · {} found", rows.len());
    audit::record(
        db,
        actor,
        "resident.search",
        Target::ResidentSearch,
        Some(&reason),
        now,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(r, region)| ResidentHit {
            id: r.id,
            name: r.name,
            id_number: MaskedIdNumber::new(&r.id_number),
            mobile: r.mobile.as_deref().map(MaskedMobile::new),
            region: region.map(|g| g.name).unwrap_or_default(),
        })
        .collect())
}

/// The 360 page of one resident; recorded as `resident.view`.
pub async fn view(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    resident_id: ResidentId,
    now: DateTime<Utc>,
) -> Result<ResidentRecord, AppError> {
    let scope = actor.member.require(Permission::ViewResident)?;
    let person = find_in_scope(db, scope, resident_id).await?;
    let today = china_date(now);
    let region = region::Entity::find_by_id(person.region_id).one(db).await?;
    let household = match person.household_id {
        Some(household) => resident::Entity::find()
            .filter(resident::Column::HouseholdId.eq(household))
            .filter(resident::Column::Id.ne(person.id))
            .order_by_asc(resident::Column::BirthDate)
            .all(db)
            .await?
            .into_iter()
            .map(|m| RecordMember {
                id: m.id,
                name: m.name,
                relation: m.household_relation,
                age: age_on(m.birth_date, today),
            })
            .collect(),
        None => Vec::new(),
    };
    let tags_on: Vec<resident_tag::Model> = resident_tag::Entity::find()
        .filter(resident_tag::Column::ResidentId.eq(person.id))
        .order_by_asc(resident_tag::Column::CreatedAt)
        .all(db)
        .await?;
    let colleagues = match scope.department() {
        Some(department) => Some(department_staff(db, department).await?),
        None => None,
    };
    let shown = |on: &resident_tag::Model| {
        colleagues
            .as_ref()
            .is_none_or(|staff| on.added_by_staff_id.is_some_and(|by| staff.contains(&by)))
    };
    let all_tags: Vec<tag::Model> = tag::Entity::find()
        .order_by_asc(tag::Column::Id)
        .all(db)
        .await?;
    let tags = tags_on
        .iter()
        .filter(|on| shown(on))
        .filter_map(|on| {
            let t = all_tags.iter().find(|t| t.id == on.tag_id)?;
            Some(TagView {
                code: t.code.clone(),
                name: LocalizedText::new(t.name.clone(), t.name_en.clone()),
                reason: on.reason.clone(),
                added_at: on.created_at,
            })
        })
        .collect();
    let available_tags = all_tags
        .iter()
        .filter(|t| !tags_on.iter().any(|on| on.tag_id == t.id))
        .map(|t| Choice {
            value: t.code.clone(),
            label: LocalizedText::new(t.name.clone(), t.name_en.clone()),
        })
        .collect();
    let applications = applications_of(db, scope, person.id).await?;
    let services = service_names(db).await?;
    // Who rated what stays with supervisors: a department must not learn who rated it.
    let ratings = if actor.member.may(Permission::OverseeRatings) {
        rating::Entity::find()
            .filter(rating::Column::ResidentId.eq(person.id))
            .order_by_desc(rating::Column::CreatedAt)
            .all(db)
            .await?
            .into_iter()
            .map(|r| RecordRating {
                service: services.get(&r.service_id).cloned().unwrap_or_default(),
                score: i32::from(r.score),
                comment: r.comment.as_deref().map(mask_in_text),
                created_at: r.created_at,
            })
            .collect()
    } else {
        Vec::new()
    };
    let complaints = complaint::Entity::find()
        .filter(complaint::Column::ResidentId.eq(person.id))
        .apply_if(scope.department(), |query, department| {
            query.filter(complaint::Column::DepartmentId.eq(department))
        })
        .order_by_desc(complaint::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|c| RecordComplaint {
            number: c.number,
            title: c.title,
            status: c.status,
            created_at: c.created_at,
        })
        .collect();
    let bundles: HashMap<i64, LocalizedText> = bundle::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, LocalizedText::new(b.name, b.name_en)))
        .collect();
    let recommendations = recommendation::Entity::find()
        .filter(recommendation::Column::ResidentId.eq(person.id))
        .apply_if(scope.department(), |query, department| {
            query.filter(
                recommendation::Column::ServiceId.in_subquery(
                    Query::select()
                        .column(service::Column::Id)
                        .from(service::Entity)
                        .and_where(Expr::col(service::Column::DepartmentId).eq(department))
                        .to_owned(),
                ),
            )
        })
        .order_by_desc(recommendation::Column::CreatedAt)
        .limit(50)
        .all(db)
        .await?
        .into_iter()
        .map(|r| RecordRecommendation {
            title: r
                .service_id
                .and_then(|id| services.get(&id).cloned())
                .or_else(|| r.bundle_id.and_then(|id| bundles.get(&id).cloned()))
                .unwrap_or_default(),
            reason: LocalizedText::new(r.reason.render(false), Some(r.reason.render(true))),
            status: r.status,
            created_at: r.created_at,
        })
        .collect();
    audit::record(
        db,
        actor,
        "resident.view",
        Target::Resident(person.id),
        None,
        now,
    )
    .await?;
    Ok(ResidentRecord {
        id: person.id,
        name: person.name,
        gender: person.gender,
        age: age_on(person.birth_date, today),
        id_number: MaskedIdNumber::new(&person.id_number),
        mobile: person.mobile.as_deref().map(MaskedMobile::new),
        email: person.email,
        address: scope.department().is_none().then_some(person.address),
        region: region.map(|g| g.name).unwrap_or_default(),
        registered: person.password_hash.is_some(),
        language: person.language,
        elderly_mode: person.elderly_mode,
        notify_consent: person.notify_consent,
        household,
        tags,
        available_tags,
        applications,
        ratings,
        complaints,
        recommendations,
        can_reveal: actor.member.may(Permission::RevealPersonalData),
        can_edit_tags: actor.member.may(Permission::EditTags),
    })
}

/// The staff of a department (whose tags its members see).
async fn department_staff(
    db: &impl ConnectionTrait,
    department: i64,
) -> Result<Vec<StaffId>, AppError> {
    Ok(staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .filter(staff::Column::DepartmentId.eq(department))
        .into_tuple()
        .all(db)
        .await?)
}

/// A recommendation's reason as text: a string, or the Chinese of `{zh, en}`.
async fn service_names(db: &impl ConnectionTrait) -> Result<HashMap<i64, LocalizedText>, AppError> {
    Ok(service::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, LocalizedText::new(s.name, s.name_en)))
        .collect())
}

/// The resident's applications the viewer may open (drafts stay private): for department
/// staff those with a task in their department, for supervisors all.
async fn applications_of(
    db: &impl ConnectionTrait,
    scope: Scope,
    resident_id: ResidentId,
) -> Result<Vec<RecordApplication>, AppError> {
    let apps = application::Entity::find()
        .filter(application::Column::ResidentId.eq(resident_id))
        .filter(application::Column::Status.ne(ApplicationStatus::Draft))
        .order_by_desc(application::Column::CreatedAt)
        .all(db)
        .await?;
    let tasks: Vec<(ApplicationId, i64)> = task::Entity::find()
        .select_only()
        .column(task::Column::ApplicationId)
        .column(task::Column::DepartmentId)
        .filter(task::Column::ApplicationId.is_in(apps.iter().map(|a| a.id)))
        .into_tuple()
        .all(db)
        .await?;
    let services = service_names(db).await?;
    let bundles: HashMap<i64, LocalizedText> = bundle::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, LocalizedText::new(b.name, b.name_en)))
        .collect();
    Ok(apps
        .into_iter()
        .filter(|a| {
            tasks
                .iter()
                .any(|(app, department)| *app == a.id && scope.covers(*department))
        })
        .map(|a| RecordApplication {
            title: a
                .service_id
                .and_then(|id| services.get(&id).cloned())
                .or_else(|| a.bundle_id.and_then(|id| bundles.get(&id).cloned()))
                .unwrap_or_default(),
            number: a.number,
            status: a.status,
            submitted_at: a.submitted_at,
        })
        .collect())
}

/// Shows one masked value in full, for a stated reason, recorded as
/// `resident.reveal_id_number` / `resident.reveal_mobile`.
pub async fn reveal(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    resident_id: ResidentId,
    field: PersonalField,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Revealed<String>, AppError> {
    let scope = actor.member.require(Permission::RevealPersonalData)?;
    let reason = reason_of(reason)?;
    let person = find_in_scope(db, scope, resident_id).await?;
    let value = match field {
        PersonalField::IdNumber => person.id_number,
        PersonalField::Mobile => person.mobile.unwrap_or_default(),
    };
    audit::record(
        db,
        actor,
        &format!("resident.reveal_{}", field.as_str()),
        Target::Resident(person.id),
        Some(&reason),
        now,
    )
    .await?;
    tracing::info!(
        staff_id = %actor.member.id,
        %resident_id,
        field = field.as_str(),
        "personal data revealed"
    );
    Ok(Revealed::recorded(value))
}

/// The resident (in scope), the tag and the reason of a tag change.
async fn tag_change(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    resident_id: ResidentId,
    tag_code: &str,
    reason: &str,
) -> Result<(resident::Model, tag::Model, String), AppError> {
    let scope = actor.member.require(Permission::EditTags)?;
    let reason = reason_of(reason)?;
    let person = find_in_scope(db, scope, resident_id).await?;
    let found = tag::Entity::find()
        .filter(tag::Column::Code.eq(tag_code))
        .one(db)
        .await?
        .ok_or_else(|| AppError::with_field(ErrorCode::InvalidParameter, "tag"))?;
    Ok((person, found, reason))
}

/// Puts a tag on the resident (with the reason); a tag already there stays as it was.
pub async fn add_tag(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    resident_id: ResidentId,
    tag_code: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (person, found, reason) = tag_change(db, actor, resident_id, tag_code, reason).await?;
    let existing = resident_tag::Entity::find_by_id((person.id, found.id))
        .one(db)
        .await?;
    if existing.is_none() {
        resident_tag::ActiveModel {
            resident_id: Set(person.id),
            tag_id: Set(found.id),
            reason: Set(Some(reason.clone())),
            added_by_staff_id: Set(Some(actor.member.id)),
            created_at: Set(now),
        }
        .insert(db)
        .await?;
    }
    audit::record(
        db,
        actor,
        &format!("resident.tag_add.{}", found.code),
        Target::Resident(person.id),
        Some(&reason),
        now,
    )
    .await
}

/// Takes a tag off the resident; the reason stays in the audit log.
pub async fn remove_tag(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    resident_id: ResidentId,
    tag_code: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (person, found, reason) = tag_change(db, actor, resident_id, tag_code, reason).await?;
    resident_tag::Entity::delete_by_id((person.id, found.id))
        .exec(db)
        .await?;
    audit::record(
        db,
        actor,
        &format!("resident.tag_remove.{}", found.code),
        Target::Resident(person.id),
        Some(&reason),
        now,
    )
    .await
}
