//! The service catalogue (政务服务事项): departments, categories, life events, services and
//! bundles, as residents and API clients see them.

use super::text::LocalizedText;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use utoipa::{IntoParams, ToSchema};

/// How far a service can be done online (网上办理深度).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub enum OnlineLevel {
    /// 一级: guide and consultation online, everything else at the window.
    Guide,
    /// 二级: forms downloadable, appointment online.
    Appointment,
    /// 三级: applied for online, one visit to collect or show originals (最多跑一次).
    OneVisit,
    /// 四级: fully online, no visit (全程网办).
    FullyOnline,
}

impl OnlineLevel {
    pub const ALL: [OnlineLevel; 4] = [
        OnlineLevel::Guide,
        OnlineLevel::Appointment,
        OnlineLevel::OneVisit,
        OnlineLevel::FullyOnline,
    ];

    /// The level's number, 1 to 4, as stored and as the national standard counts it.
    pub fn level(self) -> i16 {
        match self {
            OnlineLevel::Guide => 1,
            OnlineLevel::Appointment => 2,
            OnlineLevel::OneVisit => 3,
            OnlineLevel::FullyOnline => 4,
        }
    }

    pub fn from_level(level: i16) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.level() == level)
    }

    /// Visits to an office the resident must still make at most.
    pub fn max_visits(self) -> u8 {
        match self {
            OnlineLevel::Guide | OnlineLevel::Appointment => 2,
            OnlineLevel::OneVisit => 1,
            OnlineLevel::FullyOnline => 0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct DepartmentRef {
    pub code: String,
    pub name: LocalizedText,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct Department {
    pub code: String,
    pub name: LocalizedText,
    pub hotline: Option<String>,
    pub address: Option<String>,
    /// Published services this department owns.
    pub service_count: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct Category {
    pub code: String,
    pub name: LocalizedText,
    /// Published services in this category.
    pub service_count: i64,
}

/// A life event (人生事件) that makes services relevant, e.g. a birth or retirement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct LifeEvent {
    pub code: String,
    pub name: LocalizedText,
    pub service_count: i64,
}

/// What a resident must hand in (申请材料).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct Material {
    pub name: LocalizedText,
    pub required: bool,
    /// Original, copy, or electronic (e.g. fetched from a licence database, 免提交).
    pub form: MaterialForm,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub enum MaterialForm {
    Original,
    Copy,
    Electronic,
    /// Already held by the government: the resident hands in nothing (免提交).
    Exempt,
}

/// One field of a service's application form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct FormField {
    /// Stable key of the answer in the application's form data.
    pub key: String,
    pub label: LocalizedText,
    pub kind: FieldKind,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<LocalizedText>,
    /// The profile fact this field is prefilled from ("fill once").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub enum FieldKind {
    Text,
    Number,
    Date,
    Choice,
    IdNumber,
    Phone,
    Address,
    File,
}

/// A service as listed in search results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ServiceSummary {
    /// The catalogue code (事项编码), stable across edits; used in URLs.
    pub code: String,
    pub name: LocalizedText,
    pub summary: LocalizedText,
    pub department: DepartmentRef,
    pub category_code: String,
    /// Promised time limit (承诺时限) in working days; 0 means done on the spot (即办).
    pub promised_days: i32,
    pub online_level: OnlineLevel,
    /// Fee in fen (分); 0 means free.
    pub fee_cents: i64,
}

/// Everything a resident needs to know before applying.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ServiceDetail {
    #[serde(flatten)]
    pub summary: ServiceSummary,
    pub category: Category,
    /// Who can apply (服务对象 / 申请条件).
    pub audience: LocalizedText,
    /// Legal time limit (法定时限) in working days.
    pub legal_days: i32,
    pub fee_note: Option<String>,
    pub materials: Vec<Material>,
    pub form_fields: Vec<FormField>,
    pub life_events: Vec<LifeEventRef>,
    pub bundles: Vec<BundleRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct LifeEventRef {
    pub code: String,
    pub name: LocalizedText,
}

/// A life-event package (一件事) that this service is part of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct BundleRef {
    pub code: String,
    pub name: LocalizedText,
}

/// A search over the published catalogue. Every filter is optional; codes name the
/// department, category or life event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(IntoParams))]
pub struct ServiceQuery {
    /// Words to find in the name or summary (Chinese substring match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub life_event: Option<String>,
    /// Page number, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

impl ServiceQuery {
    pub const PER_PAGE: u32 = 20;
    /// Longest search text accepted; longer input is refused rather than cut.
    pub const MAX_QUERY_CHARS: usize = 50;

    /// The query with empty strings treated as absent and the page defaulted.
    pub fn normalized(&self) -> ServiceQuery {
        fn clean(value: &Option<String>) -> Option<String> {
            value
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        }
        ServiceQuery {
            q: clean(&self.q),
            department: clean(&self.department),
            category: clean(&self.category),
            life_event: clean(&self.life_event),
            page: Some(self.page.unwrap_or(1).max(1)),
        }
    }

    pub fn page(&self) -> u32 {
        self.page.unwrap_or(1).max(1)
    }

    pub fn is_filtered(&self) -> bool {
        let n = self.normalized();
        n.q.is_some() || n.department.is_some() || n.category.is_some() || n.life_event.is_some()
    }
}

/// One page of search results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ServicePage {
    pub items: Vec<ServiceSummary>,
    /// Matches over all pages.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

impl ServicePage {
    pub fn page_count(&self) -> u32 {
        self.total.div_ceil(u64::from(self.per_page.max(1))) as u32
    }
}

/// What the home page and the search filters offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CatalogFacets {
    pub departments: Vec<Department>,
    pub categories: Vec<Category>,
    pub life_events: Vec<LifeEvent>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn online_levels_round_trip_and_limit_visits() {
        for level in OnlineLevel::ALL {
            assert_eq!(OnlineLevel::from_level(level.level()), Some(level));
        }
        assert_eq!(OnlineLevel::from_level(5), None);
        assert_eq!(OnlineLevel::FullyOnline.max_visits(), 0);
        assert_eq!(OnlineLevel::OneVisit.max_visits(), 1);
    }

    #[test]
    fn queries_normalize_blank_filters_and_pages() {
        let raw = ServiceQuery {
            q: Some("  ".into()),
            department: Some("mz".into()),
            category: Some(String::new()),
            life_event: None,
            page: Some(0),
        };
        let n = raw.normalized();
        assert_eq!(n.q, None);
        assert_eq!(n.department.as_deref(), Some("mz"));
        assert_eq!(n.category, None);
        assert_eq!(n.page, Some(1));
        assert!(raw.is_filtered());
        assert!(!ServiceQuery::default().is_filtered());
    }

    #[test]
    fn page_count_rounds_up() {
        let page = |total| ServicePage {
            items: vec![],
            total,
            page: 1,
            per_page: 20,
        };
        assert_eq!(page(0).page_count(), 0);
        assert_eq!(page(20).page_count(), 1);
        assert_eq!(page(21).page_count(), 2);
    }
}
