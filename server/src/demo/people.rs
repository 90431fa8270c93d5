//! Regions, staff accounts, households, residents and their tags.

use super::bulk::BulkInsert;
use super::catalog::CatalogIds;
use super::names;
use chrono::{Datelike, Days, NaiveDate, Utc};
use domain::id_number::{Gender, IdNumber};
use domain::region::{RegionKind, region_path};
use domain::staff::StaffRole;
use indicatif::ProgressBar;
use rand::{Rng, RngExt};
use sea_orm::{ConnectionTrait, DbErr, Value};
use std::collections::HashMap;

/// The day demo ages are counted to: birth dates are fixed, so people stay the same.
pub fn demo_anchor() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default()
}

pub struct Grid {
    pub id: i64,
    /// Six-digit district code, the start of ID numbers issued there.
    pub district_code: u32,
    pub address_prefix: String,
}

pub struct Regions {
    pub grids: Vec<Grid>,
}

/// A district: name, English name, code, and its streets with their communities.
type DistrictSeed = (
    &'static str,
    &'static str,
    u32,
    [(&'static str, [&'static str; 2]); 3],
);

/// 杭州市 → 2 districts → 3 streets each → 2 communities each → 2 grids each.
pub async fn insert_regions(db: &impl ConnectionTrait) -> Result<Regions, DbErr> {
    const DISTRICTS: [DistrictSeed; 2] = [
        (
            "西湖区",
            "Xihu District",
            330106,
            [
                ("北山街道", ["曙光社区", "宝石社区"]),
                ("西溪街道", ["文三社区", "求是社区"]),
                ("翠苑街道", ["翠苑一区社区", "学院路社区"]),
            ],
        ),
        (
            "拱墅区",
            "Gongshu District",
            330105,
            [
                ("米市巷街道", ["大关苑社区", "夹城巷社区"]),
                ("湖墅街道", ["卖鱼桥社区", "德胜社区"]),
                ("小河街道", ["小河社区", "和睦社区"]),
            ],
        ),
    ];
    let mut rows = BulkInsert::new(
        "region",
        &["id", "parent_id", "kind", "code", "name", "name_en", "path"],
    );
    let mut next_id = 1i64;
    let mut add = |parent: Option<(i64, &str)>,
                   kind: RegionKind,
                   code: String,
                   name: String,
                   name_en: Option<&str>| {
        let id = next_id;
        next_id += 1;
        let path = region_path(parent.map(|(_, p)| p), id);
        let row: Vec<Value> = vec![
            id.into(),
            parent.map(|(pid, _)| pid).into(),
            kind.as_str().into(),
            code.into(),
            name.into(),
            name_en.map(str::to_owned).into(),
            path.clone().into(),
        ];
        (id, path, row)
    };
    let mut grids = Vec::new();
    let (city_id, city_path, row) = add(
        None,
        RegionKind::City,
        "330100".into(),
        "杭州市".into(),
        Some("Hangzhou"),
    );
    rows.push(db, row).await?;
    for (district, district_en, district_code, streets) in DISTRICTS {
        let (district_id, district_path, row) = add(
            Some((city_id, &city_path)),
            RegionKind::District,
            district_code.to_string(),
            district.into(),
            Some(district_en),
        );
        rows.push(db, row).await?;
        for (s, (street, communities)) in streets.iter().enumerate() {
            let street_code = format!("{district_code}{:03}000", s + 1);
            let (street_id, street_path, row) = add(
                Some((district_id, &district_path)),
                RegionKind::Street,
                street_code,
                (*street).into(),
                None,
            );
            rows.push(db, row).await?;
            for (c, community) in communities.iter().enumerate() {
                let community_code = format!("{district_code}{:03}{:03}", s + 1, c + 1);
                let (community_id, community_path, row) = add(
                    Some((street_id, &street_path)),
                    RegionKind::Community,
                    community_code.clone(),
                    (*community).into(),
                    None,
                );
                rows.push(db, row).await?;
                for (g, grid) in ["第一网格", "第二网格"].iter().enumerate() {
                    let (grid_id, _, row) = add(
                        Some((community_id, &community_path)),
                        RegionKind::Grid,
                        format!("{community_code}-{:02}", g + 1),
                        format!("{community}{grid}"),
                        None,
                    );
                    rows.push(db, row).await?;
                    grids.push(Grid {
                        id: grid_id,
                        district_code,
                        address_prefix: format!("浙江省杭州市{district}{street}{community}"),
                    });
                }
            }
        }
    }
    rows.flush(db).await?;
    Ok(Regions { grids })
}

pub struct StaffIds {
    /// Per department id: (clerk, reviewer).
    pub handlers: HashMap<i64, (i64, i64)>,
}

