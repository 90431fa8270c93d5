//! Text messages (短信) through a gateway: the city's SMS platform over HTTP when
//! `MINSHENG_SMS_GATEWAY_URL` is set, otherwise the embedded outbox, where a developer (and
//! the browser tests) read what would have been sent.
//!
//! Every message is recorded in the `sms_outbox` table either way. With a real gateway the
//! row is the delivery record and the one-time code in it is blanked out before it is
//! written; with the embedded outbox the row, and the server log, are the delivery.

use chrono::Utc;
use domain::error::{AppError, ErrorCode};
use domain::validation::mask_mobile;
use sea_orm::DatabaseConnection;
use std::time::Duration;

/// Where messages go, from the settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum GatewaySettings {
    /// The embedded default: the outbox table and the log only.
    #[default]
    Outbox,
    /// `MINSHENG_SMS_GATEWAY_URL` and `MINSHENG_SMS_GATEWAY_KEY`: each message is POSTed as
    /// JSON `{"to": "13800000001", "text": "…"}` with `Authorization: Bearer <key>`; any 2xx
    /// answer means accepted.
    Http { url: String, key: String },
}

/// The gateway a server sends through, built once at start-up.
#[derive(Clone, Debug)]
pub enum Gateway {
    Outbox,
    Http(HttpGateway),
}

#[derive(Clone, Debug)]
pub struct HttpGateway {
    client: reqwest::Client,
    url: String,
    key: String,
}

/// How long the gateway may take to accept a message.
const GATEWAY_TIMEOUT: Duration = Duration::from_secs(10);

impl Gateway {
    pub fn new(settings: &GatewaySettings) -> Self {
        match settings {
            GatewaySettings::Outbox => Gateway::Outbox,
            GatewaySettings::Http { url, key } => {
                // rustls needs its cryptography chosen once per process; ring is the one
                // the database driver already brings. A second install is harmless.
                let _ = rustls::crypto::ring::default_provider().install_default();
                let client = reqwest::Client::builder()
                    .timeout(GATEWAY_TIMEOUT)
                    .build()
                    .unwrap_or_else(|err| {
                        tracing::error!(error = %err, "SMS client with defaults instead");
                        reqwest::Client::new()
                    });
                Gateway::Http(HttpGateway {
                    client,
                    url: url.clone(),
                    key: key.clone(),
                })
            }
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Gateway::Outbox => "outbox",
            Gateway::Http(_) => "http",
        }
    }

    /// Sends `text` to `mobile` and records it; `secret` (a one-time code in the text) is
    /// blanked out of the record unless the record is the delivery. A gateway that refuses
    /// or cannot be reached answers `unavailable`, and the failure is recorded.
    pub async fn send(
        &self,
        db: &DatabaseConnection,
        mobile: &str,
        text: &str,
        secret: Option<&str>,
    ) -> Result<(), AppError> {
        let delivered = match self {
            Gateway::Outbox => {
                tracing::info!(to = %mask_mobile(mobile), text, "SMS written to the outbox");
                Ok(())
            }
            Gateway::Http(gateway) => gateway.post(mobile, text).await,
        };
        let recorded = match (self, secret) {
            (Gateway::Http(_), Some(secret)) => text.replace(secret, &"*".repeat(secret.len())),
            _ => text.to_owned(),
        };
        let error = delivered.as_ref().err().map(String::as_str);
        store::sms_outbox::record(db, mobile, &recorded, self.name(), error, Utc::now()).await?;
        delivered.map_err(|err| {
            tracing::error!(to = %mask_mobile(mobile), error = %err, "SMS gateway failed");
            AppError::new(ErrorCode::Unavailable)
        })
    }
}

impl HttpGateway {
    async fn post(&self, mobile: &str, text: &str) -> Result<(), String> {
        let answer = self
            .client
            .post(&self.url)
            .bearer_auth(&self.key)
            .json(&serde_json::json!({ "to": mobile, "text": text }))
            .send()
            .await
            .map_err(|err| format!("not reached: {err}"))?;
        if answer.status().is_success() {
            Ok(())
        } else {
            Err(format!("answered {}", answer.status()))
        }
    }
}
