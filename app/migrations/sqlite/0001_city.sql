-- The demo city's geography and its life-circle stations.
-- Portable types only (see app/src/db/mod.rs): integers, REAL, TEXT; flags are 0/1.
CREATE TABLE app_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE streets (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    district TEXT NOT NULL,
    lat      REAL NOT NULL,
    lng      REAL NOT NULL
);

CREATE TABLE communities (
    id        INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES streets(id),
    name      TEXT NOT NULL UNIQUE,
    lat       REAL NOT NULL,
    lng       REAL NOT NULL
);
CREATE INDEX communities_street ON communities(street_id);

CREATE TABLE stations (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('center', 'red_station', 'outdoor', 'plaza')),
    name          TEXT NOT NULL,
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    address       TEXT NOT NULL,
    lat           REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng           REAL NOT NULL CHECK (lng BETWEEN -180 AND 180),
    amenities     TEXT NOT NULL DEFAULT '',
    opening_hours TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    verified_on   TEXT NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX stations_kind ON stations(kind);
CREATE INDEX stations_community ON stations(community_id);
-- One 党群服务中心 per community, enforced by the database.
CREATE UNIQUE INDEX stations_one_center ON stations(community_id) WHERE kind = 'center';
