//! The identifiers of the things a person names: a resident, a staff member, an application
//! and its tasks, and the number an application is known by (办件编号).
//!
//! Each is its own type, so a resident's id cannot be passed where an application's is
//! expected, and a function's signature says which record it takes. They travel as the bare
//! number (or text) they wrap (`#[serde(transparent)]`), so the JSON API and the URLs are
//! unchanged; with the `ssr` feature each is also a SeaORM value type (entity columns are
//! typed, primary keys included) and an OpenAPI schema of its inner type.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::num::ParseIntError;
use std::str::FromStr;

/// Declares an id type: an `i64` primary key of one table.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sea_orm::DeriveValueType, utoipa::ToSchema))]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        /// An id in a URL's path or a form's field.
        impl FromStr for $name {
            type Err = ParseIntError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.trim().parse().map(Self)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }
    };
}

id_type!(
    /// A resident's account (`resident.id`).
    ResidentId
);
id_type!(
    /// A staff member's account (`staff.id`).
    StaffId
);
id_type!(
    /// An application (`application.id`); residents and URLs use its [`ApplicationNumber`].
    ApplicationId
);
id_type!(
    /// One service's task within an application (`task.id`).
    TaskId
);

/// The number an application is known by (办件编号, `application.number`): what the resident
/// sees, quotes on the phone and finds in a URL, e.g. `MS-20261203-000042`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveValueType, utoipa::ToSchema))]
pub struct ApplicationNumber(pub String);

impl ApplicationNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ApplicationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for ApplicationNumber {
    fn from(number: String) -> Self {
        Self(number)
    }
}

impl From<&str> for ApplicationNumber {
    fn from(number: &str) -> Self {
        Self(number.to_owned())
    }
}

impl AsRef<str> for ApplicationNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_travel_as_bare_numbers() {
        assert_eq!(serde_json::to_string(&ResidentId(7)).unwrap(), "7");
        assert_eq!(serde_json::from_str::<TaskId>("42").unwrap(), TaskId(42));
        let number = ApplicationNumber::from("MS-20261203-000042");
        assert_eq!(
            serde_json::to_string(&number).unwrap(),
            "\"MS-20261203-000042\""
        );
    }

    #[test]
    fn ids_read_from_paths_and_refuse_other_text() {
        assert_eq!(" 12 ".parse::<ApplicationId>(), Ok(ApplicationId(12)));
        assert!("12a".parse::<StaffId>().is_err());
        assert_eq!(ResidentId(3).to_string(), "3");
    }
}
