-- A city's own data (issue 14): stations carry the id the city's own list gives them,
-- so that importing the same file twice changes nothing; an uploaded file is kept until
-- it is applied (servers are stateless: the preview and the apply may meet different
-- processes).
ALTER TABLE stations ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX stations_external_id ON stations(external_id);

CREATE TABLE imports (
    id         INTEGER PRIMARY KEY,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    file_name  TEXT NOT NULL,
    format     TEXT NOT NULL CHECK (format IN ('csv', 'geojson')),
    encoding   TEXT NOT NULL,
    datum      TEXT NOT NULL CHECK (datum IN ('wgs84', 'gcj02', 'bd09')),
    body       TEXT NOT NULL,
    applied_at INTEGER,
    applied_by INTEGER REFERENCES users(id),
    result     TEXT NOT NULL DEFAULT ''
);
