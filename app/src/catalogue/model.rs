//! The service guide as data, and the rules a guide must satisfy. Plain types, tested
//! without a database; the JSON form is what is stored and versioned.

use crate::message::Msg;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    pub version: u32,
    pub updated: String,
    pub categories: Vec<Category>,
}

impl Catalogue {
    /// The codes of the items a centre may offer in extended hours (the bookable ones),
    /// in catalogue order.
    pub fn extended_hours_codes(&self) -> Vec<String> {
        self.categories
            .iter()
            .flat_map(|c| &c.items)
            .filter(|i| i.extended_hours)
            .map(|i| i.code.clone())
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub summary: String,
    #[serde(default)]
    pub items: Vec<Item>,
}

/// A name in the reader's language: the English one when English is chosen and the guide
/// has one, else the Chinese (the published name).
pub fn localized(zh: &str, en: &str) -> String {
    if crate::i18n::current_locale() == crate::prefs::Locale::En && !en.trim().is_empty() {
        en.to_string()
    } else {
        zh.to_string()
    }
}

impl Category {
    /// The category's name in the reader's language.
    pub fn title(&self) -> String {
        localized(&self.name, &self.name_en)
    }
}

impl Item {
    /// The item's name in the reader's language.
    pub fn title(&self) -> String {
        localized(&self.name, &self.name_en)
    }
}

/// One service item's guide (办事指南), with the standard fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub code: String,
    pub name: String,
    pub name_en: String,
    /// Colloquial names residents type (低保, 养老金认证 …).
    pub aliases: Vec<String>,
    pub item_type: String,
    pub legal_basis: Vec<String>,
    pub implementing_body: String,
    pub serves: String,
    /// 受理条件, split by case.
    pub conditions: Vec<Condition>,
    pub materials: Vec<Material>,
    pub steps: Vec<Step>,
    /// 法定办结时限 (working days).
    pub legal_limit_days: u32,
    /// 承诺办结时限 (working days; 0 = on the spot).
    pub promised_limit_days: u32,
    pub fee: Fee,
    pub result: Outcome,
    pub place: String,
    pub hours: String,
    pub consult_phone: String,
    pub complaint_phone: String,
    /// 跑动次数.
    pub visits: u32,
    pub online: bool,
    pub self_service_terminal: bool,
    pub extended_hours: bool,
    pub faq: Vec<Faq>,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub case: String,
    pub items: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Material {
    pub name: String,
    pub originals: u32,
    pub copies: u32,
    pub format: String,
    pub note: String,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub name: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    pub charged: bool,
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub name: String,
    pub delivery: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faq {
    pub q: String,
    pub a: String,
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

impl Item {
    /// Every rule a published guide must meet; each problem in the reader's language, naming
    /// the field.
    pub fn problems(&self) -> Vec<Msg> {
        let mut p = Vec::new();
        // Each rule names its message's key; the message is in the reader's language.
        let mut need = |ok: bool, key: &str| {
            if !ok {
                p.push(Msg::new(key));
            }
        };
        need(is_item_code(&self.code), "guide.item_code_format");
        need(
            !blank(&self.name) && self.name.chars().count() <= 40,
            "guide.name_required",
        );
        need(!blank(&self.name_en), "guide.english_name_required");
        need(
            !self.aliases.is_empty() && self.aliases.iter().all(|a| !blank(a)),
            "guide.common_name_required",
        );
        need(!blank(&self.item_type), "guide.type_required");
        need(
            !self.legal_basis.is_empty() && self.legal_basis.iter().all(|a| !blank(a)),
            "guide.basis_required",
        );
        need(!blank(&self.implementing_body), "guide.body_required");
        need(!blank(&self.serves), "guide.serves_required");
        need(!self.conditions.is_empty(), "guide.conditions_required");
        for c in &self.conditions {
            need(
                !blank(&c.case) && !c.items.is_empty() && c.items.iter().all(|i| !blank(i)),
                "guide.case_incomplete",
            );
            let catch_all = |s: &str| s.contains("其他条件") || s.contains("规定的其他");
            need(
                !catch_all(&c.case) && !c.items.iter().any(|i| catch_all(i)),
                "guide.catch_all_condition",
            );
        }
        need(!self.materials.is_empty(), "guide.materials_required");
        for m in &self.materials {
            need(!blank(&m.name), "guide.material_name_required");
            need(m.originals + m.copies > 0, "guide.material_count");
        }
        need(
            self.steps.len() >= 2
                && self
                    .steps
                    .iter()
                    .all(|s| !blank(&s.name) && !blank(&s.detail)),
            "guide.steps_required",
        );
        need(
            self.legal_limit_days > 0 || self.promised_limit_days == 0,
            "guide.legal_limit_positive",
        );
        need(
            self.promised_limit_days <= self.legal_limit_days,
            "guide.promise_exceeds_legal",
        );
        need(!blank(&self.fee.basis), "guide.fee_required");
        need(
            !blank(&self.result.name) && !blank(&self.result.delivery),
            "guide.result_required",
        );
        need(
            !blank(&self.place) && !blank(&self.hours),
            "guide.where_required",
        );
        need(
            !blank(&self.consult_phone) && !blank(&self.complaint_phone),
            "guide.phones_required",
        );
        need(self.visits <= 5, "guide.too_many_visits");
        need(
            !self.faq.is_empty() && self.faq.iter().all(|f| !blank(&f.q) && !blank(&f.a)),
            "guide.faq_required",
        );
        need(!blank(&self.notes), "guide.notes_required");
        p
    }

    pub fn category_code(&self) -> &str {
        self.code.split('-').next().unwrap_or("")
    }

    /// What to bring, in the guide's order: required first, then "if applicable".
    pub fn checklist(&self) -> Vec<&Material> {
        let mut v: Vec<&Material> = self.materials.iter().filter(|m| m.required).collect();
        v.extend(self.materials.iter().filter(|m| !m.required));
        v
    }
}

pub fn is_item_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && b[0].is_ascii_uppercase()
        && b[1].is_ascii_uppercase()
        && b[2] == b'-'
        && b[3].is_ascii_digit()
        && b[4].is_ascii_digit()
}

/// One item as lists and search results show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemSummary {
    pub code: String,
    pub name: String,
    pub category: String,
    pub extended_hours: bool,
    pub online: bool,
    pub visits: u32,
    pub promised_limit_days: u32,
}

impl ItemSummary {
    pub fn of(item: &Item, category: &str) -> Self {
        ItemSummary {
            code: item.code.clone(),
            name: item.title(),
            category: category.to_string(),
            extended_hours: item.extended_hours,
            online: item.online,
            visits: item.visits,
            promised_limit_days: item.promised_limit_days,
        }
    }
}

/// The catalogue shipped with the product (the city's published list).
pub const SEED_JSON: &str = include_str!("../../data/catalogue.json");

/// A proposed guide change as the admins' page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposalView {
    pub id: i64,
    pub code: String,
    pub base: i64,
    pub note: String,
    pub proposer: String,
    pub date: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn seed() -> Catalogue {
        serde_json::from_str(SEED_JSON).unwrap()
    }

