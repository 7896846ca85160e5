//! Search that works for Chinese: substring on names and colloquial names, full pinyin
//! and pinyin initials (the `pinyin` crate supplies the readings), then the guide's own
//! text. `dibao` and `dbsq` find 最低生活保障申请 through its colloquial names 低保 and
//! 低保申请; 养老金认证 and 残疾证 find their items directly.

use crate::catalogue::model::Item;
use pinyin::ToPinyin;

/// The readings of one name.
#[derive(Debug, Clone)]
struct Name {
    text: String,
    full: String,
    initials: String,
    /// Primary names outrank colloquial ones at the same level of match.
    primary: bool,
}

fn readings(s: &str) -> (String, String) {
    let (mut full, mut initials) = (String::new(), String::new());
    for (c, p) in s.chars().zip(s.to_pinyin()) {
        match p {
            Some(p) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            None if c.is_ascii_alphanumeric() => {
                full.push(c.to_ascii_lowercase());
                initials.push(c.to_ascii_lowercase());
            }
            None => {}
        }
    }
    (full, initials)
}

fn normalize(q: &str) -> String {
    q.chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '·' | '，' | ',' | '、' | '-' | '—' | '（' | '）' | '(' | ')'
                )
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// One item prepared for search.
#[derive(Debug, Clone)]
pub struct Entry {
    pub code: String,
    names: Vec<Name>,
    name_en: String,
    text: String,
    /// The English name's words, and the English guide's (lower case, each once).
    en_name_words: Vec<String>,
    en_text_words: Vec<String>,
}

