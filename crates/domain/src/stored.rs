//! How the closed sets of values (statuses, kinds, roles) are stored: as the words they
//! travel as (`submitted`, `department_head`, …), typed on both sides of the database.
//!
//! With the `ssr` feature each such enum derives SeaORM's value type through [`from_text`]
//! and [`to_text`], so an entity's `status` column is an `ApplicationStatus`, not a string
//! parsed at every call site. A word no variant knows is a database error when the row is
//! read (logged once, answered as an internal error), never a silent default.

/// A closed set of values stored as words.
pub trait Stored: Sized + Copy + 'static {
    /// The word the value is stored as.
    fn text(self) -> &'static str;
    /// The value a stored word names.
    fn from_word(word: &str) -> Option<Self>;
}

/// A stored word that names no value of its type.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{word:?} is not a {type_name}")]
pub struct UnknownWord {
    pub type_name: &'static str,
    pub word: String,
}

/// The word a value is stored as (SeaORM's `to_str`).
pub fn to_text<T: Stored>(value: &T) -> &'static str {
    value.text()
}

/// The value of a stored word (SeaORM's `from_str`).
pub fn from_text<T: Stored>(word: &str) -> Result<T, UnknownWord> {
    T::from_word(word).ok_or_else(|| UnknownWord {
        type_name: std::any::type_name::<T>(),
        word: word.to_owned(),
    })
}

/// Implements [`Stored`] for enums that have `as_str` and `parse`.
macro_rules! stored_as_words {
    ($($ty:ty),+ $(,)?) => {$(
        impl $crate::stored::Stored for $ty {
            fn text(self) -> &'static str {
                self.as_str()
            }
            fn from_word(word: &str) -> Option<Self> {
                Self::parse(word)
            }
        }
    )+};
}
pub(crate) use stored_as_words;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::ApplicationStatus;
    use crate::staff::StaffRole;

    #[test]
    fn every_value_comes_back_from_its_word() {
        for status in ApplicationStatus::ALL {
            assert_eq!(from_text::<ApplicationStatus>(to_text(&status)), Ok(status));
        }
        for role in StaffRole::ALL {
            assert_eq!(from_text::<StaffRole>(to_text(&role)), Ok(role));
        }
    }

    #[test]
    fn an_unknown_word_is_an_error_naming_it() {
        let err = from_text::<ApplicationStatus>("lost").unwrap_err();
        assert_eq!(err.word, "lost");
        assert!(err.to_string().contains("ApplicationStatus"), "{err}");
    }
}