    #[test]
    fn seven_categories_and_forty_two_items() {
        let c = seed();
        let names: Vec<&str> = c.categories.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "民政优抚",
                "劳动保障",
                "医疗保障",
                "卫生健康",
                "残疾人服务",
                "住房与社区事务",
                "党群与综合服务"
            ]
        );
        let items: Vec<&Item> = c.categories.iter().flat_map(|c| &c.items).collect();
        assert_eq!(items.len(), 42);
        let codes: HashSet<&str> = items.iter().map(|i| i.code.as_str()).collect();
        let names: HashSet<&str> = items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!((codes.len(), names.len()), (42, 42));
        for want in [
            "最低生活保障申请",
            "高龄津贴申领",
            "城乡居民养老保险参保登记",
            "失业登记",
            "残疾人证申领",
            "居住证申领",
            "党员组织关系转接",
        ] {
            assert!(names.contains(want), "{want}");
        }
    }

    #[test]
    fn every_item_has_every_required_field() {
        for cat in seed().categories {
            for item in &cat.items {
                assert_eq!(
                    item.problems(),
                    Vec::<Msg>::new(),
                    "{} {}",
                    item.code,
                    item.name
                );
                assert_eq!(item.category_code(), cat.code);
            }
        }
    }

    #[test]
    fn broken_guides_are_refused_with_the_field_named() {
        let mut item = seed().categories[0].items[0].clone();
        item.promised_limit_days = item.legal_limit_days + 1;
        item.conditions[0]
            .items
            .push("法律法规规定的其他条件".into());
        item.materials[0].originals = 0;
        item.materials[0].copies = 0;
        let p = item
            .problems()
            .iter()
            .map(Msg::zh)
            .collect::<Vec<_>>()
            .join("；");
        assert!(
            p.contains("承诺时限") && p.contains("兜底") && p.contains("份数"),
            "{p}"
        );
    }

    #[test]
    fn the_checklist_puts_required_materials_first() {
        let item = &seed().categories[0].items[0];
        let list = item.checklist();
        assert_eq!(list.len(), item.materials.len());
        let first_optional = list.iter().position(|m| !m.required).unwrap_or(list.len());
        assert!(list[first_optional..].iter().all(|m| !m.required));
    }

    #[test]
    fn item_codes_have_their_shape() {
        assert!(is_item_code("MZ-01"));
        assert!(!is_item_code("mz-01") && !is_item_code("MZ01") && !is_item_code("MZ-1"));
    }
}
