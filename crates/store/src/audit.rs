//! Where the audit trail is written and read. Every staff read of a resident record or an
//! application and every staff write adds one line; nothing here updates or deletes one (the
//! database refuses it too, see migration 9). Supervisors search it and export it as CSV;
//! residents see from it which department looked at their record.
use domain::ids::{ApplicationId, ResidentId, StaffId};

use super::StaffActor;
use super::entities::{audit_log, department, staff};
use chrono::{DateTime, Duration, Utc};
use domain::console::{
    AUDIT_PAGE_SIZE, AuditEntry, AuditPage, AuditQuery, RecordAccess, page_count,
};
use domain::deadline::start_of_china_day;
use domain::error::AppError;
use domain::staff::Permission;
use domain::text::LocalizedText;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;

/// What was touched.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    Resident(ResidentId),
    /// An application, with the resident it belongs to.
    Application {
        id: ApplicationId,
        resident_id: ResidentId,
    },
    Service(i64),
    Bundle(i64),
    Segment(i64),
    Campaign(i64),
    StaffSession,
    /// A search of residents (what was searched, masked, is the reason).
    ResidentSearch,
    /// A segment rule tried in the builder (the rule and what it counted are the reason).
    SegmentPreview,
    /// A policy simulation (the drafts and what they counted are the reason).
    PolicySimulation,
    /// The audit log itself (an export).
    AuditLog,
    /// An alert (预警), acknowledged with a note (the reason).
    Alert(i64),
}

impl Target {
    fn parts(self) -> (&'static str, Option<i64>, Option<ResidentId>) {
        match self {
            Target::Resident(id) => ("resident", Some(id.0), Some(id)),
            Target::Application { id, resident_id } => {
                ("application", Some(id.0), Some(resident_id))
            }
            Target::Service(id) => ("service", Some(id), None),
            Target::Bundle(id) => ("bundle", Some(id), None),
            Target::Segment(id) => ("segment", Some(id), None),
            Target::Campaign(id) => ("campaign", Some(id), None),
            Target::StaffSession => ("staff_session", None, None),
            Target::ResidentSearch => ("resident_search", None, None),
            Target::SegmentPreview => ("segment_preview", None, None),
            Target::PolicySimulation => ("policy_simulation", None, None),
            Target::AuditLog => ("audit_log", None, None),
            Target::Alert(id) => ("alert", Some(id), None),
        }
    }
}

/// The longest reason kept; a longer one (a rule's JSON, say) is cut here.
pub const REASON_MAX: usize = 2000;