/// The words of an English text, lower case, each once (`hukou`, `residence`, `id`).
fn english_words(texts: &[&str]) -> Vec<String> {
    let mut w: Vec<String> = texts
        .iter()
        .flat_map(|t| t.split(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect();
    w.sort_unstable();
    w.dedup();
    w
}

/// Whether every query word begins a word of `words` (its parts match: `resid` finds
/// "residence").
fn all_words_begin(q: &[String], words: &[String]) -> bool {
    !q.is_empty()
        && q.iter().all(|qw| {
            let at = words.partition_point(|w| w.as_str() < qw.as_str());
            words.get(at).is_some_and(|w| w.starts_with(qw.as_str()))
        })
}

impl Entry {
    /// `english`: the guide in English when it has one (its words are searched too).
    pub fn new(item: &Item, english: Option<&Item>) -> Self {
        let name = |s: &str, primary| {
            let (full, initials) = readings(s);
            Name {
                text: normalize(s),
                full,
                initials,
                primary,
            }
        };
        let mut names = vec![name(&item.name, true)];
        names.extend(item.aliases.iter().map(|a| name(a, false)));
        let mut text = String::new();
        for c in &item.conditions {
            text.push_str(&c.case);
            c.items.iter().for_each(|i| text.push_str(i));
        }
        item.materials.iter().for_each(|m| text.push_str(&m.name));
        item.faq.iter().for_each(|f| text.push_str(&f.q));
        text.push_str(&item.result.name);
        let mut en: Vec<&str> = Vec::new();
        if let Some(e) = english {
            en.push(&e.result.name);
            en.extend(e.materials.iter().map(|m| m.name.as_str()));
            en.extend(e.faq.iter().map(|f| f.q.as_str()));
            en.extend(e.steps.iter().map(|s| s.detail.as_str()));
            for c in &e.conditions {
                en.push(&c.case);
                en.extend(c.items.iter().map(|i| i.as_str()));
            }
        }
        Entry {
            code: item.code.clone(),
            names,
            name_en: item.name_en.to_lowercase(),
            text: normalize(&text),
            en_name_words: english_words(&[&item.name_en]),
            en_text_words: english_words(&en),
        }
    }

    /// How well the item answers an English query of words (`residence permit`).
    fn english_score(&self, raw: &str) -> u32 {
        let q = english_words(&[raw]);
        // Words of one or two letters only as parts of a longer query ("id card").
        if q.is_empty() || (q.len() == 1 && q[0].len() < 3) {
            return 0;
        }
        let phrase = raw.trim().to_ascii_lowercase();
        if all_words_begin(&q, &self.en_name_words) {
            if self.name_en.starts_with(&phrase) {
                780
            } else if self.name_en.contains(&phrase) {
                750
            } else {
                700
            }
        } else if all_words_begin(&q, &self.en_text_words) {
            150
        } else {
            0
        }
    }

    /// How well the item answers the query; 0 means not at all.
    pub fn score(&self, q: &str) -> u32 {
        let raw = q;
        let q = normalize(q);
        if q.is_empty() {
            return 0;
        }
        let ascii = q.chars().all(|c| c.is_ascii_alphanumeric());
        let mut best = 0;
        for n in &self.names {
            let bonus = if n.primary { 50 } else { 0 };
            let s = if n.text == q {
                1000
            } else if n.text.starts_with(&q) {
                800
            } else if n.text.contains(&q) {
                600
            } else if ascii && q.len() >= 2 && n.full == q {
                560
            } else if ascii && q.len() >= 2 && n.initials == q {
                540
            } else if ascii && q.len() >= 2 && n.full.starts_with(&q) {
                500
            } else if ascii && q.len() >= 2 && n.initials.starts_with(&q) {
                460
            } else if ascii && q.len() >= 3 && n.full.contains(&q) {
                400
            } else if ascii && q.len() >= 3 && n.initials.contains(&q) {
                300
            } else {
                0
            };
            if s > 0 {
                best = best.max(s + bonus);
            }
        }
        if best == 0 && ascii && q.len() >= 3 && self.name_en.contains(&q) {
            best = 250;
        }
        if best < 700 && raw.chars().any(|c| c.is_ascii_alphabetic()) {
            best = best.max(self.english_score(raw));
        }
        if best == 0 && !ascii && q.chars().count() >= 2 && self.text.contains(&q) {
            best = 100;
        }
        best
    }
}

/// Codes of the items matching `q`, best first (ties keep catalogue order).
pub fn search(entries: &[Entry], q: &str) -> Vec<(String, u32)> {
    let mut hits: Vec<(usize, u32)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (i, e.score(q)))
        .filter(|(_, s)| *s > 0)
        .collect();
    hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    hits.into_iter()
        .map(|(i, s)| (entries[i].code.clone(), s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::model::{Catalogue, SEED_JSON};

    fn entries() -> (Vec<Entry>, Vec<Item>) {
        let c: Catalogue = serde_json::from_str(SEED_JSON).unwrap();
        let items: Vec<Item> = c.categories.into_iter().flat_map(|c| c.items).collect();
        let entries = items
            .iter()
            .map(|i| Entry::new(i, crate::catalogue::english::english_guide(i).as_ref()))
            .collect();
        (entries, items)
    }

    /// English queries: the item's own English name first, its parts and the English
    /// guide's words too.
    #[test]
    fn english_readers_find_items_by_their_english_names_and_words() {
        let (entries, items) = entries();
        let code_of = |name: &str| {
            items
                .iter()
                .find(|i| i.name == name)
                .map(|i| i.code.clone())
                .unwrap()
        };
        for (q, want) in [
            ("residence permit", "居住证申领"),
            ("Residence Permit", "居住证申领"),
            ("resid permit", "居住证申领"),
            ("minimum living allowance", "最低生活保障申请"),
            ("disability certificate", "残疾人证申领"),
            ("legal aid", "法律援助申请"),
            ("family doctor", "家庭医生签约服务"),
            ("unemployment", "失业登记"),
            ("public rental housing", "公共租赁住房申请"),
        ] {
            let hits = search(&entries, q);
            assert_eq!(
                hits.first().map(|h| h.0.clone()),
                Some(code_of(want)),
                "{q}: {hits:?}"
            );
        }
        // A word only the guide's text has (the household register) finds guides too.
        assert!(!search(&entries, "hukou").is_empty());
        assert!(search(&entries, "zzqx permit").is_empty());
    }

    #[test]
    fn pinyin_readings() {
        assert_eq!(readings("低保"), ("dibao".into(), "db".into()));
        assert_eq!(readings("低保申请").1, "dbsq");
    }

    /// The query a resident types, and the item that must come first.
    const CASES: &[(&str, &str)] = &[
        ("最低生活保障申请", "最低生活保障申请"),
        ("低保", "最低生活保障申请"),
        ("dibao", "最低生活保障申请"),
        ("dbsq", "最低生活保障申请"),
        ("DiBao", "最低生活保障申请"),
        ("低 保", "最低生活保障申请"),
        ("养老金认证", "城乡居民养老保险待遇领取资格认证"),
        ("残疾证", "残疾人证申领"),
        ("canjizheng", "残疾人证申领"),
        ("高龄", "高龄津贴申领"),
        ("高龄补贴", "高龄津贴申领"),
        ("老年补贴", "高龄津贴申领"),
        ("老人津贴", "高龄津贴申领"),
        ("laonianbutie", "高龄津贴申领"),
        ("gljt", "高龄津贴申领"),
        ("失业", "失业登记"),
        ("居住证", "居住证申领"),
        ("juzhuzheng", "居住证申领"),
        ("转党关系", "党员组织关系转接"),
        ("组织关系", "党员组织关系转接"),
        ("医保", "城乡居民基本医疗保险参保登记"),
        ("异地就医", "异地就医备案"),
        ("公租房", "公共租赁住房申请"),
        ("准生证", "生育登记服务"),
        ("家庭医生", "家庭医生签约服务"),
        ("法律援助", "法律援助申请"),
        ("yibao", "城乡居民基本医疗保险参保登记"),
        ("临时救助", "临时救助申请"),
    ];

    #[test]
    fn residents_find_what_they_type() {
        let (entries, items) = entries();
        let name = |code: &str| {
            items
                .iter()
                .find(|i| i.code == code)
                .map(|i| i.name.clone())
                .unwrap()
        };
        assert!(CASES.len() >= 20);
        for (q, want) in CASES {
            let hits = search(&entries, q);
            assert!(!hits.is_empty(), "{q}: no hit");
            assert_eq!(
                name(&hits[0].0),
                *want,
                "{q}: {:?}",
                hits.iter().take(3).map(|h| name(&h.0)).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn nonsense_finds_nothing_and_blank_finds_nothing() {
        let (entries, _) = entries();
        assert!(search(&entries, "xyzzyq").is_empty());
        assert!(search(&entries, "   ").is_empty());
        assert!(search(&entries, "火星移民").is_empty());
    }
}
