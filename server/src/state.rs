//! What every handler can reach: the database, the settings, the push hub, the SMS gateway
//! and the Leptos options.

use crate::config::Settings;
use crate::push::PushHub;
use crate::sms::Gateway;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
    pub push: PushHub,
    pub sms: Gateway,
}

impl AppState {
    /// Must run inside the Tokio runtime: on PostgreSQL it starts the push listener.
    pub fn new(db: DatabaseConnection, leptos_options: LeptosOptions, settings: Settings) -> Self {
        let push = PushHub::start(&db);
        let sms = Gateway::new(&settings.sms_gateway);
        Self {
            sms,
            db,
            leptos_options,
            settings: Arc::new(settings),
            push,
        }
    }
}
