//! 好差评: a resident's rating of one handled task (一事一评) on five levels, with the national
//! online indicator set, optional tags and a comment; the window in which it may be given.
use crate::ids::TaskId;

use super::error::AppError;
use super::text::LocalizedText;
use super::validation::{FieldError, Problem, too_long};
use chrono::{DateTime, NaiveDate, Utc};
use i18n::{Locale, td_string};
use serde::{Deserialize, Serialize};

/// The longest comment a rating may carry.
pub const MAX_COMMENT: u32 = 1000;

/// The five levels, 非常满意 5 … 非常不满意 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(value_type = u8, minimum = 1, maximum = 5))]
pub struct Score(u8);

impl Score {
    pub const LEVELS: [Score; 5] = [Score(5), Score(4), Score(3), Score(2), Score(1)];

    pub fn new(value: u8) -> Option<Self> {
        (1..=5).contains(&value).then_some(Score(value))
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// A score as the database column holds it (always 1–5 when written here).
    pub fn from_stored(value: i16) -> Self {
        Score(value.clamp(1, 5) as u8)
    }

    /// 1 and 2 are bad reviews (差评): each opens a rectification.
    pub fn is_bad(self) -> bool {
        self.0 <= 2
    }

    /// 4 and 5 count as satisfied in the satisfaction rate.
    pub fn is_satisfied(self) -> bool {
        self.0 >= 4
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self.0 {
            5 => td_string!(locale, ratings.level_5),
            4 => td_string!(locale, ratings.level_4),
            3 => td_string!(locale, ratings.level_3),
            2 => td_string!(locale, ratings.level_2),
            _ => td_string!(locale, ratings.level_1),
        }
    }
}

impl TryFrom<u8> for Score {
    type Error = String;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Score::new(value).ok_or_else(|| format!("a score is 1 to 5, not {value}"))
    }
}

impl From<Score> for u8 {
    fn from(score: Score) -> u8 {
        score.0
    }
}

/// The national online indicators besides overall satisfaction (the score itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Indicator {
    /// 办事效率
    Efficiency,
    /// 办事指南准确性
    GuideAccuracy,
    /// 办事便利度
    Convenience,
    /// 系统易用性
    EaseOfUse,
}

impl Indicator {
    pub const ALL: [Indicator; 4] = [
        Indicator::Efficiency,
        Indicator::GuideAccuracy,
        Indicator::Convenience,
        Indicator::EaseOfUse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Indicator::Efficiency => "efficiency",
            Indicator::GuideAccuracy => "guide_accuracy",
            Indicator::Convenience => "convenience",
            Indicator::EaseOfUse => "ease_of_use",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.as_str() == s)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Indicator::Efficiency => td_string!(locale, ratings.indicator_efficiency),
            Indicator::GuideAccuracy => td_string!(locale, ratings.indicator_guide_accuracy),
            Indicator::Convenience => td_string!(locale, ratings.indicator_convenience),
            Indicator::EaseOfUse => td_string!(locale, ratings.indicator_ease_of_use),
        }
    }
}

/// Each indicator's score, where the resident gave one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::ToSchema, sea_orm::FromJsonQueryResult)
)]
pub struct IndicatorScores {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub efficiency: Option<Score>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide_accuracy: Option<Score>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub convenience: Option<Score>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ease_of_use: Option<Score>,
}

impl IndicatorScores {
    pub fn get(&self, indicator: Indicator) -> Option<Score> {
        match indicator {
            Indicator::Efficiency => self.efficiency,
            Indicator::GuideAccuracy => self.guide_accuracy,
            Indicator::Convenience => self.convenience,
            Indicator::EaseOfUse => self.ease_of_use,
        }
    }

    pub fn set(&mut self, indicator: Indicator, score: Option<Score>) {
        let slot = match indicator {
            Indicator::Efficiency => &mut self.efficiency,
            Indicator::GuideAccuracy => &mut self.guide_accuracy,
            Indicator::Convenience => &mut self.convenience,
            Indicator::EaseOfUse => &mut self.ease_of_use,
        };
        *slot = score;
    }
}

