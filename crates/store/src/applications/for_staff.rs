//! Where staff read an application: with its internal notes, the resident (masked), and each
//! department's task with what the viewer may do to it now. A department sees only
//! applications with a task of its own; every read is recorded in the audit log.
use domain::ids::{ApplicationNumber, StaffId};

use super::{Reader, detail_of};
use crate::StaffActor;
use crate::audit::{self, Target};
use crate::entities::{application, attachment, department, resident, service, staff, task};
use crate::workflow::actions_for;
use chrono::{DateTime, Utc};
use domain::console::{ApplicationForStaff, Colleague, TaskForStaff, urgency};
use domain::error::AppError;
use domain::personal::{MaskedIdNumber, MaskedMobile};
use domain::staff::Permission;
use domain::text::LocalizedText;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

pub async fn view(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    number: &ApplicationNumber,
    now: DateTime<Utc>,
) -> Result<ApplicationForStaff, AppError> {
    let scope = actor.member.require(Permission::ViewCase)?;
    let app = application::Entity::find()
        .filter(application::Column::Number.eq(number.as_str()))
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    let tasks = task::Entity::find()
        .filter(task::Column::ApplicationId.eq(app.id))
        .order_by_asc(task::Column::Id)
        .all(db)
        .await?;
    // Drafts have no tasks: they are the resident's alone.
    if !tasks.iter().any(|t| scope.covers(t.department_id)) {
        return Err(AppError::not_found());
    }
    let detail = detail_of(db, &app, Reader::Staff).await?;
    let person = resident::Entity::find_by_id(app.resident_id)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    let departments: HashMap<i64, LocalizedText> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, LocalizedText::new(d.name, d.name_en)))
        .collect();
    let services: HashMap<i64, LocalizedText> = service::Entity::find()
        .filter(service::Column::Id.is_in(tasks.iter().map(|t| t.service_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, LocalizedText::new(s.name, s.name_en)))
        .collect();
    let in_scope_departments: Vec<i64> = tasks
        .iter()
        .map(|t| t.department_id)
        .filter(|d| scope.covers(*d))
        .collect();
    let staff_rows = staff::Entity::find()
        .filter(staff::Column::Active.eq(true))
        .filter(
            staff::Column::Id
                .is_in(tasks.iter().filter_map(|t| t.assigned_staff_id))
                .or(staff::Column::DepartmentId.is_in(in_scope_departments.clone())),
        )
        .order_by_asc(staff::Column::Id)
        .all(db)
        .await?;
    let names: HashMap<StaffId, String> =
        staff_rows.iter().map(|s| (s.id, s.name.clone())).collect();
    let colleagues = if actor.member.may(Permission::Assign) {
        staff_rows
            .iter()
            .filter(|s| {
                s.department_id
                    .is_some_and(|d| in_scope_departments.contains(&d))
            })
            .filter(|s| s.role.is_department_scoped())
            .map(|s| Colleague {
                id: s.id,
                name: s.name.clone(),
                role: s.role,
            })
            .collect()
    } else {
        Vec::new()
    };
    let tasks = tasks
        .into_iter()
        .map(|t| {
            let status = t.status;
            let in_scope = scope.covers(t.department_id);
            Ok(TaskForStaff {
                id: t.id,
                department: departments
                    .get(&t.department_id)
                    .cloned()
                    .unwrap_or_default(),
                service: services.get(&t.service_id).cloned().unwrap_or_default(),
                status,
                version: t.version,
                assigned_to: t.assigned_staff_id.and_then(|id| names.get(&id).cloned()),
                due_at: t.due_at,
                urgency: urgency(t.due_at, status, now),
                in_scope,
                actions: if in_scope {
                    actions_for(actor.member.role, status)
                } else {
                    Vec::new()
                },
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    audit::record(
        db,
        actor,
        "application.view",
        Target::Application {
            id: app.id,
            resident_id: app.resident_id,
        },
        None,
        now,
    )
    .await?;
    Ok(ApplicationForStaff {
        detail,
        resident_id: person.id,
        resident_name: person.name,
        resident_id_number: MaskedIdNumber::new(&person.id_number),
        resident_mobile: person.mobile.as_deref().map(MaskedMobile::new),
        tasks,
        colleagues,
    })
}

/// A file of a case, for staff whose scope covers one of the case's tasks; recorded as
/// `attachment.download`.
pub async fn attachment(
    db: &impl ConnectionTrait,
    actor: &StaffActor,
    attachment_id: i64,
    now: DateTime<Utc>,
) -> Result<attachment::Model, AppError> {
    let scope = actor.member.require(Permission::ViewCase)?;
    let found = attachment::Entity::find_by_id(attachment_id)
        .one(db)
        .await?
        .ok_or_else(AppError::not_found)?;
    let application_id = found.application_id.ok_or_else(AppError::not_found)?;
    let departments: Vec<i64> = task::Entity::find()
        .filter(task::Column::ApplicationId.eq(application_id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.department_id)
        .collect();
    if !departments.iter().any(|d| scope.covers(*d)) {
        return Err(AppError::not_found());
    }
    audit::record(
        db,
        actor,
        "attachment.download",
        Target::Application {
            id: application_id,
            resident_id: found.resident_id,
        },
        None,
        now,
    )
    .await?;
    Ok(found)
}
