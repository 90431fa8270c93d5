//! Server functions of the staff console's pages. Each reads the staff session and calls a
//! store function, which checks role and department scope itself.
use domain::ids::{ApplicationNumber, ResidentId};

use domain::console::{
    ApplicationForStaff, AuditPage, AuditQuery, ConsoleHome, QueueFilter, QueuePage, ResidentHit,
    ResidentRecord, StaffAccountView, StaffSessionView,
};
use domain::error::AppError;
use domain::staff::StaffMember;
use domain::validation::Flash;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The signed-in member of staff, or None.
#[server(prefix = "/rpc", endpoint = "staff/me", input = GetUrl)]
pub async fn staff_me() -> Result<Option<StaffMember>, AppError> {
    Ok(super::current_staff().map(|s| s.actor.member))
}

/// The outcome of the last console form post of `form`, once.
#[server(prefix = "/rpc", endpoint = "staff/flash", input = GetUrl)]
pub async fn take_staff_flash(form: String) -> Result<Option<Flash>, AppError> {
    let Some(current) = super::current_staff() else {
        return Ok(None);
    };
    match current.flash {
        Some(flash) if flash.form == form => {
            store::sessions::clear_flash(&super::db()?, &current.session_id).await?;
            Ok(Some(flash))
        }
        _ => Ok(None),
    }
}

#[server(prefix = "/rpc", endpoint = "staff/home", input = GetUrl)]
pub async fn get_console_home() -> Result<ConsoleHome, AppError> {
    store::queue::home(
        &super::db()?,
        &super::staff()?,
        &super::policy(),
        chrono::Utc::now(),
    )
    .await
}

#[server(prefix = "/rpc", endpoint = "staff/queue", input = GetUrl)]
pub async fn get_queue(filter: Option<QueueFilter>) -> Result<QueuePage, AppError> {
    // Optional: an empty filter travels as an empty query string.
    let filter = filter.unwrap_or_default();
    store::queue::page(&super::db()?, &super::staff()?, filter, chrono::Utc::now()).await
}

#[server(prefix = "/rpc", endpoint = "staff/case", input = GetUrl)]
pub async fn get_application_for_staff(
    number: ApplicationNumber,
) -> Result<ApplicationForStaff, AppError> {
    store::applications::for_staff::view(
        &super::db()?,
        &super::staff()?,
        &number,
        chrono::Utc::now(),
    )
    .await
}

#[server(prefix = "/rpc", endpoint = "staff/resident", input = GetUrl)]
pub async fn get_resident_record(id: ResidentId) -> Result<ResidentRecord, AppError> {
    store::resident_records::view(&super::db()?, &super::staff()?, id, chrono::Utc::now()).await
}

/// Searches residents; a POST (the default input) so that the words searched, perhaps an ID
/// number, never travel in an address.
#[server(prefix = "/rpc", endpoint = "staff/residents")]
pub async fn find_residents(q: String) -> Result<Vec<ResidentHit>, AppError> {
    store::resident_records::search(&super::db()?, &super::staff()?, &q, chrono::Utc::now()).await
}

#[server(prefix = "/rpc", endpoint = "staff/audit", input = GetUrl)]
pub async fn get_audit_page(query: Option<AuditQuery>) -> Result<AuditPage, AppError> {
    // Optional: an empty query travels as an empty query string.
    let query = query.unwrap_or_default();
    store::audit::search(&super::db()?, &super::staff()?, query).await
}

#[server(prefix = "/rpc", endpoint = "staff/sessions", input = GetUrl)]
pub async fn get_staff_sessions() -> Result<Vec<StaffSessionView>, AppError> {
    store::staff_accounts::sessions(&super::db()?, &super::staff()?, chrono::Utc::now()).await
}

/// Every staff account, to disable or enable one (administrators).
#[server(prefix = "/rpc", endpoint = "staff/accounts", input = GetUrl)]
pub async fn get_staff_accounts() -> Result<Vec<StaffAccountView>, AppError> {
    store::staff_accounts::accounts(&super::db()?, &super::staff()?).await
}

/// The claim waiting for an identity check on the record of this ID number; a POST, so the
/// number never travels in an address.
#[server(prefix = "/rpc", endpoint = "staff/identity-claim")]
pub async fn find_pending_claim(
    id_number: String,
) -> Result<Option<domain::account::PendingClaim>, AppError> {
    use domain::validation::{FieldError, Problem};
    let id_number = domain::id_number::IdNumber::parse(&id_number).map_err(|_| {
        AppError::invalid(vec![FieldError::new("id_number", Problem::InvalidIdNumber)])
    })?;
    store::identity_checks::claim_of(
        &super::db()?,
        &super::staff()?,
        &id_number,
        chrono::Utc::now(),
    )
    .await
}

#[server(prefix = "/rpc", endpoint = "staff/catalog", input = GetUrl)]
pub async fn get_catalog() -> Result<domain::catalog_admin::CatalogOverview, AppError> {
    store::catalog_admin::overview(&super::db()?, &super::staff()?).await
}

/// The service form; `code` None for a new service.
#[server(prefix = "/rpc", endpoint = "staff/service-editor", input = GetUrl)]
pub async fn get_service_editor(
    code: Option<String>,
) -> Result<domain::catalog_admin::ServiceEditor, AppError> {
    store::catalog_admin::service_editor(&super::db()?, &super::staff()?, code.as_deref()).await
}

/// The bundle form; `code` None for a new bundle.
#[server(prefix = "/rpc", endpoint = "staff/bundle-editor", input = GetUrl)]
pub async fn get_bundle_editor(
    code: Option<String>,
) -> Result<domain::catalog_admin::BundleEditor, AppError> {
    store::catalog_admin::bundle_editor(&super::db()?, &super::staff()?, code.as_deref()).await
}