/// What a resident can tick beside the score. The negative ones name a cause, so that many
/// bad reviews with the same cause for one service show up as one common problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RatingTag {
    Fast,
    HelpfulStaff,
    ClearGuide,
    EasyOnline,
    Slow,
    MaterialsInaccurate,
    RepeatVisits,
    UnhelpfulStaff,
    HardToUse,
    UnclearResult,
}

/// The tags of one rating, as stored with it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(sea_orm::FromJsonQueryResult))]
pub struct RatingTags(pub Vec<RatingTag>);

impl RatingTag {
    pub const ALL: [RatingTag; 10] = [
        RatingTag::Fast,
        RatingTag::HelpfulStaff,
        RatingTag::ClearGuide,
        RatingTag::EasyOnline,
        RatingTag::Slow,
        RatingTag::MaterialsInaccurate,
        RatingTag::RepeatVisits,
        RatingTag::UnhelpfulStaff,
        RatingTag::HardToUse,
        RatingTag::UnclearResult,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RatingTag::Fast => "fast",
            RatingTag::HelpfulStaff => "helpful_staff",
            RatingTag::ClearGuide => "clear_guide",
            RatingTag::EasyOnline => "easy_online",
            RatingTag::Slow => "slow",
            RatingTag::MaterialsInaccurate => "materials_inaccurate",
            RatingTag::RepeatVisits => "repeat_visits",
            RatingTag::UnhelpfulStaff => "unhelpful_staff",
            RatingTag::HardToUse => "hard_to_use",
            RatingTag::UnclearResult => "unclear_result",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn is_negative(self) -> bool {
        matches!(
            self,
            RatingTag::Slow
                | RatingTag::MaterialsInaccurate
                | RatingTag::RepeatVisits
                | RatingTag::UnhelpfulStaff
                | RatingTag::HardToUse
                | RatingTag::UnclearResult
        )
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            RatingTag::Fast => td_string!(locale, ratings.tag_fast),
            RatingTag::HelpfulStaff => td_string!(locale, ratings.tag_helpful_staff),
            RatingTag::ClearGuide => td_string!(locale, ratings.tag_clear_guide),
            RatingTag::EasyOnline => td_string!(locale, ratings.tag_easy_online),
            RatingTag::Slow => td_string!(locale, ratings.tag_slow),
            RatingTag::MaterialsInaccurate => td_string!(locale, ratings.tag_materials_inaccurate),
            RatingTag::RepeatVisits => td_string!(locale, ratings.tag_repeat_visits),
            RatingTag::UnhelpfulStaff => td_string!(locale, ratings.tag_unhelpful_staff),
            RatingTag::HardToUse => td_string!(locale, ratings.tag_hard_to_use),
            RatingTag::UnclearResult => td_string!(locale, ratings.tag_unclear_result),
        }
    }
}

/// A rating as the resident sends it (form or JSON), before validation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RatingDraft {
    /// The department's task rated; may be left out when the application has one task.
    #[serde(default)]
    pub task_id: Option<TaskId>,
    /// 1 to 5 (overall satisfaction).
    pub score: Option<u8>,
    #[serde(default)]
    pub indicators: IndicatorScores,
    /// Tag codes (`RatingTag`).
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// A rating that passed validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidRating {
    pub score: Score,
    pub indicators: IndicatorScores,
    pub tags: Vec<RatingTag>,
    pub comment: Option<String>,
}

impl RatingDraft {
    /// Checks the score (required), tags (known, each once) and the comment's length.
    pub fn validate(&self) -> Result<ValidRating, AppError> {
        let mut errors = Vec::new();
        let score = match self.score {
            None => {
                errors.push(FieldError::new("score", Problem::Required));
                None
            }
            Some(value) => Score::new(value).or_else(|| {
                errors.push(FieldError::new(
                    "score",
                    Problem::OutOfRange { min: 1, max: 5 },
                ));
                None
            }),
        };
        let mut tags = Vec::new();
        for code in &self.tags {
            match RatingTag::parse(code) {
                Some(tag) if !tags.contains(&tag) => tags.push(tag),
                Some(_) => {}
                None => errors.push(FieldError::new("tags", Problem::NotAnOption)),
            }
        }
        let comment = self
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        if comment.as_deref().is_some_and(|c| too_long(c, MAX_COMMENT)) {
            errors.push(FieldError::new(
                "comment",
                Problem::TooLong { max: MAX_COMMENT },
            ));
        }
        match score {
            Some(score) if errors.is_empty() => Ok(ValidRating {
                score,
                indicators: self.indicators.clone(),
                tags,
                comment,
            }),
            _ => Err(AppError::invalid(errors)),
        }
    }
}

