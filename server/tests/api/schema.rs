//! The SQLite and PostgreSQL migrations must describe the same schema.
//!
//! The app keeps two hand-written migration folders, `app/migrations/sqlite` and
//! `app/migrations/postgres`, and nothing else keeps them in step: a column that is
//! NOT NULL in one dialect and nullable in the other, or an index, CHECK or foreign key
//! added to one folder only, passes every other test on the dialect that has it and
//! shows up in production on the other. This test migrates a fresh database of each
//! kind with the app's own code (`Db::connect` + `Db::migrate`), reads both schemas
//! back from the catalogues into one normalised shape, and fails with a list of every
//! difference.
//!
//! Compared, per table: the columns (type class, nullability, default, whether the key
//! is generated), the primary key, the unique constraints and unique indexes (as column
//! lists, whatever their names), the other indexes (by name), the foreign keys with
//! their actions, the CHECK constraints (by the columns and string constants they use),
//! and which row events have triggers. Not compared: the text of defaults beyond simple
//! constants, the exact expressions of CHECKs and partial-index predicates (the two
//! catalogues print them differently), column order, and anything outside tables.
//!
//! Needs `LINLI_TEST_POSTGRES_URL` (CI always sets it); without it the test says it is
//! skipped and passes.

use crate::fixtures::catalogue_rows;
use app::db::Db;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// Differences that are known and accepted, exactly as the test prints them. Each
/// entry needs a comment saying why; an entry that no longer occurs fails the test, so
/// that the list only ever shrinks.
const ACCEPTED: &[&str] = &[];

