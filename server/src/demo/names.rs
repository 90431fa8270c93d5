//! Chinese names for demo people, drawn from common surnames and given-name characters.

use rand::{Rng, RngExt};

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜", "叶", "程", "魏", "苏", "吕", "丁",
    "沈", "任", "姚", "卢", "傅", "钟", "姜", "崔", "谭", "陆", "范", "汪",
];
const MALE: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞",
    "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "峰", "建国", "志强", "国华", "文博", "子轩",
    "浩然", "宇航", "建华", "德明", "永康",
];
const FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "琳", "洁", "颖", "倩",
    "慧", "晶", "欣", "萍", "秀英", "桂英", "玉兰", "淑珍", "美玲", "雨萱", "梓涵", "诗琪", "欣怡",
    "佳怡", "若曦", "思琪", "紫萱", "晓燕", "丽华",
];

pub fn surname(rng: &mut impl Rng) -> &'static str {
    SURNAMES[rng.random_range(0..SURNAMES.len())]
}

pub fn given_name(rng: &mut impl Rng, male: bool) -> &'static str {
    let pool = if male { MALE } else { FEMALE };
    pool[rng.random_range(0..pool.len())]
}

/// A full name: surname then given name.
pub fn full_name(rng: &mut impl Rng, surname: &str, male: bool) -> String {
    format!("{surname}{}", given_name(rng, male))
}

/// Fixed names for staff accounts, so the demo logins always belong to the same people.
pub fn staff_name(index: usize) -> String {
    let surname = SURNAMES[(index * 7 + 3) % SURNAMES.len()];
    let given = if index.is_multiple_of(2) {
        MALE[(index * 5) % MALE.len()]
    } else {
        FEMALE[(index * 5) % FEMALE.len()]
    };
    format!("{surname}{given}")
}