/// An administrator, a supervisor, and a clerk, reviewer and head for every department.
/// Usernames: `admin`, `supervisor`, `<dept>_clerk`, `<dept>_reviewer`, `<dept>_head`.
pub async fn insert_staff(
    db: &impl ConnectionTrait,
    catalog: &CatalogIds,
    password_hash: &str,
) -> Result<StaffIds, DbErr> {
    let mut rows = BulkInsert::new(
        "staff",
        &[
            "id",
            "username",
            "name",
            "password_hash",
            "role",
            "department_id",
            "active",
        ],
    );
    let mut id = 0i64;
    let mut handlers = HashMap::new();
    let mut push_row = |username: String, role: StaffRole, department: Option<i64>| {
        id += 1;
        let row: Vec<Value> = vec![
            id.into(),
            username.into(),
            names::staff_name(id as usize).into(),
            password_hash.into(),
            role.as_str().into(),
            department.into(),
            true.into(),
        ];
        (id, row)
    };
    for (username, role) in [
        ("admin", StaffRole::Administrator),
        ("supervisor", StaffRole::Supervisor),
    ] {
        let (_, row) = push_row(username.into(), role, None);
        rows.push(db, row).await?;
    }
    for (department_id, code) in &catalog.departments {
        let (clerk, row) = push_row(
            format!("{code}_clerk"),
            StaffRole::Clerk,
            Some(*department_id),
        );
        rows.push(db, row).await?;
        let (reviewer, row) = push_row(
            format!("{code}_reviewer"),
            StaffRole::Reviewer,
            Some(*department_id),
        );
        rows.push(db, row).await?;
        let (_, row) = push_row(
            format!("{code}_head"),
            StaffRole::DepartmentHead,
            Some(*department_id),
        );
        rows.push(db, row).await?;
        handlers.insert(*department_id, (clerk, reviewer));
    }
    rows.flush(db).await?;
    Ok(StaffIds { handlers })
}

pub struct ResidentInfo {
    pub id: i64,
    pub age: u32,
    pub name: String,
    pub id_number: String,
    pub mobile: Option<String>,
    pub address: String,
}

const TAGS: &[(&str, &str, &str)] = &[
    ("elderly_alone", "独居老人", "Elderly, living alone"),
    ("disability", "残疾人", "Person with a disability"),
    ("new_resident", "新市民", "New resident"),
    (
        "low_income",
        "低保对象",
        "Minimum living allowance recipient",
    ),
    ("retired", "退休人员", "Retired"),
    ("veteran", "退役军人", "Veteran"),
];

/// One household's members: (age, gender, relation).
fn household_shape(rng: &mut impl Rng, first: bool) -> Vec<(u32, Gender, &'static str)> {
    use Gender::{Female, Male};
    let head_gender = if rng.random_bool(0.5) { Male } else { Female };
    let other = |g: Gender| if g == Male { Female } else { Male };
    let kind = if first { 2 } else { rng.random_range(0..100) };
    match kind {
        // an older person living alone
        0..=11 => vec![(rng.random_range(60..=95), head_gender, "head")],
        // an older couple
        12..=21 => {
            let age = rng.random_range(60..=90);
            vec![
                (age, head_gender, "head"),
                (
                    (age + rng.random_range(0..5)).min(95),
                    other(head_gender),
                    "spouse",
                ),
            ]
        }
        // a family with children, sometimes with a grandparent
        22..=61 => {
            let age = rng.random_range(26..=48);
            let mut members = vec![
                (age, head_gender, "head"),
                (
                    age + rng.random_range(0..4) - 1,
                    other(head_gender),
                    "spouse",
                ),
            ];
            let children = if first { 1 } else { rng.random_range(1..=2) };
            for _ in 0..children {
                let child_gender = if rng.random_bool(0.5) { Male } else { Female };
                members.push((
                    rng.random_range(0..=(age - 22).min(17)),
                    child_gender,
                    "child",
                ));
            }
            if first || rng.random_bool(0.3) {
                members.push((
                    (age + rng.random_range(24..32)).min(95),
                    if rng.random_bool(0.5) { Male } else { Female },
                    "parent",
                ));
            }
            members
        }
        // a couple without children
        62..=76 => {
            let age = rng.random_range(22..=59);
            vec![
                (age, head_gender, "head"),
                (
                    age + rng.random_range(0..4) - 1,
                    other(head_gender),
                    "spouse",
                ),
            ]
        }
        // a young adult living alone
        _ => vec![(rng.random_range(18..=40), head_gender, "head")],
    }
}

fn birth_date(rng: &mut impl Rng, age: u32) -> NaiveDate {
    let anchor = demo_anchor();
    let year = anchor.year() - age as i32 - 1;
    let start = NaiveDate::from_ymd_opt(year, anchor.month(), anchor.day()).unwrap_or(anchor);
    // a day in the year after `start`, so the person is `age` on the anchor day
    start + Days::new(rng.random_range(1..=364))
}

