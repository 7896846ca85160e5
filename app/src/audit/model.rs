//! The audit trail's types: who acted ([`Actor`]), what a reader narrows the trail to
//! ([`AuditFilter`], from the address's [`TrailQuery`]) and one record as stored
//! ([`AuditEntry`]). No I/O.

use serde::{Deserialize, Serialize};

/// Who did a staff action, and in which community it was (for the audit log).
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub id: i64,
    pub community_id: Option<i64>,
}

/// What the audit trail is narrowed to (every field optional).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<i64>,
    pub action: Option<String>,
    pub community: Option<i64>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    /// Unix seconds, exclusive.
    pub to: Option<i64>,
}

/// One audit record as stored: the state before and after as JSON text.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub target: String,
    pub community_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub at: i64,
}

/// The trail's filters as the address carries them (`?who=&what=&community=&from=&to=&page=`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TrailQuery {
    pub who: Option<i64>,
    pub what: Option<String>,
    pub community: Option<i64>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<i64>,
}
