//! Who is signed in, the flash of the last form post, and the profile.

use domain::account::Viewer;
use domain::error::AppError;
use domain::profile::Profile;
use domain::validation::Flash;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The signed-in resident, or None.
#[server(prefix = "/rpc", endpoint = "me/viewer", input = GetUrl)]
pub async fn get_viewer() -> Result<Option<Viewer>, AppError> {
    match super::session().and_then(|s| s.resident_id) {
        Some(id) => store::accounts::viewer(&super::db()?, id).await.map(Some),
        None => Ok(None),
    }
}

/// The values and problems of the last post of `form`, once.
#[server(prefix = "/rpc", endpoint = "me/flash", input = GetUrl)]
pub async fn take_flash(form: String) -> Result<Option<Flash>, AppError> {
    let Some(session) = super::session() else {
        return Ok(None);
    };
    match session.flash {
        Some(flash) if flash.form == form => {
            store::sessions::clear_flash(&super::db()?, &session.id).await?;
            Ok(Some(flash))
        }
        _ => Ok(None),
    }
}

#[server(prefix = "/rpc", endpoint = "me/profile", input = GetUrl)]
pub async fn get_profile() -> Result<Profile, AppError> {
    store::profile::profile(&super::db()?, super::resident_id()?, chrono::Utc::now()).await
}

/// Which staff department looked at the resident's record or applications, and when.
#[server(prefix = "/rpc", endpoint = "me/record-accesses", input = GetUrl)]
pub async fn record_accesses() -> Result<Vec<domain::console::RecordAccess>, AppError> {
    store::audit::accesses_of(&super::db()?, super::resident_id()?).await
}
