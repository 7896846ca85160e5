-- Micro-wishes, activities with waitlists, and the points ledger with redemption.
CREATE TABLE wishes (
    id               INTEGER PRIMARY KEY,
    community_id     INTEGER NOT NULL REFERENCES communities(id),
    poster_id        INTEGER NOT NULL REFERENCES users(id),
    category         TEXT NOT NULL,
    title            TEXT NOT NULL,
    story            TEXT NOT NULL,
    needs            TEXT NOT NULL,
    value_yuan       INTEGER NOT NULL,
    deadline         TEXT NOT NULL,
    -- Private: shown only to the poster, the claimant and the community's staff.
    contact          TEXT NOT NULL,
    address          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'rejected', 'published', 'claimed', 'fulfilled', 'confirmed', 'closed')),
    reject_reason    TEXT NOT NULL DEFAULT '',
    claimant_id      INTEGER REFERENCES users(id),
    claim_team_id    INTEGER REFERENCES teams(id),
    claimed_at       INTEGER,
    claim_expires_at INTEGER,
    fulfil_note      TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX wishes_status ON wishes(status, community_id);
CREATE INDEX wishes_claimant ON wishes(claimant_id);

CREATE TABLE activities (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id),
    kind         TEXT NOT NULL CHECK (kind IN ('project', 'red_saturday')),
    title        TEXT NOT NULL,
    day          TEXT NOT NULL,
    place        TEXT NOT NULL,
    capacity     INTEGER NOT NULL CHECK (capacity > 0),
    hours        INTEGER NOT NULL DEFAULT 2,
    points       INTEGER NOT NULL DEFAULT 5,
    -- Bumped by every sign-up change: its row lock orders them.
    seq          INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);
CREATE INDEX activities_day ON activities(day);

CREATE TABLE signups (
    id            INTEGER PRIMARY KEY,
    activity_id   INTEGER NOT NULL REFERENCES activities(id),
    user_id       INTEGER NOT NULL REFERENCES users(id),
    status        TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'withdrawn')),
    position      INTEGER NOT NULL,
    checked_in_at INTEGER,
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX signups_once ON signups(activity_id, user_id) WHERE status <> 'withdrawn';
CREATE INDEX signups_activity ON signups(activity_id, status, position);

-- Points: an append-only ledger; a balance is its sum, never a stored number.
CREATE TABLE points_ledger (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    delta      INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    ref        TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX points_user ON points_ledger(user_id);
CREATE TRIGGER points_ledger_no_update BEFORE UPDATE ON points_ledger
BEGIN SELECT RAISE(ABORT, 'points_ledger is append-only'); END;
CREATE TRIGGER points_ledger_no_delete BEFORE DELETE ON points_ledger
BEGIN SELECT RAISE(ABORT, 'points_ledger is append-only'); END;

CREATE TABLE rewards (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL,
    cost     INTEGER NOT NULL CHECK (cost > 0),
    stock    INTEGER NOT NULL CHECK (stock >= 0)
);

CREATE TABLE vouchers (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    reward_id  INTEGER NOT NULL REFERENCES rewards(id),
    created_at INTEGER NOT NULL,
    used_at    INTEGER
);

ALTER TABLE users ADD COLUMN points_seq INTEGER NOT NULL DEFAULT 0;