#[tokio::test]
async fn schemas_of_the_two_dialects_match() {
    let Some(admin_url) = std::env::var("LINLI_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("skipped: schemas_of_the_two_dialects_match needs LINLI_TEST_POSTGRES_URL");
        return;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let tag = format!("{}_{nanos}", std::process::id());
    let sqlite_file = ScratchSqlite(std::env::temp_dir().join(format!("linli_schema_{tag}.db")));
    let pg = ScratchPostgres::create(&admin_url, &format!("linli_schema_{tag}")).await;

    let sqlite = Db::connect(&sqlite_file.url(), 2)
        .await
        .expect("the scratch SQLite database opens");
    sqlite.migrate().await.expect("the SQLite migrations run");
    let postgres = Db::connect(&pg.url(), 2)
        .await
        .expect("the scratch PostgreSQL database opens");
    postgres
        .migrate()
        .await
        .expect("the PostgreSQL migrations run");

    let lite = read_sqlite(&sqlite).await;
    let pgs = read_postgres(&postgres).await;
    sqlite.pool.close().await;
    postgres.pool.close().await;

    assert!(!lite.tables.is_empty(), "no tables read back from SQLite");
    assert!(
        !pgs.tables.is_empty(),
        "no tables read back from PostgreSQL"
    );

    let found = compare(&lite, &pgs);
    let found_set: BTreeSet<&str> = found.iter().map(String::as_str).collect();
    let mut problems: Vec<String> = found
        .iter()
        .filter(|d| !ACCEPTED.contains(&d.as_str()))
        .cloned()
        .collect();
    for a in ACCEPTED {
        if !found_set.contains(a) {
            problems.push(format!(
                "accepted difference no longer occurs (remove it from ACCEPTED): {a}"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "app/migrations/sqlite and app/migrations/postgres describe different schemas \
         ({} difference(s)):\n  {}\n",
        problems.len(),
        problems.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------
// The normalised schema.

#[derive(Debug, Default)]
struct Schema {
    tables: BTreeMap<String, Table>,
}

#[derive(Debug, Default)]
struct Table {
    columns: BTreeMap<String, Column>,
    primary_key: Vec<String>,
    /// Unique constraints and unique indexes other than the primary key: "(a, b)",
    /// with " WHERE …" for a partial one.
    unique: BTreeSet<String>,
    /// Index name → "(a, b)", with " WHERE …" for a partial one.
    indexes: BTreeMap<String, String>,
    /// "(a) -> t(b) ON DELETE … ON UPDATE …".
    foreign_keys: BTreeSet<String>,
    /// CHECK signature → how many CHECKs have it.
    checks: BTreeMap<String, usize>,
    /// "BEFORE UPDATE" and the like.
    triggers: BTreeSet<String>,
}

#[derive(Debug, PartialEq, Eq)]
struct Column {
    class: String,
    nullable: bool,
    /// The default, normalised (casts and parentheses removed); None for none.
    default: Option<String>,
    /// A key the database makes when none is given: SQLite's `INTEGER PRIMARY KEY`
    /// (unless the column is also a foreign key, as in a one-to-one table), PostgreSQL's
    /// identity and serial columns.
    generated: bool,
}

// ---------------------------------------------------------------------------------
// Comparison.

fn compare(lite: &Schema, pg: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let names: BTreeSet<&String> = lite.tables.keys().chain(pg.tables.keys()).collect();
    for name in names {
        match (lite.tables.get(name), pg.tables.get(name)) {
            (Some(a), Some(b)) => compare_tables(name, a, b, &mut out),
            (Some(_), None) => out.push(format!("table {name}: only in sqlite")),
            (None, Some(_)) => out.push(format!("table {name}: only in postgres")),
            (None, None) => {}
        }
    }
    out
}

fn compare_tables(t: &str, a: &Table, b: &Table, out: &mut Vec<String>) {
    let cols: BTreeSet<&String> = a.columns.keys().chain(b.columns.keys()).collect();
    for c in cols {
        let (x, y) = match (a.columns.get(c), b.columns.get(c)) {
            (Some(x), Some(y)) => (x, y),
            (Some(_), None) => {
                out.push(format!("table {t}: column {c} only in sqlite"));
                continue;
            }
            (None, Some(_)) => {
                out.push(format!("table {t}: column {c} only in postgres"));
                continue;
            }
            (None, None) => continue,
        };
        if x.class != y.class {
            out.push(format!(
                "table {t}: column {c} is {} in sqlite, {} in postgres",
                x.class, y.class
            ));
        }
        if x.nullable != y.nullable {
            out.push(format!(
                "table {t}: column {c} {} in sqlite, {} in postgres",
                nullability(x.nullable),
                nullability(y.nullable)
            ));
        }
        if x.default != y.default {
            out.push(format!(
                "table {t}: column {c} has {} in sqlite, {} in postgres",
                default_text(&x.default),
                default_text(&y.default)
            ));
        }
        if x.generated != y.generated {
            out.push(format!(
                "table {t}: column {c} is {} in sqlite, {} in postgres",
                generated_text(x.generated),
                generated_text(y.generated)
            ));
        }
    }
    if a.primary_key != b.primary_key {
        out.push(format!(
            "table {t}: primary key ({}) in sqlite, ({}) in postgres",
            a.primary_key.join(", "),
            b.primary_key.join(", ")
        ));
    }
    only_in_one(t, "unique", &a.unique, &b.unique, out);
    let idx: BTreeSet<&String> = a.indexes.keys().chain(b.indexes.keys()).collect();
    for i in idx {
        match (a.indexes.get(i), b.indexes.get(i)) {
            (Some(x), Some(y)) if x != y => out.push(format!(
                "table {t}: index {i} on {x} in sqlite, on {y} in postgres"
            )),
            (Some(x), None) => out.push(format!("table {t}: index {i} on {x} only in sqlite")),
            (None, Some(y)) => out.push(format!("table {t}: index {i} on {y} only in postgres")),
            _ => {}
        }
    }
    only_in_one(t, "foreign key", &a.foreign_keys, &b.foreign_keys, out);
    let checks: BTreeSet<&String> = a.checks.keys().chain(b.checks.keys()).collect();
    for c in checks {
        let (n, m) = (
            a.checks.get(c).copied().unwrap_or(0),
            b.checks.get(c).copied().unwrap_or(0),
        );
        if n != m {
            out.push(format!(
                "table {t}: CHECK {c}: {n} in sqlite, {m} in postgres"
            ));
        }
    }
    only_in_one(t, "trigger", &a.triggers, &b.triggers, out);
}

fn only_in_one(
    t: &str,
    what: &str,
    a: &BTreeSet<String>,
    b: &BTreeSet<String>,
    out: &mut Vec<String>,
) {
    for x in a.difference(b) {
        out.push(format!("table {t}: {what} {x} only in sqlite"));
    }
    for y in b.difference(a) {
        out.push(format!("table {t}: {what} {y} only in postgres"));
    }
}

fn nullability(nullable: bool) -> &'static str {
    if nullable {
        "nullable"
    } else {
        "NOT NULL"
    }
}

fn default_text(d: &Option<String>) -> String {
    match d {
        Some(v) => format!("DEFAULT {v}"),
        None => "no default".to_string(),
    }
}

fn generated_text(g: bool) -> &'static str {
    if g {
        "a generated key"
    } else {
        "not generated"
    }
}

// ---------------------------------------------------------------------------------
// SQLite.

async fn read_sqlite(db: &Db) -> Schema {
    let mut schema = Schema::default();
    let mut table_sql: BTreeMap<String, String> = BTreeMap::new();
    for r in catalogue_rows(
        db,
        "SELECT CAST(name AS TEXT) AS name, CAST(sql AS TEXT) AS sql FROM sqlite_master \
         WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_' \
         AND name <> '_sqlx_migrations'",
    )
    .await
    {
        let name = text(&r, "name").to_lowercase();
        table_sql.insert(name.clone(), text(&r, "sql"));
        schema.tables.insert(name, Table::default());
    }
    let mut index_sql: BTreeMap<String, String> = BTreeMap::new();
    for r in catalogue_rows(
        db,
        "SELECT CAST(name AS TEXT) AS name, CAST(sql AS TEXT) AS sql FROM sqlite_master \
         WHERE type = 'index' AND sql IS NOT NULL",
    )
    .await
    {
        index_sql.insert(text(&r, "name").to_lowercase(), text(&r, "sql"));
    }

    // Foreign keys first: a column that is one is not a generated key.
    struct Fk {
        ref_table: String,
        pairs: Vec<(i64, String, Option<String>)>,
        on_delete: String,
        on_update: String,
    }
    let mut fks: BTreeMap<(String, i64), Fk> = BTreeMap::new();
    for r in catalogue_rows(
        db,
        "SELECT CAST(m.name AS TEXT) AS tbl, CAST(f.id AS INTEGER) AS id, \
         CAST(f.seq AS INTEGER) AS seq, CAST(f.\"table\" AS TEXT) AS ref_table, \
         CAST(f.\"from\" AS TEXT) AS col, CAST(f.\"to\" AS TEXT) AS ref_col, \
         CAST(f.on_delete AS TEXT) AS on_delete, CAST(f.on_update AS TEXT) AS on_update \
         FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
         WHERE m.type = 'table'",
    )
    .await
    {
        let key = (text(&r, "tbl").to_lowercase(), int(&r, "id"));
        let fk = fks.entry(key).or_insert_with(|| Fk {
            ref_table: text(&r, "ref_table").to_lowercase(),
            pairs: Vec::new(),
            on_delete: text(&r, "on_delete").to_uppercase(),
            on_update: text(&r, "on_update").to_uppercase(),
        });
        fk.pairs.push((
            int(&r, "seq"),
            text(&r, "col").to_lowercase(),
            opt_text(&r, "ref_col").map(|c| c.to_lowercase()),
        ));
    }
    let mut fk_columns: BTreeSet<(String, String)> = BTreeSet::new();
    for ((t, _), fk) in &fks {
        for (_, c, _) in &fk.pairs {
            fk_columns.insert((t.clone(), c.clone()));
        }
    }

    struct RawColumn {
        name: String,
        decl: String,
        not_null: bool,
        default: Option<String>,
        pk: i64,
    }
    let mut raw: BTreeMap<String, Vec<RawColumn>> = BTreeMap::new();
    for r in catalogue_rows(
        db,
        "SELECT CAST(m.name AS TEXT) AS tbl, CAST(p.name AS TEXT) AS col, \
         CAST(p.type AS TEXT) AS decl, CAST(p.\"notnull\" AS INTEGER) AS not_null, \
         CAST(p.dflt_value AS TEXT) AS dflt, CAST(p.pk AS INTEGER) AS pk \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' ORDER BY m.name, p.cid",
    )
    .await
    {
        raw.entry(text(&r, "tbl").to_lowercase())
            .or_default()
            .push(RawColumn {
                name: text(&r, "col").to_lowercase(),
                decl: opt_text(&r, "decl").unwrap_or_default(),
                not_null: int(&r, "not_null") != 0,
                default: opt_text(&r, "dflt"),
                pk: int(&r, "pk"),
            });
    }
    for (name, table) in schema.tables.iter_mut() {
        let cols = raw.remove(name).unwrap_or_default();
        let options = table_options(table_sql.get(name).map(String::as_str).unwrap_or(""));
        let pk_len = cols.iter().filter(|c| c.pk > 0).count();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for c in cols {
            // SQLite lets NULL into a PRIMARY KEY column unless it is the rowid (an
            // `INTEGER PRIMARY KEY`), the table is WITHOUT ROWID or STRICT, or the
            // column says NOT NULL.
            let rowid = c.pk > 0
                && pk_len == 1
                && c.decl.eq_ignore_ascii_case("INTEGER")
                && !options.without_rowid;
            let pk_not_null = c.pk > 0 && (options.without_rowid || options.strict);
            if c.pk > 0 {
                pk.push((c.pk, c.name.clone()));
            }
            let generated = rowid && !fk_columns.contains(&(name.clone(), c.name.clone()));
            table.columns.insert(
                c.name,
                Column {
                    class: sqlite_class(&c.decl),
                    nullable: !(c.not_null || rowid || pk_not_null),
                    default: c.default.as_deref().map(normalise_default),
                    generated,
                },
            );
        }
        pk.sort();
        table.primary_key = pk.into_iter().map(|(_, c)| c).collect();
    }

    struct RawIndex {
        table: String,
        unique: bool,
        origin: String,
        partial: bool,
        cols: Vec<(i64, String)>,
    }
    let mut indexes: BTreeMap<String, RawIndex> = BTreeMap::new();
    for r in catalogue_rows(
        db,
        "SELECT CAST(m.name AS TEXT) AS tbl, CAST(il.name AS TEXT) AS idx, \
         CAST(il.\"unique\" AS INTEGER) AS uniq, CAST(il.origin AS TEXT) AS origin, \
         CAST(il.partial AS INTEGER) AS partial, CAST(ii.seqno AS INTEGER) AS seqno, \
         CAST(ii.name AS TEXT) AS col \
         FROM sqlite_master m JOIN pragma_index_list(m.name) il \
         JOIN pragma_index_info(il.name) ii WHERE m.type = 'table'",
    )
    .await
    {
        let ix = indexes
            .entry(text(&r, "idx").to_lowercase())
            .or_insert_with(|| RawIndex {
                table: text(&r, "tbl").to_lowercase(),
                unique: int(&r, "uniq") != 0,
                origin: text(&r, "origin"),
                partial: int(&r, "partial") != 0,
                cols: Vec::new(),
            });
        let col = opt_text(&r, "col")
            .map(|c| c.to_lowercase())
            .unwrap_or_else(|| "<expression>".to_string());
        ix.cols.push((int(&r, "seqno"), col));
    }
    for (name, mut ix) in indexes {
        let Some(table) = schema.tables.get_mut(&ix.table) else {
            continue;
        };
        if ix.origin == "pk" {
            continue; // the primary key, compared on its own
        }
        ix.cols.sort();
        let mut shape = format!(
            "({})",
            ix.cols
                .into_iter()
                .map(|(_, c)| c)
                .collect::<Vec<_>>()
                .join(", ")
        );
        if ix.partial {
            let names = column_names(table);
            let toks = tokenize(index_sql.get(&name).map(String::as_str).unwrap_or(""));
            let pred = top_level_where(&toks);
            shape.push_str(&format!(" WHERE {}", expr_signature(pred, &names)));
        }
        if ix.unique {
            table.unique.insert(shape);
        } else {
            table.indexes.insert(name, shape);
        }
    }

    // Foreign keys, now that every primary key is known (`REFERENCES t` alone means
    // t's primary key).
    let pks: BTreeMap<String, Vec<String>> = schema
        .tables
        .iter()
        .map(|(n, t)| (n.clone(), t.primary_key.clone()))
        .collect();
    for ((t, _), mut fk) in fks {
        let Some(table) = schema.tables.get_mut(&t) else {
            continue;
        };
        fk.pairs.sort();
        let target_pk = pks.get(&fk.ref_table).cloned().unwrap_or_default();
        let cols: Vec<String> = fk.pairs.iter().map(|(_, c, _)| c.clone()).collect();
        let refs: Vec<String> = fk
            .pairs
            .iter()
            .enumerate()
            .map(|(i, (_, _, r))| {
                r.clone()
                    .or_else(|| target_pk.get(i).cloned())
                    .unwrap_or_else(|| "?".to_string())
            })
            .collect();
        table.foreign_keys.insert(fk_shape(
            &cols,
            &fk.ref_table,
            &refs,
            &fk.on_delete,
            &fk.on_update,
        ));
    }

    for (name, table) in schema.tables.iter_mut() {
        let names = column_names(table);
        let toks = tokenize(table_sql.get(name).map(String::as_str).unwrap_or(""));
        for body in check_bodies(&toks) {
            *table
                .checks
                .entry(expr_signature(body, &names))
                .or_default() += 1;
        }
    }

    for r in catalogue_rows(
        db,
        "SELECT CAST(tbl_name AS TEXT) AS tbl, CAST(sql AS TEXT) AS sql FROM sqlite_master \
         WHERE type = 'trigger' AND sql IS NOT NULL",
    )
    .await
    {
        if let Some(table) = schema.tables.get_mut(&text(&r, "tbl").to_lowercase()) {
            if let Some(event) = sqlite_trigger_event(&tokenize(&text(&r, "sql"))) {
                table.triggers.insert(event);
            }
        }
    }
    schema
}

/// SQLite's type affinity rules, with BOOLEAN kept apart.
fn sqlite_class(decl: &str) -> String {
    let d = decl.to_uppercase();
    let class = if d.contains("BOOL") {
        "bool"
    } else if d.contains("INT") {
        "int"
    } else if d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT") {
        "text"
    } else if d.contains("BLOB") || d.is_empty() {
        "blob"
    } else if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") {
        "real"
    } else {
        return format!("numeric ({decl})");
    };
    class.to_string()
}

struct TableOptions {
    without_rowid: bool,
    strict: bool,
}

/// What follows the column list of a CREATE TABLE: WITHOUT ROWID, STRICT.
fn table_options(sql: &str) -> TableOptions {
    let toks = tokenize(sql);
    let tail: &[Tok] = match toks.iter().position(|t| *t == Tok::Punct('(')) {
        Some(open) => match matching_paren(&toks, open) {
            Some(close) => &toks[close + 1..],
            None => &[],
        },
        None => &[],
    };
    TableOptions {
        without_rowid: tail.iter().any(|t| is_word(t, "rowid")),
        strict: tail.iter().any(|t| is_word(t, "strict")),
    }
}

/// "BEFORE UPDATE" for `CREATE TRIGGER x BEFORE UPDATE ON t …` (SQLite's default
/// timing is BEFORE).
fn sqlite_trigger_event(toks: &[Tok]) -> Option<String> {
    let start = toks.iter().position(|t| is_word(t, "trigger"))?;
    let rest = &toks[start + 1..];
    let at = rest
        .iter()
        .position(|t| is_word(t, "delete") || is_word(t, "insert") || is_word(t, "update"))?;
    let timing = if rest[..at].iter().any(|t| is_word(t, "instead")) {
        "INSTEAD OF"
    } else if rest[..at].iter().any(|t| is_word(t, "after")) {
        "AFTER"
    } else {
        "BEFORE"
    };
    match &rest[at] {
        Tok::Word(w) => Some(format!("{timing} {}", w.to_uppercase())),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------
// PostgreSQL. Everything is selected as TEXT or BIGINT: the Any driver cannot read
// `name`, `oid`, `"char"`, arrays or the information_schema domains.

async fn read_postgres(db: &Db) -> Schema {
    let mut schema = Schema::default();
    for r in catalogue_rows(
        db,
        "SELECT c.relname::text AS name FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
         AND c.relname <> '_sqlx_migrations'",
    )
    .await
    {
        schema.tables.insert(text(&r, "name"), Table::default());
    }

    for r in catalogue_rows(
        db,
        "SELECT table_name::text AS tbl, column_name::text AS col, data_type::text AS ty, \
         is_nullable::text AS nullable, column_default::text AS dflt, \
         is_identity::text AS ident \
         FROM information_schema.columns WHERE table_schema = current_schema() \
         ORDER BY table_name, ordinal_position",
    )
    .await
    {
        let Some(table) = schema.tables.get_mut(&text(&r, "tbl")) else {
            continue;
        };
        let default = opt_text(&r, "dflt");
        let serial = default
            .as_deref()
            .is_some_and(|d| d.trim_start().starts_with("nextval("));
        table.columns.insert(
            text(&r, "col"),
            Column {
                class: postgres_class(&text(&r, "ty")),
                nullable: text(&r, "nullable") == "YES",
                default: if serial {
                    None
                } else {
                    default.as_deref().map(normalise_default)
                },
                generated: serial || text(&r, "ident") == "YES",
            },
        );
    }

    for r in catalogue_rows(
        db,
        "SELECT t.relname::text AS tbl, i.relname::text AS idx, \
         (CASE WHEN x.indisprimary THEN 1 ELSE 0 END)::bigint AS is_pk, \
         (CASE WHEN x.indisunique THEN 1 ELSE 0 END)::bigint AS is_unique, \
         COALESCE(pg_get_expr(x.indpred, x.indrelid), '')::text AS pred, \
         string_agg(COALESCE(a.attname::text, '<expression>'), ',' ORDER BY k.ord)::text AS cols \
         FROM pg_index x \
         JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
         LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0 \
         WHERE n.nspname = current_schema() AND k.ord <= x.indnkeyatts \
         GROUP BY t.relname, i.relname, x.indisprimary, x.indisunique, x.indpred, x.indrelid",
    )
    .await
    {
        let Some(table) = schema.tables.get_mut(&text(&r, "tbl")) else {
            continue;
        };
        let cols: Vec<String> = text(&r, "cols").split(',').map(str::to_string).collect();
        if int(&r, "is_pk") != 0 {
            table.primary_key = cols;
            continue;
        }
        let mut shape = format!("({})", cols.join(", "));
        let pred = text(&r, "pred");
        if !pred.is_empty() {
            let names = column_names(table);
            shape.push_str(&format!(
                " WHERE {}",
                expr_signature(&tokenize(&pred), &names)
            ));
        }
        if int(&r, "is_unique") != 0 {
            table.unique.insert(shape);
        } else {
            table.indexes.insert(text(&r, "idx"), shape);
        }
    }

    for r in catalogue_rows(
        db,
        "SELECT cl.relname::text AS tbl, c.conname::text AS name, rc.relname::text AS ref_table, \
         c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update, \
         string_agg(a.attname::text, ',' ORDER BY k.ord)::text AS cols, \
         string_agg(ra.attname::text, ',' ORDER BY k.ord)::text AS ref_cols \
         FROM pg_constraint c \
         JOIN pg_class cl ON cl.oid = c.conrelid \
         JOIN pg_namespace n ON n.oid = cl.relnamespace \
         JOIN pg_class rc ON rc.oid = c.confrelid \
         CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, refnum, ord) \
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
         JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.refnum \
         WHERE c.contype = 'f' AND n.nspname = current_schema() \
         GROUP BY cl.relname, c.conname, rc.relname, c.confdeltype, c.confupdtype",
    )
    .await
    {
        let Some(table) = schema.tables.get_mut(&text(&r, "tbl")) else {
            continue;
        };
        let cols: Vec<String> = text(&r, "cols").split(',').map(str::to_string).collect();
        let refs: Vec<String> = text(&r, "ref_cols")
            .split(',')
            .map(str::to_string)
            .collect();
        table.foreign_keys.insert(fk_shape(
            &cols,
            &text(&r, "ref_table"),
            &refs,
            postgres_action(&text(&r, "on_delete")),
            postgres_action(&text(&r, "on_update")),
        ));
    }

    // contype 'c' only: NOT NULL is a column property here, as in SQLite.
    for r in catalogue_rows(
        db,
        "SELECT cl.relname::text AS tbl, pg_get_constraintdef(c.oid)::text AS def \
         FROM pg_constraint c \
         JOIN pg_class cl ON cl.oid = c.conrelid \
         JOIN pg_namespace n ON n.oid = cl.relnamespace \
         WHERE c.contype = 'c' AND n.nspname = current_schema()",
    )
    .await
    {
        let Some(table) = schema.tables.get_mut(&text(&r, "tbl")) else {
            continue;
        };
        let names = column_names(table);
        let toks = tokenize(&text(&r, "def"));
        for body in check_bodies(&toks) {
            *table
                .checks
                .entry(expr_signature(body, &names))
                .or_default() += 1;
        }
    }

    for r in catalogue_rows(
        db,
        "SELECT event_object_table::text AS tbl, action_timing::text AS timing, \
         event_manipulation::text AS event FROM information_schema.triggers \
         WHERE event_object_schema = current_schema()",
    )
    .await
    {
        if let Some(table) = schema.tables.get_mut(&text(&r, "tbl")) {
            table
                .triggers
                .insert(format!("{} {}", text(&r, "timing"), text(&r, "event")));
        }
    }
    schema
}

fn postgres_class(data_type: &str) -> String {
    let class = match data_type {
        "smallint" | "integer" | "bigint" => "int",
        "real" | "double precision" => "real",
        "text" | "character varying" | "character" => "text",
        "bytea" => "blob",
        "boolean" => "bool",
        other => return format!("numeric ({other})"),
    };
    class.to_string()
}

fn postgres_action(code: &str) -> &'static str {
    match code {
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => "NO ACTION",
    }
}

// ---------------------------------------------------------------------------------
// Shared helpers.

fn text(row: &AnyRow, col: &str) -> String {
    match row.try_get::<String, _>(col) {
        Ok(v) => v,
        Err(e) => panic!("reading {col} as text: {e}"),
    }
}

fn opt_text(row: &AnyRow, col: &str) -> Option<String> {
    match row.try_get::<Option<String>, _>(col) {
        Ok(v) => v,
        Err(e) => panic!("reading {col} as optional text: {e}"),
    }
}

fn int(row: &AnyRow, col: &str) -> i64 {
    match row.try_get::<i64, _>(col) {
        Ok(v) => v,
        Err(e) => panic!("reading {col} as an integer: {e}"),
    }
}

fn column_names(table: &Table) -> BTreeSet<String> {
    table.columns.keys().map(|c| c.to_lowercase()).collect()
}

fn fk_shape(cols: &[String], ref_table: &str, refs: &[String], del: &str, upd: &str) -> String {
    format!(
        "({}) -> {ref_table}({}) ON DELETE {del} ON UPDATE {upd}",
        cols.join(", "),
        refs.join(", ")
    )
}

/// A default as both catalogues can agree on it: `''::text` → `''`, `(0)` → `0`,
/// `'-1'::integer` → `-1`, `TRUE` → `true`.
fn normalise_default(raw: &str) -> String {
    let mut s = raw.trim().to_string();
    loop {
        let before = s.clone();
        if let Some(cut) = last_top_level_cast(&s) {
            s = s[..cut].trim().to_string();
        }
        if wraps_whole(&s) {
            if let Some(inner) = s.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
                s = inner.trim().to_string();
            }
        }
        if s == before {
            break;
        }
    }
    if let Some(inner) = s.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) {
        if is_number(inner) {
            s = inner.to_string();
        }
    }
    if is_number(&s) {
        if let Ok(i) = s.trim().parse::<i64>() {
            return i.to_string();
        }
        if let Ok(f) = s.trim().parse::<f64>() {
            return f.to_string();
        }
    }
    if s.starts_with('\'') {
        s
    } else {
        s.to_lowercase()
    }
}

/// Where the last `::type` outside quotes and parentheses starts.
fn last_top_level_cast(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let (mut quoted, mut depth, mut found) = (false, 0i32, None);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            b':' if !quoted && depth == 0 && bytes.get(i + 1) == Some(&b':') => {
                found = Some(i);
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// Whether `s` starts with a `(` that closes at its last character.
fn wraps_whole(s: &str) -> bool {
    if !s.starts_with('(') {
        return false;
    }
    let (mut quoted, mut depth) = (false, 0i32);
    for (i, c) in s.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    return i == s.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

fn is_number(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
        && s.parse::<f64>().is_ok()
}

// ---------------------------------------------------------------------------------
// Just enough of an SQL tokenizer to find CHECKs and predicates and to say which
// columns and string constants they use.

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// An unquoted word, lower-cased.
    Word(String),
    /// A "quoted" or `quoted` identifier.
    Quoted(String),
    /// A 'string' constant.
    Str(String),
    Num,
    /// `::`
    Cast,
    Punct(char),
}

fn tokenize(sql: &str) -> Vec<Tok> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && next == Some('-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c == '\'' || c == '"' || c == '`' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i] == c {
                    if chars.get(i + 1) == Some(&c) {
                        s.push(c);
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                s.push(chars[i]);
                i += 1;
            }
            out.push(if c == '\'' {
                Tok::Str(s)
            } else {
                Tok::Quoted(s)
            });
        } else if c == ':' && next == Some(':') {
            out.push(Tok::Cast);
            i += 2;
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            out.push(Tok::Num);
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Word(
                chars[start..i].iter().collect::<String>().to_lowercase(),
            ));
        } else {
            out.push(Tok::Punct(c));
            i += 1;
        }
    }
    out
}

