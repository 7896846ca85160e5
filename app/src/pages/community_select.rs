//! A `<select>` of the city's communities grouped by street, for plain forms (我的, 心愿).

use crate::stations::model::CommunityOption;
use leptos::prelude::*;

/// `all_label`: when given, a first option with an empty value (no community chosen).
#[component]
pub fn CommunitySelect(
    id: &'static str,
    name: &'static str,
    options: Vec<CommunityOption>,
    selected: Option<i64>,
    #[prop(optional)] all_label: Option<String>,
) -> impl IntoView {
    let mut groups: Vec<(String, Vec<CommunityOption>)> = Vec::new();
    for c in options {
        match groups.last_mut() {
            Some((street, list)) if *street == c.street => list.push(c),
            _ => groups.push((c.street.clone(), vec![c])),
        }
    }
    view! {
        <select id=id name=name>
            {all_label.map(|l| view! { <option value="">{l}</option> })}
            {groups.into_iter().map(|(street, list)| view! {
                <optgroup label=street>
                    {list.into_iter().map(|c| view! {
                        <option value=c.id.to_string() selected=selected == Some(c.id)>{c.name}</option>
                    }).collect_view()}
                </optgroup>
            }).collect_view()}
        </select>
    }
}
