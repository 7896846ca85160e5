//! The guides in English: reviewed text shipped beside the Chinese catalogue
//! (`app/data/catalogue_en.json`), one entry per item with the same lists in the same
//! order, and the category descriptions.
//!
//! Why tied to the Chinese text it was written from: a guide is a promise (what to bring,
//! how long it takes). An English text is shown only while the guide's published Chinese
//! version is the one it translates (the shipped one); once staff publish a new Chinese
//! version, English readers get that Chinese text under English headings, marked as
//! such, until the translation is brought up to date — never an English text that says
//! something the window no longer does.

use crate::catalogue::model::{Condition, Faq, Item, Step};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The shipped English text.
pub const EN_JSON: &str = include_str!("../../data/catalogue_en.json");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnglishFile {
    pub version: u32,
    /// The `updated` date of the Chinese catalogue it translates.
    pub source_updated: String,
    pub categories: HashMap<String, CategoryEn>,
    pub items: HashMap<String, ItemEn>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryEn {
    pub summary: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialEn {
    pub name: String,
    pub format: String,
    pub note: String,
}

/// One guide's texts in English; the numbers and flags stay the Chinese guide's.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemEn {
    pub item_type: String,
    pub legal_basis: Vec<String>,
    pub implementing_body: String,
    pub serves: String,
    pub conditions: Vec<Condition>,
    pub materials: Vec<MaterialEn>,
    pub steps: Vec<Step>,
    pub fee_basis: String,
    pub result_name: String,
    pub result_delivery: String,
    pub place: String,
    pub hours: String,
    pub faq: Vec<Faq>,
    pub notes: String,
}

/// The shipped English, read once per process (an empty set if it did not parse: a unit
/// test keeps it parsing).
pub fn shipped() -> &'static EnglishFile {
    static FILE: LazyLock<EnglishFile> = LazyLock::new(|| {
        serde_json::from_str(EN_JSON).unwrap_or(EnglishFile {
            version: 0,
            source_updated: String::new(),
            categories: HashMap::new(),
            items: HashMap::new(),
        })
    });
    &FILE
}

/// The shipped Chinese guides by code: the versions the English translates.
fn shipped_chinese() -> &'static HashMap<String, Item> {
    static ITEMS: LazyLock<HashMap<String, Item>> = LazyLock::new(|| {
        serde_json::from_str::<crate::catalogue::model::Catalogue>(
            crate::catalogue::model::SEED_JSON,
        )
        .map(|c| {
            c.categories
                .into_iter()
                .flat_map(|c| c.items)
                .map(|i| (i.code.clone(), i))
                .collect()
        })
        .unwrap_or_default()
    });
    &ITEMS
}

/// The guide in English, when its English text translates exactly this Chinese guide
/// (see the module); `None` otherwise.
pub fn english_guide(item: &Item) -> Option<Item> {
    if shipped_chinese().get(&item.code) != Some(item) {
        return None;
    }
    english_of(item, shipped().items.get(&item.code)?)
}

/// `item` with its texts replaced by `en`'s; `None` when the lists differ in length
/// (a translation of another version).
pub fn english_of(item: &Item, en: &ItemEn) -> Option<Item> {
    let same = item.legal_basis.len() == en.legal_basis.len()
        && item.conditions.len() == en.conditions.len()
        && item
            .conditions
            .iter()
            .zip(&en.conditions)
            .all(|(a, b)| a.items.len() == b.items.len())
        && item.materials.len() == en.materials.len()
        && item.steps.len() == en.steps.len()
        && item.faq.len() == en.faq.len();
    if !same {
        return None;
    }
    let mut out = item.clone();
    out.item_type = en.item_type.clone();
    out.legal_basis = en.legal_basis.clone();
    out.implementing_body = en.implementing_body.clone();
    out.serves = en.serves.clone();
    out.conditions = en.conditions.clone();
    for (m, e) in out.materials.iter_mut().zip(&en.materials) {
        m.name = e.name.clone();
        m.format = e.format.clone();
        m.note = e.note.clone();
    }
    out.steps = en.steps.clone();
    out.fee.basis = en.fee_basis.clone();
    out.result.name = en.result_name.clone();
    out.result.delivery = en.result_delivery.clone();
    out.place = en.place.clone();
    out.hours = en.hours.clone();
    out.faq = en.faq.clone();
    out.notes = en.notes.clone();
    Some(out)
}

/// A category's description in English, if shipped.
pub fn category_summary(code: &str) -> Option<&'static str> {
    shipped().categories.get(code).map(|c| c.summary.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cjk_outside_brackets(s: &str) -> bool {
        // Chinese proper names stand inside an English sentence, beside their meaning;
        // a field that is Chinese only has no ASCII letters at all.
        !s.is_empty() && !s.chars().any(|c| c.is_ascii_alphabetic())
    }

    #[test]
    fn every_shipped_guide_has_its_english_text() {
        let file: EnglishFile = serde_json::from_str(EN_JSON).expect("catalogue_en.json parses");
        let chinese = shipped_chinese();
        assert_eq!(chinese.len(), 42);
        for (code, item) in chinese {
            let en = file
                .items
                .get(code)
                .unwrap_or_else(|| panic!("{code} has no English"));
            let e = english_of(item, en).unwrap_or_else(|| panic!("{code}: lists differ"));
            for text in [
                &e.item_type,
                &e.implementing_body,
                &e.serves,
                &e.place,
                &e.hours,
            ]
            .into_iter()
            .chain(e.steps.iter().flat_map(|s| [&s.name, &s.detail]))
            .chain(e.faq.iter().flat_map(|f| [&f.q, &f.a]))
            .chain(e.materials.iter().map(|m| &m.name))
            .chain(e.conditions.iter().flat_map(|c| c.items.iter()))
            {
                assert!(!has_cjk_outside_brackets(text), "{code}: {text}");
            }
            assert_eq!(english_guide(item).as_ref(), Some(&e));
        }
        let categories: Catalogue =
            serde_json::from_str(crate::catalogue::model::SEED_JSON).unwrap();
        for c in categories.categories {
            assert!(
                category_summary(&c.code).is_some_and(|s| !s.is_empty()),
                "{}",
                c.code
            );
        }
    }

    use crate::catalogue::model::Catalogue;

    #[test]
    fn a_changed_chinese_guide_loses_its_english_until_translated_again() {
        let mut item = shipped_chinese()
            .get("MZ-01")
            .cloned()
            .expect("MZ-01 ships");
        assert!(english_guide(&item).is_some());
        item.steps[0].detail.push_str("（新增说明）");
        assert!(english_guide(&item).is_none());
        item.steps.pop();
        let en = shipped().items.get("MZ-01").unwrap();
        assert!(english_of(&item, en).is_none(), "a list of another length");
    }
}
