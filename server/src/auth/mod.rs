//! Who is asking: resident sessions stored in the database (any instance can serve any
//! request), Argon2id passwords checked off the async runtime, one-time codes that prove a
//! mobile number, and throttling.
use domain::ids::ResidentId;

pub mod accounts;
pub mod one_time_codes;
pub mod password;
pub mod session;
pub mod staff;

use crate::http::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use domain::error::{AppError, ErrorCode};
use store::{CurrentSession, CurrentStaff, StaffActor};

/// The signed-in resident of an API request; without one the request gets 401.
#[derive(Clone, Copy, Debug)]
pub struct Resident(pub ResidentId);

impl<S: Send + Sync> FromRequestParts<S> for Resident {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentSession>()
            .and_then(|s| s.resident_id)
            .map(Resident)
            .ok_or_else(|| AppError::new(ErrorCode::Unauthenticated).into())
    }
}

/// The signed-in resident of a page form; without one the browser goes to sign in.
#[derive(Clone, Debug)]
pub struct FormResident {
    pub resident_id: ResidentId,
    pub session_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for FormResident {
    type Rejection = axum::response::Redirect;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentSession>()
            .and_then(|s| {
                s.resident_id.map(|resident_id| FormResident {
                    resident_id,
                    session_id: s.id.clone(),
                })
            })
            .ok_or_else(|| {
                let back = parts
                    .headers
                    .get(axum::http::header::REFERER)
                    .and_then(|r| r.to_str().ok())
                    .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
                    .and_then(|rest| rest.find('/').map(|i| rest[i..].to_owned()))
                    .unwrap_or_else(|| "/".to_owned());
                axum::response::Redirect::to(&format!(
                    "/sign-in?next={}",
                    form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
                ))
            })
    }
}

/// The signed-in member of staff of an API request; without one the request gets 401.
#[derive(Clone, Debug)]
pub struct Staff(pub StaffActor);

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentStaff>()
            .map(|s| Staff(s.actor.clone()))
            .ok_or_else(|| AppError::new(ErrorCode::Unauthenticated).into())
    }
}

/// The signed-in member of staff of a console form; without one the browser goes to the
/// staff sign-in.
#[derive(Clone, Debug)]
pub struct FormStaff {
    pub actor: StaffActor,
    pub session_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for FormStaff {
    type Rejection = axum::response::Redirect;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentStaff>()
            .map(|s| FormStaff {
                actor: s.actor.clone(),
                session_id: s.session_id.clone(),
            })
            .ok_or_else(|| axum::response::Redirect::to("/admin/sign-in"))
    }
}
