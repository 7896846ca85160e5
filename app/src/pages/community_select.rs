//! A `<select>` of the city's communities grouped by street, for plain forms (我的, 心愿,
//! activities, and the back office's filters and staff forms).
//!
//! Why its options are one string: a city has hundreds of communities (the demo 293), and
//! the list stands on many pages, twice on some. As one view per option it was the
//! largest part of rendering 我的, the audit trail, the people page and the dashboard;
//! written as text it costs what copying 11 KB costs.

use crate::stations::model::CommunityOption;
use leptos::prelude::*;

/// `all_label`: when given, a first option with an empty value (no community chosen).
#[component]
pub fn CommunitySelect(
    #[prop(into)] id: String,
    name: &'static str,
    options: Vec<CommunityOption>,
    selected: Option<i64>,
    #[prop(optional)] all_label: Option<String>,
) -> impl IntoView {
    let html = options_html(&options, selected, all_label.as_deref());
    view! { <select id=id name=name inner_html=html></select> }
}

/// The `<option>`s, consecutive communities of a street in one `<optgroup>` labelled by
/// the street, `selected` marked; every name escaped.
///
/// The options of a list are written once and kept (the last few lists, compared whole:
/// comparing 293 names costs far less than escaping and writing them); each page then
/// copies them, with ` selected` put in after the chosen one's value.
pub fn options_html(
    options: &[CommunityOption],
    selected: Option<i64>,
    all_label: Option<&str>,
) -> String {
    use html_escape::encode_text;
    use std::fmt::Write;
    let written = written(options);
    let mut out = String::with_capacity(80 + written.html.len());
    if let Some(l) = all_label {
        let _ = write!(out, r#"<option value="">{}</option>"#, encode_text(l));
    }
    let at = selected.and_then(|id| {
        written
            .value_ends
            .binary_search_by_key(&id, |(i, _)| *i)
            .ok()
            .map(|k| written.value_ends[k].1)
    });
    match at {
        Some(at) => {
            out.push_str(&written.html[..at]);
            out.push_str(" selected");
            out.push_str(&written.html[at..]);
        }
        None => out.push_str(&written.html),
    }
    out
}

/// A list's options as text, and where each id's `value="…"` ends in it (by id).
struct Written {
    html: String,
    value_ends: Vec<(i64, usize)>,
}

/// How many lists are kept (the city's, and a few filtered ones).
const KEPT_LISTS: usize = 4;

type Kept = Vec<(Vec<CommunityOption>, std::sync::Arc<Written>)>;

fn written(options: &[CommunityOption]) -> std::sync::Arc<Written> {
    use std::sync::{Arc, Mutex, OnceLock};
    static KEPT: OnceLock<Mutex<Kept>> = OnceLock::new();
    let kept = KEPT.get_or_init(|| Mutex::new(Vec::new()));
    if let Ok(g) = kept.lock() {
        if let Some((_, w)) = g.iter().find(|(list, _)| list.as_slice() == options) {
            return w.clone();
        }
    }
    let w = Arc::new(write_options(options));
    if let Ok(mut g) = kept.lock() {
        if g.len() >= KEPT_LISTS {
            g.remove(0);
        }
        g.push((options.to_vec(), w.clone()));
    }
    w
}

fn write_options(options: &[CommunityOption]) -> Written {
    use html_escape::{encode_double_quoted_attribute, encode_text};
    use std::fmt::Write;
    let mut html = String::with_capacity(options.len() * 48);
    let mut value_ends = Vec::with_capacity(options.len());
    let mut street: Option<&str> = None;
    for c in options {
        if street != Some(c.street.as_str()) {
            if street.is_some() {
                html.push_str("</optgroup>");
            }
            let _ = write!(
                html,
                r#"<optgroup label="{}">"#,
                encode_double_quoted_attribute(&c.street)
            );
            street = Some(&c.street);
        }
        let _ = write!(html, r#"<option value="{}""#, c.id);
        value_ends.push((c.id, html.len()));
        let _ = write!(html, ">{}</option>", encode_text(&c.name));
    }
    if street.is_some() {
        html.push_str("</optgroup>");
    }
    // By id for the lookup; the first of an id twice in a list wins.
    value_ends.sort_by_key(|(id, _)| *id);
    value_ends.dedup_by_key(|(id, _)| *id);
    Written { html, value_ends }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, street: &str, name: &str) -> CommunityOption {
        CommunityOption {
            id,
            street: street.into(),
            name: name.into(),
        }
    }

    #[test]
    fn options_are_grouped_by_street_escaped_and_the_chosen_one_marked() {
        let list = [
            c(1, "车站街道", "西二社区"),
            c(2, "车站街道", "<b>公园</b>社区"),
            c(3, "\"东\"街道", "东一 & 东二"),
        ];
        let html = options_html(&list, Some(2), Some("全部社区"));
        assert_eq!(
            html,
            "<option value=\"\">全部社区</option>\
             <optgroup label=\"车站街道\"><option value=\"1\">西二社区</option>\
             <option value=\"2\" selected>&lt;b&gt;公园&lt;/b&gt;社区</option></optgroup>\
             <optgroup label=\"&quot;东&quot;街道\"><option value=\"3\">东一 &amp; 东二</option></optgroup>"
        );
        assert_eq!(options_html(&[], None, None), "");
        assert!(!options_html(&list, None, None).contains("selected"));
        // The kept text again, the mark moved; a list that differs by one name is its own.
        let again = options_html(&list, Some(3), None);
        assert!(again.contains("<option value=\"3\" selected>"));
        assert_eq!(again.matches("selected").count(), 1);
        let mut other = list.clone();
        other[0].name = "西三社区".into();
        assert!(options_html(&other, None, None).contains("西三社区"));
        assert!(!options_html(&list, Some(99), None).contains("selected"));
    }
}
