//! The deployment's satisfaction policy (windows and thresholds of the ratings loop) and the
//! rates the figures are built from.

use serde::{Deserialize, Serialize};

/// Below this many ratings a figure is not published (it would identify raters and say
/// little).
pub const MIN_PUBLIC_RATINGS: u64 = 10;

/// Configurable per deployment (`MINSHENG_RATING_WINDOW_DAYS` and friends, see the README).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatingPolicy {
    /// Working days after the decision in which the resident may rate.
    pub rating_window_days: u32,
    /// Working days the department has to answer a bad review.
    pub rectification_days: u32,
    /// Working days after a bad review in which the department may appeal it.
    pub appeal_days: u32,
    /// Working days the resident has to re-rate an answer; silence then closes the case.
    pub feedback_days: u32,
    /// The console warns when a department's rolling 30-day satisfaction falls below this
    /// share (0.9 = 90 %).
    pub alert_threshold: f64,
}

impl Default for RatingPolicy {
    fn default() -> Self {
        Self {
            rating_window_days: 5,
            rectification_days: 5,
            appeal_days: 3,
            feedback_days: 5,
            alert_threshold: 0.9,
        }
    }
}

/// Share of satisfied (4–5) ratings; None without ratings.
pub fn satisfaction_rate(satisfied: u64, ratings: u64) -> Option<f64> {
    (ratings > 0).then(|| satisfied as f64 / ratings as f64)
}

/// A figure built from `ratings` ratings, or None when there are too few to publish.
pub fn publishable<T>(ratings: u64, figure: T) -> Option<T> {
    (ratings >= MIN_PUBLIC_RATINGS).then_some(figure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fewer_than_ten_ratings_publish_nothing() {
        assert_eq!(publishable(9, 0.5), None);
        assert_eq!(publishable(10, 0.5), Some(0.5));
    }

    #[test]
    fn satisfaction_is_the_share_of_four_and_five() {
        assert_eq!(satisfaction_rate(0, 0), None);
        assert_eq!(satisfaction_rate(9, 10), Some(0.9));
    }
}
