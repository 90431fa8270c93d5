//! The inbox and the live stream of events (Server-Sent Events).

use crate::auth::Resident;
use crate::http::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::Utc;
use domain::error::{ApiErrorBody, AppError, ErrorCode};
use domain::notification::NotificationPage;
use futures_util::stream::Stream;
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;
use store::notifications;

/// The newest 50 messages and the unread count.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications",
    responses((status = 200, body = NotificationPage), (status = 401, body = ApiErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Resident(id): Resident,
) -> Result<Json<NotificationPage>, ApiError> {
    Ok(Json(notifications::list(&state.db, id, 50).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct MarkRead {
    /// One message; omitted marks every message read.
    pub id: Option<i64>,
}

/// Mark one or all messages read; returns the unread count.
#[utoipa::path(post, path = "/api/v1/me/notifications/read", tag = "notifications", request_body = MarkRead,
    responses((status = 200, body = i64), (status = 404, body = ApiErrorBody)))]
pub async fn mark_read(
    State(state): State<AppState>,
    Resident(id): Resident,
    Json(read): Json<MarkRead>,
) -> Result<Json<i64>, ApiError> {
    Ok(Json(
        notifications::mark_read(&state.db, id, read.id, Utc::now()).await?,
    ))
}

/// The resident's live events as Server-Sent Events: `notification` (a new message with the
/// unread count) and `application_updated` (an application changed). Reconnecting clients
/// find what they missed in the inbox.
#[utoipa::path(get, path = "/api/v1/me/events", tag = "notifications",
    responses(
        (status = 200, description = "text/event-stream"),
        (status = 401, body = ApiErrorBody),
        (status = 429, description = "The resident has 10 streams open on this server already; `Retry-After` says when to try again", body = ApiErrorBody),
    ))]
pub async fn events(
    State(state): State<AppState>,
    Resident(id): Resident,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let Ok(mut subscription) = state.push.subscribe(id) else {
        tracing::warn!(resident_id = %id, "too many open event streams");
        return Err(AppError::new(ErrorCode::TooManyAttempts)
            .retry_after(STREAM_RETRY_SECONDS)
            .into());
    };
    let stream = async_stream::stream! {
        // A first event tells the page the stream is live.
        yield Ok(Event::default().event("ready").data("{}"));
        // The subscription leaves the hub when the page goes (the stream is dropped).
        while let Some(event) = subscription.events.recv().await {
            if let Ok(data) = serde_json::to_string(&event) {
                yield Ok(Event::default().event(event.name()).data(data));
            }
        }
    };
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))))
}

/// When a refused stream may try again: a closed page's stream is gone by then.
const STREAM_RETRY_SECONDS: u64 = 30;
