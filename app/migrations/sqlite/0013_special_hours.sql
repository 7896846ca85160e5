-- Keeping hours true (issue 14): a station's special dates (closed for repairs, Spring
-- Festival hours), each a date range with its own hours ('' = closed). They are
-- evaluated as later opening_hours rules (see app/src/stations/hours.rs, `effective`).
CREATE TABLE station_special_hours (
    id         INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
    from_day   TEXT NOT NULL,
    to_day     TEXT NOT NULL,
    hours      TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    CHECK (to_day >= from_day)
);
CREATE INDEX station_special_hours_station ON station_special_hours(station_id, from_day);