/// A rating as the resident who gave it sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RatingView {
    pub id: i64,
    pub score: Score,
    pub indicators: IndicatorScores,
    pub tags: Vec<RatingTag>,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The rectification a bad review opened.
    pub rectification: Option<super::rectification::RectificationForResident>,
}

/// Where one task of an application stands with its rating.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RatingState {
    /// The resident may rate until `closes_at`.
    Invited {
        closes_at: DateTime<Utc>,
    },
    Rated {
        rating: RatingView,
    },
    /// The window passed without a rating.
    Lapsed,
}

/// One rateable task on the application page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RatingPrompt {
    pub task_id: TaskId,
    pub department: LocalizedText,
    pub service: LocalizedText,
    #[serde(flatten)]
    pub state: RatingState,
}

/// The last moment a task decided at `decided_at` may be rated: the end (China time) of the
/// `window_days`-th working day after the decision.
pub fn rating_closes_at(
    calendar: &super::working_days::WorkingCalendar,
    decided_at: DateTime<Utc>,
    window_days: u32,
) -> DateTime<Utc> {
    let last: NaiveDate = super::deadline::due_on(
        calendar,
        super::deadline::china_date(decided_at),
        window_days,
        0,
    );
    super::deadline::end_of_china_day(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::working_days::{DayKind, WorkingCalendar};

    #[test]
    fn scores_are_one_to_five_and_one_or_two_is_a_bad_review() {
        assert!(Score::new(0).is_none());
        assert!(Score::new(6).is_none());
        assert!(Score::new(1).is_some_and(Score::is_bad));
        assert!(Score::new(2).is_some_and(Score::is_bad));
        assert!(Score::new(3).is_some_and(|s| !s.is_bad() && !s.is_satisfied()));
        assert!(Score::new(4).is_some_and(Score::is_satisfied));
        assert!(serde_json::from_str::<Score>("9").is_err());
        assert_eq!(serde_json::to_string(&Score(5)).ok().as_deref(), Some("5"));
    }

    #[test]
    fn a_draft_needs_a_score_and_known_tags() {
        let empty = RatingDraft::default().validate();
        assert!(empty.is_err_and(|e| e.errors.iter().any(|f| f.field == "score")));
        let bad = RatingDraft {
            score: Some(7),
            tags: vec!["slow".into(), "nonsense".into()],
            ..Default::default()
        }
        .validate();
        let errors = bad.err().map(|e| e.errors).unwrap_or_default();
        assert_eq!(errors.len(), 2, "{errors:?}");
        let good = RatingDraft {
            score: Some(2),
            tags: vec!["slow".into(), "slow".into(), "materials_inaccurate".into()],
            comment: Some("  ".into()),
            ..Default::default()
        }
        .validate();
        let good = good.ok();
        assert_eq!(
            good.as_ref().map(|g| g.tags.clone()),
            Some(vec![RatingTag::Slow, RatingTag::MaterialsInaccurate])
        );
        assert_eq!(good.and_then(|g| g.comment), None);
    }

    #[test]
    fn the_window_counts_working_days_from_the_decision() {
        // Friday 2026-05-29 (China time); the next five working days end Friday 2026-06-05.
        let calendar = WorkingCalendar::new(std::iter::empty::<(NaiveDate, DayKind)>());
        let decided = "2026-05-29T02:00:00Z".parse::<DateTime<Utc>>().ok();
        let closes = decided.map(|d| rating_closes_at(&calendar, d, 5));
        assert_eq!(
            closes.map(super::super::deadline::china_date),
            NaiveDate::from_ymd_opt(2026, 6, 5)
        );
    }
}
