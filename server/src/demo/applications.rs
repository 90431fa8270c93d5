//! Applications in every state, with their department tasks and the events of their timeline.

use super::SHOWCASE_RESIDENT;
use super::bulk::BulkInsert;
use super::catalog::CatalogIds;
use super::people::{ResidentInfo, StaffIds};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use domain::application::{Actor, ApplicationStatus};
use rand::{Rng, RngExt};
use sea_orm::{ConnectionTrait, DbErr, Value};

/// The path an application took to reach `status`, as (status, actor) steps after the draft.
fn path_to(status: ApplicationStatus) -> Vec<(ApplicationStatus, Actor)> {
    use ApplicationStatus::*;
    let resident = Actor::Resident;
    let staff = Actor::Staff;
    match status {
        Draft => vec![],
        Submitted => vec![(Submitted, resident)],
        Accepted => vec![(Submitted, resident), (Accepted, staff)],
        SupplementRequested => vec![
            (Submitted, resident),
            (Accepted, staff),
            (SupplementRequested, staff),
        ],
        Approved => vec![(Submitted, resident), (Accepted, staff), (Approved, staff)],
        Rejected => vec![(Submitted, resident), (Accepted, staff), (Rejected, staff)],
        Completed => vec![
            (Submitted, resident),
            (Accepted, staff),
            (Approved, staff),
            (Completed, staff),
        ],
        Withdrawn => vec![(Submitted, resident), (Withdrawn, resident)],
    }
}

/// What the showcase resident ([`SHOWCASE_RESIDENT`]) has: one application in each state a
/// resident meets, and a life-event package, so a first sign-in shows a living portal.
/// (status, as a bundle)
const SHOWCASE: &[(ApplicationStatus, bool)] = &[
    (ApplicationStatus::Completed, false),
    (ApplicationStatus::Rejected, false),
    (ApplicationStatus::Accepted, true),
    (ApplicationStatus::Submitted, false),
    (ApplicationStatus::SupplementRequested, false),
    (ApplicationStatus::Accepted, false),
    (ApplicationStatus::Draft, false),
];

/// A status drawn with the shares a real queue shows: most cases done, some in every state.
fn draw_status(rng: &mut impl Rng) -> ApplicationStatus {
    use ApplicationStatus::*;
    match rng.random_range(0..100) {
        0..=7 => Draft,
        8..=19 => Submitted,
        20..=34 => Accepted,
        35..=42 => SupplementRequested,
        43..=52 => Approved,
        53..=59 => Rejected,
        60..=94 => Completed,
        _ => Withdrawn,
    }
}

fn comment_for(status: ApplicationStatus) -> Option<&'static str> {
    match status {
        ApplicationStatus::Submitted => Some("网上提交申请"),
        ApplicationStatus::Accepted => Some("材料齐全，予以受理"),
        ApplicationStatus::SupplementRequested => Some("请补充提交清晰的户口簿本人页扫描件"),
        ApplicationStatus::Approved => Some("经审核，符合条件，准予办理"),
        ApplicationStatus::Rejected => Some("经核查，申请人不符合本事项的申请条件"),
        ApplicationStatus::Completed => Some("已办结，结果已送达"),
        ApplicationStatus::Withdrawn => Some("申请人主动撤回"),
        ApplicationStatus::Draft => None,
    }
}

fn form_data(keys: &[&str], resident: &ResidentInfo) -> serde_json::Value {
    let mut data = serde_json::Map::new();
    for key in keys {
        let value = match *key {
            "applicant_name" => resident.name.clone(),
            "applicant_id_number" => resident.id_number.clone(),
            "applicant_mobile" => resident.mobile.clone().unwrap_or_default(),
            "applicant_address" => resident.address.clone(),
            _ => continue,
        };
        data.insert((*key).to_owned(), value.into());
    }
    serde_json::Value::Object(data)
}

/// Office hours: a time between 08:30 and 17:30 on the given day.
fn during_office_hours(rng: &mut impl Rng, day: DateTime<Utc>) -> DateTime<Utc> {
    let minutes = rng.random_range(30..(9 * 60 + 30));
    let start = day
        .date_naive()
        .and_time(NaiveTime::from_hms_opt(0, 30, 0).unwrap_or_default())
        .and_utc();
    start + Duration::minutes(minutes)
}