fn is_word(t: &Tok, w: &str) -> bool {
    matches!(t, Tok::Word(x) if x == w)
}

fn matching_paren(toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, t) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

/// The expressions inside every `CHECK (…)`.
fn check_bodies(toks: &[Tok]) -> Vec<&[Tok]> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if is_word(&toks[i], "check") && toks.get(i + 1) == Some(&Tok::Punct('(')) {
            if let Some(close) = matching_paren(toks, i + 1) {
                out.push(&toks[i + 2..close]);
                i = close + 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// What follows the `WHERE` of a CREATE INDEX, outside any parentheses.
fn top_level_where(toks: &[Tok]) -> &[Tok] {
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => depth -= 1,
            _ if depth == 0 && is_word(t, "where") => return &toks[i + 1..],
            _ => {}
        }
    }
    &[]
}

/// Words that continue a type name after `::` (`double precision`, `character
/// varying`, `timestamp with time zone`).
const TYPE_TAIL: &[&str] = &["precision", "varying", "with", "without", "time", "zone"];

/// "on (a, b) with 'x', 'y'": the table's columns an expression uses and its
/// non-numeric string constants, in order. Enough to tell `kind IN ('a', 'b')` from
/// `kind IN ('a', 'c')` or from a CHECK on another column, across the dialects'
/// different spellings (`IN (…)` / `= ANY (ARRAY[…])`, `-90` / `'-90'::integer`).
fn expr_signature(toks: &[Tok], columns: &BTreeSet<String>) -> String {
    let mut cols: BTreeSet<String> = BTreeSet::new();
    let mut consts: BTreeSet<String> = BTreeSet::new();
    let (mut in_type, mut first) = (false, false);
    for t in toks {
        if *t == Tok::Cast {
            in_type = true;
            first = true;
            continue;
        }
        if in_type {
            if let Tok::Word(w) = t {
                if first || TYPE_TAIL.contains(&w.as_str()) {
                    first = false;
                    continue;
                }
            }
            in_type = false;
        }
        match t {
            Tok::Word(w) | Tok::Quoted(w) => {
                let w = w.to_lowercase();
                if columns.contains(&w) {
                    cols.insert(w);
                }
            }
            Tok::Str(s) if !is_number(s) => {
                consts.insert(format!("'{}'", s.replace('\'', "''")));
            }
            _ => {}
        }
    }
    let mut sig = format!("on ({})", cols.into_iter().collect::<Vec<_>>().join(", "));
    if !consts.is_empty() {
        sig.push_str(" with ");
        sig.push_str(&consts.into_iter().collect::<Vec<_>>().join(", "));
    }
    sig
}

