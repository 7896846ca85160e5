-- The holiday calendar (法定节假日 and 调休上班), maintained by staff.
CREATE TABLE special_days (
    day        TEXT PRIMARY KEY,          -- YYYY-MM-DD, Asia/Shanghai
    kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name       TEXT NOT NULL,
    as_weekday TEXT CHECK (as_weekday IN ('Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'))
);
-- Whether a station opens on make-up working days with that weekday's hours.
ALTER TABLE stations ADD COLUMN follows_workdays BIGINT NOT NULL DEFAULT 0;
-- Bumped by every write to stations, so that each server process can tell when its
-- in-memory spatial index is stale.
INSERT INTO app_meta (key, value) VALUES ('stations_version', '1');
INSERT INTO app_meta (key, value) VALUES ('calendar_version', '1');
