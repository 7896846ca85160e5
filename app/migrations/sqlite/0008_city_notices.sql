-- The city's identity (name, centre, bounding box): one row, set by the city's own
-- set-up or by the demo seed, read once into the server's state at start.
CREATE TABLE city (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    name       TEXT NOT NULL,
    center_lat REAL NOT NULL CHECK (center_lat BETWEEN -90 AND 90),
    center_lng REAL NOT NULL CHECK (center_lng BETWEEN -180 AND 180),
    min_lat    REAL NOT NULL,
    min_lng    REAL NOT NULL,
    max_lat    REAL NOT NULL,
    max_lng    REAL NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (min_lat < max_lat AND min_lng < max_lng)
);

-- Notices are stored as a message key and its arguments (JSON), rendered in the
-- reader's language when read. `text` stays for notices written before this change.
ALTER TABLE notices ADD COLUMN msg_key TEXT NOT NULL DEFAULT '';
ALTER TABLE notices ADD COLUMN msg_args TEXT NOT NULL DEFAULT '{}';
