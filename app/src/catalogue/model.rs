//! The service guide as data, and the rules a guide must satisfy. Plain types, tested
//! without a database; the JSON form is what is stored and versioned.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    pub version: u32,
    pub updated: String,
    pub categories: Vec<Category>,
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
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        // Each rule names its message's key; the message is in the reader's language.
        let mut need = |ok: bool, key: &str| {
            if !ok {
                p.push(crate::i18n::tr(key));
            }
        };
        need(is_item_code(&self.code), "msg.catalogue.item_code");
        need(
            !blank(&self.name) && self.name.chars().count() <= 40,
            "msg.guide.g1",
        );
        need(!blank(&self.name_en), "msg.guide.g2");
        need(
            !self.aliases.is_empty() && self.aliases.iter().all(|a| !blank(a)),
            "msg.guide.g3",
        );
        need(!blank(&self.item_type), "msg.guide.g4");
        need(
            !self.legal_basis.is_empty() && self.legal_basis.iter().all(|a| !blank(a)),
            "msg.guide.g5",
        );
        need(!blank(&self.implementing_body), "msg.guide.g6");
        need(!blank(&self.serves), "msg.guide.g7");
        need(!self.conditions.is_empty(), "msg.guide.g8");
        for c in &self.conditions {
            need(
                !blank(&c.case) && !c.items.is_empty() && c.items.iter().all(|i| !blank(i)),
                "msg.guide.g9",
            );
            let catch_all = |s: &str| s.contains("其他条件") || s.contains("规定的其他");
            need(
                !catch_all(&c.case) && !c.items.iter().any(|i| catch_all(i)),
                "msg.guide.g10",
            );
        }
        need(!self.materials.is_empty(), "msg.guide.g11");
        for m in &self.materials {
            need(!blank(&m.name), "msg.guide.g12");
            need(m.originals + m.copies > 0, "msg.guide.g13");
        }
        need(
            self.steps.len() >= 2
                && self
                    .steps
                    .iter()
                    .all(|s| !blank(&s.name) && !blank(&s.detail)),
            "msg.guide.g14",
        );
        need(
            self.legal_limit_days > 0 || self.promised_limit_days == 0,
            "msg.guide.g15",
        );
        need(
            self.promised_limit_days <= self.legal_limit_days,
            "msg.guide.g16",
        );
        need(!blank(&self.fee.basis), "msg.guide.g17");
        need(
            !blank(&self.result.name) && !blank(&self.result.delivery),
            "msg.guide.g18",
        );
        need(!blank(&self.place) && !blank(&self.hours), "msg.guide.g19");
        need(
            !blank(&self.consult_phone) && !blank(&self.complaint_phone),
            "msg.guide.g20",
        );
        need(self.visits <= 5, "msg.guide.g21");
        need(
            !self.faq.is_empty() && self.faq.iter().all(|f| !blank(&f.q) && !blank(&f.a)),
            "msg.guide.g22",
        );
        need(!blank(&self.notes), "msg.guide.g23");
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
                    Vec::<String>::new(),
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
        let p = item.problems().join("；");
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
