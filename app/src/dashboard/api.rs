//! The dashboard's server function: the figures of a date range and community (from
//! the address: `?from=&to=&community=`), with their charts drawn on the server. Staff
//! see their own community whatever they ask; admins the city or one community.

use crate::dashboard::model::Figures;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::Msg;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    pub figures: Figures,
    pub from: String,
    pub to: String,
    pub community: Option<i64>,
    /// The community's name when one is shown.
    pub community_name: Option<String>,
    /// Admins choose among these; staff get none.
    pub communities: Vec<crate::stations::model::CommunityOption>,
    /// `(table name, SVG)`.
    pub charts: Vec<(String, String)>,
}

/// The longest range (two years).
pub const MAX_DAYS: i64 = 731;

/// The range a caller may see: admins any community, staff their own; the default is
/// the last twelve weeks to today.
#[cfg(feature = "ssr")]
pub fn resolve(
    user: &crate::accounts::model::CurrentUser,
    from: Option<&str>,
    to: Option<&str>,
    community: Option<i64>,
) -> Result<crate::dashboard::store::Range, AppError> {
    use crate::accounts::model::Role;
    let community = match user.role {
        Role::Admin => community,
        Role::Staff => user.community_id,
        Role::Resident => return Err(AppError::Forbidden),
    };
    let day = |s: Option<&str>| -> Result<Option<chrono::NaiveDate>, AppError> {
        match s.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => crate::calendar_types::Day::parse(s)
                .map(|d| Some(d.date()))
                .ok_or_else(|| AppError::bad(Msg::new("error.date_format"))),
        }
    };
    let today = crate::time::today_local();
    let to = day(to)?.unwrap_or(today);
    let from = day(from)?.unwrap_or(to - chrono::Duration::days(83));
    if from > to || (to - from).num_days() > MAX_DAYS {
        return Err(AppError::bad(Msg::new("dashboard.bad_range")));
    }
    Ok(crate::dashboard::store::Range {
        from_day: crate::time::ymd(from),
        to_day: crate::time::ymd(to),
        from_ts: crate::time::local_ts(from, 0),
        to_ts: crate::time::local_ts(to + chrono::Duration::days(1), 0),
        community,
        verified_since: crate::time::ymd(today - chrono::Duration::days(90)),
        messages: user.is_admin(),
    })
}

/// A table of the figures as rows of text, for the CSV downloads (header first).
#[cfg(feature = "ssr")]
pub fn table(f: &Figures, name: &str) -> Option<Vec<Vec<String>>> {
    use crate::i18n::tr;
    let s = |x: i64| x.to_string();
    Some(match name {
        "bookings_week" => std::iter::once(vec![
            tr("dashboard.week"),
            tr("dashboard.served"),
            tr("dashboard.no_show"),
            tr("dashboard.walk_ins"),
        ])
        .chain(
            f.bookings_by_week
                .iter()
                .map(|r| vec![r.label.clone(), s(r.served), s(r.no_show), s(r.walk_ins)]),
        )
        .collect(),
        "bookings_center" => std::iter::once(vec![
            tr("common.street"),
            tr("common.community"),
            tr("dashboard.center"),
            tr("dashboard.served"),
            tr("dashboard.no_show"),
            tr("dashboard.walk_ins"),
        ])
        .chain(f.bookings_by_center.iter().map(|r| {
            vec![
                r.street.clone(),
                r.community.clone(),
                r.label.clone(),
                s(r.served),
                s(r.no_show),
                s(r.walk_ins),
            ]
        }))
        .collect(),
        "bookings_item" => std::iter::once(vec![tr("dashboard.item"), tr("dashboard.served")])
            .chain(
                f.bookings_by_item
                    .iter()
                    .map(|c| vec![c.label.clone(), s(c.n)]),
            )
            .collect(),
        "wishes" => std::iter::once(vec![tr("dashboard.state"), tr("dashboard.count")])
            .chain(
                f.wishes_by_state
                    .iter()
                    .map(|c| vec![tr(&format!("wish_status.{}", c.label)), s(c.n)]),
            )
            .collect(),
        "volunteers" => std::iter::once(vec![
            tr("dashboard.volunteer"),
            tr("dashboard.claims"),
            tr("dashboard.fulfilled"),
        ])
        .chain(
            f.claims_by_volunteer
                .iter()
                .map(|c| vec![c.label.clone(), s(c.n), s(c.m)]),
        )
        .collect(),
        "points" => std::iter::once(vec![
            tr("dashboard.reward"),
            tr("dashboard.vouchers"),
            tr("dashboard.points"),
        ])
        .chain(
            f.redeemed_by_reward
                .iter()
                .map(|c| vec![c.label.clone(), s(c.n), s(c.m)]),
        )
        .collect(),
        "stations" => {
            let mut head = vec![tr("common.street")];
            head.extend(
                crate::stations::model::StationKind::ALL
                    .iter()
                    .map(|k| tr(k.label_key())),
            );
            std::iter::once(head)
                .chain(f.stations_by_street.iter().map(|r| {
                    let mut row = vec![r.street.clone()];
                    row.extend(r.by_kind.iter().map(|n| s(*n)));
                    row
                }))
                .collect()
        }
        _ => return None,
    })
}

