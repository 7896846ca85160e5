-- The one-window catalogue: categories, the current guide of each item (JSON), and
-- every version of every guide (append-only).
CREATE TABLE catalogue_categories (
    code     TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    name     TEXT NOT NULL UNIQUE,
    name_en  TEXT NOT NULL,
    summary  TEXT NOT NULL
);
CREATE TABLE catalogue_items (
    code          TEXT PRIMARY KEY,
    category_code TEXT NOT NULL REFERENCES catalogue_categories(code),
    position      BIGINT NOT NULL,
    name          TEXT NOT NULL UNIQUE,
    version       BIGINT NOT NULL,
    guide         TEXT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE TABLE catalogue_versions (
    code       TEXT NOT NULL REFERENCES catalogue_items(code),
    version    BIGINT NOT NULL,
    guide      TEXT NOT NULL,
    changed_by BIGINT REFERENCES users(id),
    changed_at BIGINT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (code, version)
);
INSERT INTO app_meta (key, value) VALUES ('catalogue_version', '1');
