-- Accounts, one-time codes, sessions, the audit log.
CREATE TABLE teams (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    unit         TEXT NOT NULL DEFAULT '',
    community_id INTEGER REFERENCES communities(id),
    created_at   INTEGER NOT NULL
);

CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    phone        TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL DEFAULT 'resident' CHECK (role IN ('resident', 'staff', 'admin')),
    community_id INTEGER REFERENCES communities(id),
    volunteer    INTEGER NOT NULL DEFAULT 0,
    team_id      INTEGER REFERENCES teams(id),
    created_at   INTEGER NOT NULL,
    CHECK (role <> 'staff' OR community_id IS NOT NULL)
);

-- One row per code sent. Only a hash of the code is kept.
CREATE TABLE login_codes (
    id         INTEGER PRIMARY KEY,
    phone      TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    used_at    INTEGER
);
CREATE INDEX login_codes_phone ON login_codes(phone, id);

-- At most one code per number per minute, decided by a conditional upsert.
CREATE TABLE code_throttle (
    phone        TEXT PRIMARY KEY,
    last_sent_at INTEGER NOT NULL
);

-- Codes requested per IP address per hour, likewise.
CREATE TABLE ip_throttle (
    ip    TEXT NOT NULL,
    hour  INTEGER NOT NULL,
    n     INTEGER NOT NULL,
    PRIMARY KEY (ip, hour)
);

-- The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Staff and admin actions: who, what, when, before and after. Append-only.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    actor_id     INTEGER REFERENCES users(id),
    action       TEXT NOT NULL,
    target       TEXT NOT NULL,
    community_id INTEGER,
    before_json  TEXT,
    after_json   TEXT,
    at           INTEGER NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
