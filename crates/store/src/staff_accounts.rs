//! Staff accounts and their sessions: the account a staff sign-in checks, the member a
//! session stands for, the administrators' list of open staff sessions (to end one) and of
//! accounts (to disable or enable one).
//! There are no built-in accounts: the first administrator is made with `server staff add`.
use domain::ids::StaffId;

use super::StaffActor;
use super::audit::{self, Target};
use super::entities::{department, session, staff};
use chrono::{DateTime, Utc};
use domain::console::{StaffAccountView, StaffSessionView};
use domain::error::{AppError, ErrorCode};
use domain::staff::{Permission, StaffMember, StaffRole};
use domain::text::LocalizedText;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

/// The id and password hash of an active account, for signing in.
pub async fn find_for_sign_in(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<(StaffId, String)>, AppError> {
    Ok(staff::Entity::find()
        .filter(staff::Column::Username.eq(username.trim()))
        .filter(staff::Column::Active.eq(true))
        .one(db)
        .await?
        .map(|s| (s.id, s.password_hash)))
}

/// The active member behind a staff session.
pub async fn member(
    db: &impl ConnectionTrait,
    staff_id: StaffId,
) -> Result<Option<StaffMember>, AppError> {
    let Some((member, department)) = staff::Entity::find_by_id(staff_id)
        .filter(staff::Column::Active.eq(true))
        .find_also_related(department::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(member_of(member, department))
}

fn member_of(row: staff::Model, department: Option<department::Model>) -> Option<StaffMember> {
    let role = row.role;
    Some(StaffMember {
        id: row.id,
        username: row.username,
        name: row.name,
        role,
        department_id: row.department_id,
        department: department.map(|d| LocalizedText::new(d.name, d.name_en)),
    })
}

/// Every open staff session (administrators).
pub async fn sessions(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    now: DateTime<Utc>,
) -> Result<Vec<StaffSessionView>, AppError> {
    actor.member.require(Permission::ManageStaffSessions)?;
    let rows = session::Entity::find()
        .filter(session::Column::StaffId.is_not_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::LastSeenAt)
        .all(db)
        .await?;
    let ids: Vec<StaffId> = rows.iter().filter_map(|r| r.staff_id).collect();
    let members: HashMap<StaffId, StaffMember> = staff::Entity::find()
        .filter(staff::Column::Id.is_in(ids))
        .find_also_related(department::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(s, d)| member_of(s, d))
        .map(|m| (m.id, m))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let member = members.get(&r.staff_id?)?;
            Some(StaffSessionView {
                id: r.id.chars().take(12).collect(),
                staff_name: member.name.clone(),
                username: member.username.clone(),
                role: member.role,
                department: member.department.clone(),
                created_at: r.created_at,
                last_seen_at: r.last_seen_at,
                ip: r.ip,
                user_agent: r.user_agent,
            })
        })
        .collect())
}

/// Ends the staff session whose id starts with `prefix` (as the list shows it).
pub async fn end_session(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    prefix: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.member.require(Permission::ManageStaffSessions)?;
    if prefix.len() != 12 || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::not_found());
    }
    let found = session::Entity::find()
        .filter(session::Column::StaffId.is_not_null())
        .filter(session::Column::Id.starts_with(prefix))
        .all(db)
        .await?;
    let [row] = found.as_slice() else {
        return Err(AppError::not_found());
    };
    session::Entity::delete_by_id(row.id.clone())
        .exec(db)
        .await?;
    audit::record(
        db,
        actor,
        "staff_session.end",
        Target::StaffSession,
        row.staff_id.map(|id| format!("staff {id}")).as_deref(),
        now,
    )
    .await?;
    tracing::info!(by = %actor.member.id, staff_id = ?row.staff_id, "staff session ended");
    Ok(())
}

/// Every staff account, departments first (administrators).
pub async fn accounts(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
) -> Result<Vec<StaffAccountView>, AppError> {
    actor.member.require(Permission::ManageStaffSessions)?;
    let rows = staff::Entity::find()
        .find_also_related(department::Entity)
        .order_by_asc(staff::Column::DepartmentId)
        .order_by_asc(staff::Column::Username)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(row, department)| StaffAccountView {
            id: row.id,
            username: row.username,
            name: row.name,
            role: row.role,
            department: department.map(|d| LocalizedText::new(d.name, d.name_en)),
            active: row.active,
        })
        .collect())
}

/// Disables an account (its sessions end at once: a disabled member is signed out
/// everywhere) or enables it again. By name: the `server staff disable|enable` command.
pub async fn set_active(
    db: &impl ConnectionTrait,
    username: &str,
    active: bool,
) -> Result<StaffId, AppError> {
    let row = staff::Entity::find()
        .filter(staff::Column::Username.eq(username.trim()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::with_field(ErrorCode::NotFound, "username"))?;
    apply_active(db, row.id, active).await?;
    Ok(row.id)
}

/// The same from the console, by an administrator, recorded in the audit log. Nobody
/// disables their own account (the last administrator cannot lock everyone out).
pub async fn set_active_by(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    staff_id: StaffId,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.member.require(Permission::ManageStaffSessions)?;
    if staff_id == actor.member.id && !active {
        return Err(AppError::new(ErrorCode::InvalidStateChange));
    }
    if staff::Entity::find_by_id(staff_id).one(db).await?.is_none() {
        return Err(AppError::not_found());
    }
    apply_active(db, staff_id, active).await?;
    let action = if active {
        "staff.enable"
    } else {
        "staff.disable"
    };
    let reason = format!("staff {staff_id}");
    audit::record(db, actor, action, Target::StaffSession, Some(&reason), now).await?;
    tracing::info!(by = %actor.member.id, %staff_id, active, "staff account changed");
    Ok(())
}

async fn apply_active(
    db: &impl ConnectionTrait,
    staff_id: StaffId,
    active: bool,
) -> Result<(), AppError> {
    staff::Entity::update_many()
        .col_expr(
            staff::Column::Active,
            sea_orm::sea_query::Expr::value(active),
        )
        .filter(staff::Column::Id.eq(staff_id))
        .exec(db)
        .await?;
    if !active {
        session::Entity::delete_many()
            .filter(session::Column::StaffId.eq(staff_id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// A new staff account (the `server staff add` command). The department is given by code;
/// department roles need one.
pub async fn create(
    db: &impl ConnectionTrait,
    username: &str,
    name: &str,
    role: StaffRole,
    department_code: Option<&str>,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<StaffId, AppError> {
    let department_id = match department_code {
        Some(code) => Some(
            department::Entity::find()
                .filter(department::Column::Code.eq(code))
                .one(db)
                .await?
                .ok_or_else(|| AppError::with_field(ErrorCode::NotFound, "department"))?
                .id,
        ),
        None => None,
    };
    if role.is_department_scoped() && department_id.is_none() {
        return Err(AppError::with_field(
            ErrorCode::InvalidParameter,
            "department",
        ));
    }
    let created = staff::ActiveModel {
        username: Set(username.trim().to_owned()),
        name: Set(name.trim().to_owned()),
        password_hash: Set(password_hash),
        role: Set(role),
        department_id: Set(department_id),
        active: Set(true),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(created.id)
}
