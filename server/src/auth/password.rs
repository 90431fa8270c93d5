//! Argon2id password hashes (PHC strings). Hashing is deliberately slow, so it runs on the
//! blocking pool, never on the async workers.

use domain::error::{AppError, ErrorCode};

/// A hash of a password nobody has: checked when the account does not exist, so that a wrong
/// account name takes as long as a wrong password (no account discovery by timing).
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| password_auth::generate_hash("no account has this password"));

pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "password hashing failed");
            AppError::new(ErrorCode::Internal)
        })
}

/// Whether `password` matches `hash`; `None` checks against the dummy hash and is false.
pub async fn verify(password: String, hash: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let matched = password_auth::verify_password(
            &password,
            hash.as_deref().unwrap_or(DUMMY_HASH.as_str()),
        )
        .is_ok();
        matched && hash.is_some()
    })
    .await
    .map_err(|err| {
        tracing::error!(error = %err, "password check failed");
        AppError::new(ErrorCode::Internal)
    })
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hash = super::hash("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            super::verify("correct horse".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !super::verify("wrong horse".into(), Some(hash))
                .await
                .unwrap()
        );
        assert!(!super::verify("anything".into(), None).await.unwrap());
    }
}
