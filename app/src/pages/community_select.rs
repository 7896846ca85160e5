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
pub fn options_html(
    options: &[CommunityOption],
    selected: Option<i64>,
    all_label: Option<&str>,
) -> String {
    use html_escape::{encode_double_quoted_attribute, encode_text};
    use std::fmt::Write;
    let mut out = String::with_capacity(64 + options.len() * 48);
    if let Some(l) = all_label {
        let _ = write!(out, r#"<option value="">{}</option>"#, encode_text(l));
    }
    let mut street: Option<&str> = None;
    for c in options {
        if street != Some(c.street.as_str()) {
            if street.is_some() {
                out.push_str("</optgroup>");
            }
            let _ = write!(
                out,
                r#"<optgroup label="{}">"#,
                encode_double_quoted_attribute(&c.street)
            );
            street = Some(&c.street);
        }
        let mark = if selected == Some(c.id) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            out,
            r#"<option value="{}"{mark}>{}</option>"#,
            c.id,
            encode_text(&c.name)
        );
    }
    if street.is_some() {
        out.push_str("</optgroup>");
    }
    out
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
    }
}