// ---------------------------------------------------------------------------------
// Scratch databases, removed on drop (also when the test fails).

struct ScratchSqlite(std::path::PathBuf);

impl ScratchSqlite {
    fn url(&self) -> String {
        format!("sqlite://{}", self.0.display())
    }
}

impl Drop for ScratchSqlite {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

struct ScratchPostgres {
    admin_url: String,
    name: String,
}

impl ScratchPostgres {
    async fn create(admin_url: &str, name: &str) -> ScratchPostgres {
        crate::helpers::create_pg_database(admin_url, name).await;
        ScratchPostgres {
            admin_url: admin_url.to_string(),
            name: name.to_string(),
        }
    }

    fn url(&self) -> String {
        crate::helpers::replace_db_name(&self.admin_url, &self.name)
    }
}

impl Drop for ScratchPostgres {
    fn drop(&mut self) {
        crate::helpers::drop_pg_database(&self.admin_url, &self.name);
    }
}

#[test]
fn normalisation_and_signatures_agree_across_dialects() {
    assert_eq!(normalise_default("''::text"), "''");
    assert_eq!(normalise_default("'resident'::text"), "'resident'");
    assert_eq!(normalise_default("'-1'::integer"), "-1");
    assert_eq!(normalise_default("(0)"), "0");
    assert_eq!(normalise_default("TRUE"), "true");
    let cols: BTreeSet<String> = ["kind", "lat", "text"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let lite = tokenize("CREATE TABLE s (kind TEXT CHECK (kind IN ('b', 'a')), lat REAL CHECK (lat BETWEEN -90 AND 90))");
    let pg = tokenize("CHECK ((kind = ANY (ARRAY['a'::text, 'b'::text]))) CHECK (((lat >= ('-90'::integer)::double precision) AND (lat <= (90)::double precision)))");
    let sig = |toks: &[Tok]| -> Vec<String> {
        check_bodies(toks)
            .into_iter()
            .map(|b| expr_signature(b, &cols))
            .collect()
    };
    assert_eq!(
        sig(lite.as_slice()),
        vec!["on (kind) with 'a', 'b'", "on (lat)"]
    );
    assert_eq!(sig(lite.as_slice()), sig(pg.as_slice()));
}