pub async fn insert_applications(
    db: &impl ConnectionTrait,
    rng: &mut impl Rng,
    catalog: &CatalogIds,
    staff: &StaffIds,
    residents: &[ResidentInfo],
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut applications = BulkInsert::new(
        "application",
        &[
            "id",
            "number",
            "resident_id",
            "service_id",
            "bundle_id",
            "status",
            "form_version",
            "form_data",
            "submitted_at",
            "accepted_at",
            "decided_at",
            "completed_at",
            "due_at",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    let mut tasks = BulkInsert::new(
        "task",
        &[
            "id",
            "application_id",
            "department_id",
            "service_id",
            "status",
            "assigned_staff_id",
            "accepted_at",
            "due_at",
            "decided_at",
            "completed_at",
            "decision_reason",
            "paused_at",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    // Written after the tasks they belong to.
    let mut supplements: Vec<Vec<Value>> = Vec::new();
    let mut events = BulkInsert::new(
        "application_event",
        &[
            "id",
            "application_id",
            "task_id",
            "kind",
            "from_status",
            "to_status",
            "actor_kind",
            "actor_resident_id",
            "actor_staff_id",
            "comment",
            "internal",
            "created_at",
        ],
    );
    let (mut application_id, mut task_id, mut event_id) = (0i64, 0i64, 0i64);

    for resident in residents.iter().filter(|r| r.age >= 18) {
        let showcase = resident.id == SHOWCASE_RESIDENT;
        if !showcase && !rng.random_bool(0.45) {
            continue;
        }
        // Fixed cases for the showcase account, drawn ones for everybody else.
        let plan: Vec<Option<(ApplicationStatus, bool)>> = if showcase {
            SHOWCASE.iter().copied().map(Some).collect()
        } else {
            vec![None; rng.random_range(1..=2)]
        };
        for fixed in plan {
            application_id += 1;
            let (status, as_bundle) =
                fixed.unwrap_or_else(|| (draw_status(rng), rng.random_bool(0.08)));
            let (service_indexes, bundle_id) = if as_bundle && !catalog.bundles.is_empty() {
                let bundle = &catalog.bundles[rng.random_range(0..catalog.bundles.len())];
                (bundle.services.clone(), Some(bundle.id))
            } else {
                (vec![rng.random_range(0..catalog.services.len())], None)
            };
            let main = &catalog.services[service_indexes[0]];
            // Open cases are recent; finished ones reach back four months.
            let days_ago = if status.is_final() || status == ApplicationStatus::Approved {
                rng.random_range(8..120)
            } else {
                rng.random_range(0..25)
            };
            let created = during_office_hours(rng, now - Duration::days(days_ago));
            let steps = path_to(status);
            let mut at = created;
            let mut times: Vec<DateTime<Utc>> = Vec::with_capacity(steps.len());
            for (i, _) in steps.iter().enumerate() {
                if i > 0 {
                    at += Duration::hours(rng.random_range(2..72));
                }
                times.push(at.min(now));
            }
            let time_of = |wanted: ApplicationStatus| {
                steps
                    .iter()
                    .zip(&times)
                    .find(|((s, _), _)| *s == wanted)
                    .map(|(_, t)| *t)
            };
            let accepted_at = time_of(ApplicationStatus::Accepted);
            let due_at = accepted_at.map(|t| {
                let due_day = catalog
                    .calendar
                    .add_working_days(t.date_naive(), main.promised_days.max(0) as u32);
                due_day
                    .and_time(NaiveTime::from_hms_opt(9, 30, 0).unwrap_or_default())
                    .and_utc()
            });
            let decided_at =
                time_of(ApplicationStatus::Approved).or(time_of(ApplicationStatus::Rejected));
            let completed_at = time_of(ApplicationStatus::Completed);
            // The clock stands still while a supplement is awaited.
            let paused_at = (status == ApplicationStatus::SupplementRequested)
                .then(|| time_of(ApplicationStatus::SupplementRequested))
                .flatten();
            let submitted_at = time_of(ApplicationStatus::Submitted);
            let updated = times.last().copied().unwrap_or(created);
            let number = format!("MS-{}-{application_id:06}", created.format("%Y%m%d"));

            applications
                .push(
                    db,
                    vec![
                        application_id.into(),
                        number.into(),
                        resident.id.into(),
                        bundle_id.is_none().then_some(main.id).into(),
                        bundle_id.into(),
                        status.as_str().into(),
                        1i32.into(),
                        Value::from(form_data(&main.form_keys, resident)),
                        submitted_at.into(),
                        accepted_at.into(),
                        decided_at.into(),
                        completed_at.into(),
                        due_at.into(),
                        (steps.len() as i32 + 1).into(),
                        created.into(),
                        updated.into(),
                    ],
                )
                .await?;

            for index in &service_indexes {
                let service = &catalog.services[*index];
                let (clerk, reviewer) = staff
                    .handlers
                    .get(&service.department_id)
                    .copied()
                    .unwrap_or((1, 1));
                task_id += 1;
                if tasks.is_almost_full() {
                    applications.flush(db).await?;
                }
                let reason = (status == ApplicationStatus::Rejected)
                    .then(|| comment_for(status).unwrap_or_default());
                tasks
                    .push(
                        db,
                        vec![
                            task_id.into(),
                            application_id.into(),
                            service.department_id.into(),
                            service.id.into(),
                            status.as_str().into(),
                            accepted_at.map(|_| clerk).into(),
                            accepted_at.into(),
                            due_at.into(),
                            decided_at.into(),
                            completed_at.into(),
                            reason.map(str::to_owned).into(),
                            paused_at.into(),
                            (steps.len() as i32 + 1).into(),
                            created.into(),
                            updated.into(),
                        ],
                    )
                    .await?;
                if let Some(requested_at) = paused_at {
                    supplements.push(vec![
                        task_id.into(),
                        clerk.into(),
                        Value::from(serde_json::json!([0])),
                        comment_for(ApplicationStatus::SupplementRequested)
                            .unwrap_or_default()
                            .into(),
                        requested_at.into(),
                    ]);
                }
                let mut from = ApplicationStatus::Draft;
                for ((to, actor), when) in steps.iter().zip(&times) {
                    debug_assert!(from.can_become(*to, *actor), "{from:?} -> {to:?}");
                    event_id += 1;
                    if events.is_almost_full() {
                        applications.flush(db).await?;
                        tasks.flush(db).await?;
                    }
                    let (actor_kind, actor_resident, actor_staff) = match actor {
                        Actor::Resident => ("resident", Some(resident.id), None),
                        _ if matches!(
                            to,
                            ApplicationStatus::Approved | ApplicationStatus::Rejected
                        ) =>
                        {
                            ("staff", None, Some(reviewer))
                        }
                        _ => ("staff", None, Some(clerk)),
                    };
                    events
                        .push(
                            db,
                            vec![
                                event_id.into(),
                                application_id.into(),
                                task_id.into(),
                                to.as_str().into(),
                                from.as_str().into(),
                                to.as_str().into(),
                                actor_kind.into(),
                                actor_resident.into(),
                                actor_staff.into(),
                                comment_for(*to).map(str::to_owned).into(),
                                false.into(),
                                (*when).into(),
                            ],
                        )
                        .await?;
                    from = *to;
                }
            }
        }
    }
    applications.flush(db).await?;
    tasks.flush(db).await?;
    events.flush(db).await?;
    let mut requests = BulkInsert::new(
        "supplement",
        &[
            "task_id",
            "requested_by_staff_id",
            "materials",
            "note",
            "requested_at",
        ],
    );
    for row in supplements {
        requests.push(db, row).await?;
    }
    requests.flush(db).await?;
    Ok(applications.written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_path_follows_the_state_machine() {
        for status in ApplicationStatus::ALL {
            let mut from = ApplicationStatus::Draft;
            for (to, actor) in path_to(status) {
                assert!(
                    from.can_become(to, actor),
                    "{from:?} -> {to:?} by {actor:?}"
                );
                from = to;
            }
            assert_eq!(from, status);
        }
    }
}