/// Appends one line.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    action: &str,
    target: Target,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (target_kind, target_id, resident_id) = target.parts();
    audit_log::ActiveModel {
        actor_staff_id: Set(Some(actor.member.id)),
        actor_resident_id: Set(None),
        actor_role: Set(Some(actor.member.role.as_str().to_owned())),
        actor_department_id: Set(actor.member.department_id),
        action: Set(action.to_owned()),
        target_kind: Set(target_kind.to_owned()),
        target_id: Set(target_id),
        resident_id: Set(resident_id),
        reason: Set(reason.map(|r| r.chars().take(REASON_MAX).collect())),
        ip: Set(actor.ip.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

fn condition(query: &AuditQuery, actor_id: Option<Option<StaffId>>) -> Condition {
    let mut condition = Condition::all();
    if let Some(id) = actor_id {
        // An unknown username matches nothing rather than everything.
        condition = condition.add(audit_log::Column::ActorStaffId.eq(id.unwrap_or(StaffId(-1))));
    }
    if let Some(resident) = query.resident {
        condition = condition.add(audit_log::Column::ResidentId.eq(resident));
    }
    if let Some(action) = query
        .action
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        condition = if action.ends_with('.') {
            condition.add(audit_log::Column::Action.starts_with(action))
        } else {
            condition.add(audit_log::Column::Action.eq(action))
        };
    }
    if let Some(from) = query.from {
        condition = condition.add(audit_log::Column::CreatedAt.gte(start_of_china_day(from)));
    }
    if let Some(to) = query.to {
        condition = condition
            .add(audit_log::Column::CreatedAt.lt(start_of_china_day(to) + Duration::days(1)));
    }
    condition
}

async fn actor_id(
    db: &impl ConnectionTrait,
    query: &AuditQuery,
) -> Result<Option<Option<StaffId>>, AppError> {
    let Some(username) = query
        .actor
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    else {
        return Ok(None);
    };
    Ok(Some(
        staff::Entity::find()
            .filter(staff::Column::Username.eq(username))
            .one(db)
            .await?
            .map(|s| s.id),
    ))
}

/// Entries matching `query`, newest first: a page for the console, or all of them (up to
/// `limit`) for the CSV export.
async fn entries(
    db: &impl ConnectionTrait,
    query: &AuditQuery,
    offset: u64,
    limit: u64,
) -> Result<(Vec<AuditEntry>, i64), AppError> {
    let condition = condition(query, actor_id(db, query).await?);
    let total = audit_log::Entity::find()
        .filter(condition.clone())
        .count(db)
        .await? as i64;
    let rows = audit_log::Entity::find()
        .filter(condition)
        .order_by_desc(audit_log::Column::CreatedAt)
        .order_by_desc(audit_log::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    let staff_ids: Vec<StaffId> = rows.iter().filter_map(|r| r.actor_staff_id).collect();
    let staff: HashMap<StaffId, staff::Model> = staff::Entity::find()
        .filter(staff::Column::Id.is_in(staff_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let departments = departments(db).await?;
    let entries = rows
        .into_iter()
        .map(|r| {
            let member = r.actor_staff_id.and_then(|id| staff.get(&id));
            AuditEntry {
                id: r.id,
                at: r.created_at,
                actor: member.map(|m| m.name.clone()),
                actor_username: member.map(|m| m.username.clone()),
                role: r.actor_role,
                department: r
                    .actor_department_id
                    .and_then(|id| departments.get(&id).cloned()),
                action: r.action,
                target_kind: r.target_kind,
                target_id: r.target_id,
                resident_id: r.resident_id,
                reason: r.reason,
                ip: r.ip,
            }
        })
        .collect();
    Ok((entries, total))
}

async fn departments(db: &impl ConnectionTrait) -> Result<HashMap<i64, LocalizedText>, AppError> {
    Ok(department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, LocalizedText::new(d.name, d.name_en)))
        .collect())
}

/// One page of the search (supervisors and administrators).
pub async fn search(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    query: AuditQuery,
) -> Result<AuditPage, AppError> {
    actor.member.require(Permission::SearchAudit)?;
    let page = query.page.unwrap_or(1).max(1);
    let (entries, total) = entries(
        db,
        &query,
        u64::from(page - 1) * AUDIT_PAGE_SIZE,
        AUDIT_PAGE_SIZE,
    )
    .await?;
    Ok(AuditPage {
        query,
        entries,
        total,
        page,
        pages: page_count(total, AUDIT_PAGE_SIZE),
    })
}

/// The most lines one CSV export holds.
pub const EXPORT_LIMIT: u64 = 100_000;

/// The search's result as CSV (UTF-8 with a byte-order mark, so that spreadsheet programs
/// read the Chinese correctly). The export itself is recorded.
pub async fn export_csv(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    query: &AuditQuery,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    actor.member.require(Permission::SearchAudit)?;
    let (entries, _) = entries(db, query, 0, EXPORT_LIMIT).await?;
    record(db, actor, "audit.export", Target::AuditLog, None, now).await?;
    let mut csv = String::from(
        "\u{feff}id,time,actor,username,role,department,action,target_kind,target_id,resident_id,reason,ip\r\n",
    );
    for e in entries {
        let fields = [
            e.id.to_string(),
            e.at.to_rfc3339(),
            e.actor.unwrap_or_default(),
            e.actor_username.unwrap_or_default(),
            e.role.unwrap_or_default(),
            e.department.map(|d| d.zh).unwrap_or_default(),
            e.action,
            e.target_kind,
            e.target_id.map(|i| i.to_string()).unwrap_or_default(),
            e.resident_id.map(|i| i.to_string()).unwrap_or_default(),
            e.reason.unwrap_or_default(),
            e.ip.unwrap_or_default(),
        ];
        csv.push_str(&domain::csv::line(&fields));
    }
    Ok(csv)
}

/// For the resident's profile: staff access to their record and applications, newest
/// first (the last 100).
pub async fn accesses_of(
    db: &impl ConnectionTrait,
    resident_id: ResidentId,
) -> Result<Vec<RecordAccess>, AppError> {
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::ResidentId.eq(resident_id))
        .filter(audit_log::Column::ActorStaffId.is_not_null())
        .order_by_desc(audit_log::Column::CreatedAt)
        .order_by_desc(audit_log::Column::Id)
        .limit(100)
        .all(db)
        .await?;
    let departments = departments(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| RecordAccess {
            at: r.created_at,
            department: r
                .actor_department_id
                .and_then(|id| departments.get(&id).cloned()),
            role: r.actor_role,
            action: r.action,
        })
        .collect())
}