/// Items by their names (`老年补贴申领（MZ-01）`), not only their codes.
#[cfg(feature = "ssr")]
pub async fn name_items(state: &crate::state::AppState, f: &mut Figures) -> Result<(), AppError> {
    let catalogue = state.catalogue().await?;
    for c in &mut f.bookings_by_item {
        if let Some(item) = catalogue.item(&c.label) {
            c.label = format!("{}（{}）", item.item.title(), c.label);
        }
    }
    Ok(())
}

#[cfg(feature = "ssr")]
fn charts(f: &Figures) -> Vec<(String, String)> {
    use crate::dashboard::chart::{bars, Series};
    use crate::i18n::tr;
    let mut out = Vec::new();
    let weeks: Vec<String> = f.bookings_by_week.iter().map(|r| r.label.clone()).collect();
    let (served, no_show, walk_ins) = (
        tr("dashboard.served"),
        tr("dashboard.no_show"),
        tr("dashboard.walk_ins"),
    );
    let drawn = [
        (
            "bookings_week",
            bars(
                &tr("dashboard.bookings_week"),
                &weeks,
                &[
                    Series {
                        name: &served,
                        values: f.bookings_by_week.iter().map(|r| r.served).collect(),
                    },
                    Series {
                        name: &no_show,
                        values: f.bookings_by_week.iter().map(|r| r.no_show).collect(),
                    },
                    Series {
                        name: &walk_ins,
                        values: f.bookings_by_week.iter().map(|r| r.walk_ins).collect(),
                    },
                ],
            ),
        ),
        (
            "wishes",
            bars(
                &tr("dashboard.wishes"),
                &f.wishes_by_state
                    .iter()
                    .map(|c| tr(&format!("wish_status.{}", c.label)))
                    .collect::<Vec<_>>(),
                &[Series {
                    name: &tr("dashboard.count"),
                    values: f.wishes_by_state.iter().map(|c| c.n).collect(),
                }],
            ),
        ),
        (
            "points",
            bars(
                &tr("dashboard.points_title"),
                &f.redeemed_by_reward
                    .iter()
                    .map(|c| c.label.clone())
                    .collect::<Vec<_>>(),
                &[Series {
                    name: &tr("dashboard.vouchers"),
                    values: f.redeemed_by_reward.iter().map(|c| c.n).collect(),
                }],
            ),
        ),
        (
            "stations",
            bars(
                &tr("dashboard.stations"),
                &crate::stations::model::StationKind::ALL
                    .iter()
                    .map(|k| tr(k.label_key()))
                    .collect::<Vec<_>>(),
                &[Series {
                    name: &tr("dashboard.count"),
                    values: (0..crate::stations::model::StationKind::ALL.len())
                        .map(|k| f.stations_by_street.iter().map(|r| r.by_kind[k]).sum())
                        .collect(),
                }],
            ),
        ),
    ];
    let empty = |name: &str| match name {
        "bookings_week" => f.bookings_by_week.is_empty(),
        "wishes" => f.wishes_by_state.is_empty(),
        "points" => f.redeemed_by_reward.is_empty(),
        _ => f.stations_total == 0,
    };
    for (name, svg) in drawn {
        if empty(name) {
            continue;
        }
        match svg {
            Ok(svg) => out.push((name.to_string(), svg)),
            Err(e) => tracing::warn!(chart = name, error = %e, "chart not drawn"),
        }
    }
    out
}

/// The range's figures with their items named and charts drawn, in the reader's
/// language: kept per range and language like the figures themselves.
#[cfg(feature = "ssr")]
async fn board(
    state: &crate::state::AppState,
    range: &crate::dashboard::store::Range,
) -> Result<std::sync::Arc<crate::dashboard::model::Board>, AppError> {
    let key = format!(
        "{:?}|{}",
        crate::i18n::current_locale(),
        crate::dashboard::service::key(range)
    );
    state
        .dashboard_board_cache
        .get(key, state.db.commits(), || async {
            let mut figures =
                crate::dashboard::service::figures(&state.dashboard_cache, &state.db, range)
                    .await?;
            name_items(state, &mut figures).await?;
            let charts = charts(&figures);
            Ok::<_, AppError>(crate::dashboard::model::Board { figures, charts })
        })
        .await
}

#[server(prefix = "/api", endpoint = "admin/dashboard")]
pub async fn dashboard(
    from: Option<String>,
    to: Option<String>,
    community: Option<i64>,
) -> Result<DashboardView, AppError> {
    let r = async {
        let user = crate::accounts::session::require_user().await?;
        let range = resolve(&user, from.as_deref(), to.as_deref(), community)?;
        let state = crate::state::app_state()?;
        let board = board(&state, &range).await?;
        let communities = state.stations().await?.community_options();
        let community_name = range
            .community
            .and_then(|id| communities.iter().find(|c| c.id == id))
            .map(|c| format!("{} · {}", c.street, c.name));
        Ok(DashboardView {
            charts: board.charts.clone(),
            figures: board.figures.clone(),
            from: range.from_day,
            to: range.to_day,
            community: range.community,
            community_name,
            communities: if user.is_admin() {
                communities
            } else {
                Vec::new()
            },
        })
    }
    .await;
    crate::reply::read(r, "/admin/dashboard")
}
