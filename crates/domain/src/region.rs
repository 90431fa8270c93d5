//! Administrative regions (行政区划 / 网格): city → district → street → community → grid.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::DeriveValueType),
    sea_orm(
        value_type = "String",
        from_str = "crate::stored::from_text",
        to_str = "crate::stored::to_text"
    )
)]
pub enum RegionKind {
    City,
    District,
    Street,
    Community,
    Grid,
}

impl RegionKind {
    pub const ALL: [RegionKind; 5] = [
        RegionKind::City,
        RegionKind::District,
        RegionKind::Street,
        RegionKind::Community,
        RegionKind::Grid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RegionKind::City => "city",
            RegionKind::District => "district",
            RegionKind::Street => "street",
            RegionKind::Community => "community",
            RegionKind::Grid => "grid",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind one level below, `None` for a grid (the finest level).
    pub fn child(self) -> Option<Self> {
        match self {
            RegionKind::City => Some(RegionKind::District),
            RegionKind::District => Some(RegionKind::Street),
            RegionKind::Street => Some(RegionKind::Community),
            RegionKind::Community => Some(RegionKind::Grid),
            RegionKind::Grid => None,
        }
    }
}

/// The materialized path of a region: the ids from the root down to it, as `/1/4/17/`.
///
/// Every region below a given one has a path that starts with that region's path, so "any
/// level, including every grid below it" is one indexed prefix match.
pub fn region_path(parent_path: Option<&str>, id: i64) -> String {
    format!("{}{id}/", parent_path.unwrap_or("/"))
}

crate::stored::stored_as_words!(RegionKind);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_nest() {
        for kind in RegionKind::ALL {
            assert_eq!(RegionKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(RegionKind::parse("province"), None);
        assert_eq!(RegionKind::District.child(), Some(RegionKind::Street));
        assert_eq!(RegionKind::Grid.child(), None);
    }

    #[test]
    fn paths_nest_by_prefix() {
        let district = region_path(None, 2);
        let grid = region_path(Some(&district), 17);
        assert_eq!(district, "/2/");
        assert_eq!(grid, "/2/17/");
        assert!(grid.starts_with(&district));
        assert!(!region_path(None, 21).starts_with(&district));
    }
}
