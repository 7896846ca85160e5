-- SQLite lets a TEXT PRIMARY KEY hold NULL (any number of them) unless it says NOT NULL;
-- PostgreSQL never does. These tables (and catalogue_versions, which depends on them) are
-- rebuilt with NOT NULL keys so that both
-- dialects describe the same schema (server/tests/api/schema.rs checks it). The
-- migration runs in one transaction with foreign keys on; every row is kept.

CREATE TABLE app_meta_new (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO app_meta_new (key, value) SELECT key, value FROM app_meta WHERE key IS NOT NULL;
DROP TABLE app_meta;
ALTER TABLE app_meta_new RENAME TO app_meta;

-- The catalogue's three tables reference each other (versions → items → categories):
-- their rows are kept aside, the children dropped before their parents, and all three
-- made again parents first, so that no parent row is ever missing under a child.
CREATE TEMP TABLE keep_catalogue_versions AS SELECT * FROM catalogue_versions;
CREATE TEMP TABLE keep_catalogue_items AS SELECT * FROM catalogue_items;
CREATE TEMP TABLE keep_catalogue_categories AS SELECT * FROM catalogue_categories;
DROP TABLE catalogue_versions;
DROP TABLE catalogue_items;
DROP TABLE catalogue_categories;

CREATE TABLE catalogue_categories (
    code     TEXT NOT NULL PRIMARY KEY,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL UNIQUE,
    name_en  TEXT NOT NULL,
    summary  TEXT NOT NULL
);
INSERT INTO catalogue_categories (code, position, name, name_en, summary)
    SELECT code, position, name, name_en, summary FROM keep_catalogue_categories WHERE code IS NOT NULL;

CREATE TABLE catalogue_items (
    code          TEXT NOT NULL PRIMARY KEY,
    category_code TEXT NOT NULL REFERENCES catalogue_categories(code),
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL UNIQUE,
    version       INTEGER NOT NULL,
    guide         TEXT NOT NULL,
    updated_at    INTEGER NOT NULL
);
INSERT INTO catalogue_items (code, category_code, position, name, version, guide, updated_at)
    SELECT code, category_code, position, name, version, guide, updated_at FROM keep_catalogue_items WHERE code IS NOT NULL;

CREATE TABLE catalogue_versions (
    code       TEXT NOT NULL REFERENCES catalogue_items(code),
    version    INTEGER NOT NULL,
    guide      TEXT NOT NULL,
    changed_by INTEGER REFERENCES users(id),
    changed_at INTEGER NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (code, version)
);
INSERT INTO catalogue_versions (code, version, guide, changed_by, changed_at, note)
    SELECT code, version, guide, changed_by, changed_at, note FROM keep_catalogue_versions;
DROP TABLE keep_catalogue_versions;
DROP TABLE keep_catalogue_items;
DROP TABLE keep_catalogue_categories;

CREATE TABLE code_throttle_new (
    phone        TEXT NOT NULL PRIMARY KEY,
    last_sent_at INTEGER NOT NULL
);
INSERT INTO code_throttle_new (phone, last_sent_at)
    SELECT phone, last_sent_at FROM code_throttle WHERE phone IS NOT NULL;
DROP TABLE code_throttle;
ALTER TABLE code_throttle_new RENAME TO code_throttle;

CREATE TABLE sessions_new (
    token_hash TEXT NOT NULL PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
INSERT INTO sessions_new (token_hash, user_id, created_at, expires_at)
    SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash IS NOT NULL;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE special_days_new (
    day        TEXT NOT NULL PRIMARY KEY,          -- YYYY-MM-DD, Asia/Shanghai
    kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name       TEXT NOT NULL,
    as_weekday TEXT CHECK (as_weekday IN ('Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'))
);
INSERT INTO special_days_new (day, kind, name, as_weekday)
    SELECT day, kind, name, as_weekday FROM special_days WHERE day IS NOT NULL;
DROP TABLE special_days;
ALTER TABLE special_days_new RENAME TO special_days;
