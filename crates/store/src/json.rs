//! JSON columns, read and written one way. A stored value that does not read as its type is
//! a logged internal error naming the column, never a silent default: the page or the API
//! answers 500 and the log says which column of which table to repair.

use domain::error::{AppError, ErrorCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Reads a JSON column (`column` as `table.column`, for the log) as `T`.
pub fn read<T: DeserializeOwned>(
    value: serde_json::Value,
    column: &'static str,
) -> Result<T, AppError> {
    serde_json::from_value(value).map_err(|err| {
        tracing::error!(column, error = %err, "stored JSON does not read");
        AppError::new(ErrorCode::Internal).caused_by(err)
    })
}

/// Reads a nullable JSON column: NULL is `None`, anything else must read as `T`.
pub fn read_optional<T: DeserializeOwned>(
    value: Option<serde_json::Value>,
    column: &'static str,
) -> Result<Option<T>, AppError> {
    value.map(|value| read(value, column)).transpose()
}

/// The JSON a value is stored as.
pub fn write<T: Serialize>(value: &T, column: &'static str) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value).map_err(|err| {
        tracing::error!(column, error = %err, "value does not write as JSON");
        AppError::new(ErrorCode::Internal).caused_by(err)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_stored_value_of_the_wrong_shape_is_an_internal_error_not_a_default() {
        let read: Result<Vec<String>, _> = read(json!({"not": "a list"}), "supplement.materials");
        let err = read.unwrap_err();
        assert_eq!(err.code, ErrorCode::Internal);
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn null_is_none_and_a_value_round_trips() {
        assert_eq!(read_optional::<Vec<u8>>(None, "t.c"), Ok(None));
        let stored = write(&vec!["户口簿"], "t.c").unwrap();
        assert_eq!(
            read::<Vec<String>>(stored, "t.c"),
            Ok(vec!["户口簿".to_owned()])
        );
    }
}