pub async fn insert_residents(
    db: &impl ConnectionTrait,
    rng: &mut impl Rng,
    regions: &Regions,
    count: u32,
    password_hash: &str,
    progress: &ProgressBar,
) -> Result<Vec<ResidentInfo>, DbErr> {
    let mut tags = BulkInsert::new("tag", &["id", "code", "name", "name_en"]);
    for (i, (code, name, name_en)) in TAGS.iter().enumerate() {
        tags.push(
            db,
            vec![
                (i as i64 + 1).into(),
                (*code).into(),
                (*name).into(),
                (*name_en).into(),
            ],
        )
        .await?;
    }
    tags.flush(db).await?;
    let tag_id = |code: &str| {
        TAGS.iter()
            .position(|(c, _, _)| *c == code)
            .map_or(0, |i| i as i64 + 1)
    };

    let mut households =
        BulkInsert::new("household", &["id", "region_id", "address", "created_at"]);
    let mut residents = BulkInsert::new(
        "resident",
        &[
            "id",
            "id_number",
            "name",
            "gender",
            "birth_date",
            "mobile",
            "password_hash",
            "household_id",
            "household_relation",
            "region_id",
            "address",
            "moved_in_on",
            "language",
            "elderly_mode",
            "notify_consent",
            "created_at",
            "updated_at",
        ],
    );
    let mut resident_tags = BulkInsert::new("resident_tag", &["resident_id", "tag_id", "reason"]);
    let mut sequences: HashMap<(u32, NaiveDate, bool), u16> = HashMap::new();
    let mut infos = Vec::with_capacity(count as usize);
    let now = Utc::now();
    let anchor = demo_anchor();
    let mut household_id = 0i64;

    while (infos.len() as u32) < count {
        household_id += 1;
        let grid = &regions.grids[rng.random_range(0..regions.grids.len())];
        let address = format!(
            "{}{}幢{}单元{}室",
            grid.address_prefix,
            rng.random_range(1..=30),
            rng.random_range(1..=4),
            rng.random_range(101..=1802)
        );
        households
            .push(
                db,
                vec![
                    household_id.into(),
                    grid.id.into(),
                    address.clone().into(),
                    now.into(),
                ],
            )
            .await?;
        let years_here = if rng.random_bool(0.12) {
            0
        } else {
            rng.random_range(1..=30)
        };
        let moved_in = anchor - Days::new(years_here * 365 + rng.random_range(0..365));
        let family_name = names::surname(rng);
        let members = household_shape(rng, household_id == 1);
        let lives_alone = members.len() == 1;
        for (age, gender, relation) in members {
            if infos.len() as u32 >= count {
                break;
            }
            let id = infos.len() as i64 + 1;
            let male = gender == Gender::Male;
            let born = birth_date(rng, age);
            // Sequence numbers are odd for men and even for women, unique per district and day.
            let next = sequences
                .entry((grid.district_code, born, male))
                .or_insert(0);
            let sequence = *next * 2 + u16::from(male);
            *next += 1;
            let id_number = IdNumber::compose(grid.district_code, born, sequence);
            let surname = if relation == "spouse" || (relation == "parent" && rng.random_bool(0.5))
            {
                names::surname(rng)
            } else {
                family_name
            };
            let name = names::full_name(rng, surname, male);
            let adult = age >= 18;
            let mobile = adult.then(|| format!("{}", 13_800_000_000u64 + id as u64));
            let has_account = adult && (id <= 200 || rng.random_bool(0.6));
            let name_for_info = name.clone();
            let mobile_for_info = mobile.clone();
            if residents.is_almost_full() {
                households.flush(db).await?;
            }
            residents
                .push(
                    db,
                    vec![
                        id.into(),
                        id_number.as_str().into(),
                        name.into(),
                        gender.as_str().into(),
                        born.into(),
                        mobile.into(),
                        has_account.then(|| password_hash.to_owned()).into(),
                        household_id.into(),
                        relation.into(),
                        grid.id.into(),
                        address.clone().into(),
                        moved_in.into(),
                        "zh-CN".into(),
                        (age >= 70 && rng.random_bool(0.3)).into(),
                        rng.random_bool(0.9).into(),
                        now.into(),
                        now.into(),
                    ],
                )
                .await?;
            if resident_tags.is_almost_full() {
                households.flush(db).await?;
                residents.flush(db).await?;
            }
            let tag = |code: &str, reason: &str| -> Vec<Value> {
                vec![id.into(), tag_id(code).into(), reason.into()]
            };
            if age >= 60 && lives_alone {
                resident_tags
                    .push(db, tag("elderly_alone", "社区网格员走访登记"))
                    .await?;
            }
            if rng.random_bool(0.03) {
                resident_tags
                    .push(db, tag("disability", "残联数据共享"))
                    .await?;
            }
            if years_here == 0 {
                resident_tags
                    .push(db, tag("new_resident", "公安迁入登记"))
                    .await?;
            }
            if rng.random_bool(0.02) {
                resident_tags
                    .push(db, tag("low_income", "民政低保名单"))
                    .await?;
            }
            if age >= 60 {
                resident_tags
                    .push(db, tag("retired", "人社退休名单"))
                    .await?;
            }
            if adult && male && rng.random_bool(0.02) {
                resident_tags
                    .push(db, tag("veteran", "退役军人事务局名单"))
                    .await?;
            }
            infos.push(ResidentInfo {
                id,
                age,
                name: name_for_info,
                id_number: id_number.as_str().to_owned(),
                mobile: mobile_for_info,
                address: address.clone(),
            });
            progress.inc(1);
        }
    }
    households.flush(db).await?;
    residents.flush(db).await?;
    resident_tags.flush(db).await?;
    Ok(infos)
}
