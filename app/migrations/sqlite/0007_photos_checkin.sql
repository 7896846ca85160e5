-- Fulfilment photos of wishes (the file lives in LINLI_UPLOAD_DIR; this row says whose
-- it is), check-in codes for activity sign-ups, and the volunteer hours recorded at
-- check-in.
CREATE TABLE wish_photos (
    wish_id     INTEGER PRIMARY KEY REFERENCES wishes(id),
    file        TEXT NOT NULL UNIQUE,
    mime        TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes       INTEGER NOT NULL CHECK (bytes > 0),
    sha256      TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL
);

ALTER TABLE signups ADD COLUMN checkin_code TEXT;
ALTER TABLE signups ADD COLUMN hours INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX signups_checkin_code ON signups(checkin_code);
CREATE INDEX signups_user ON signups(user_id);
CREATE INDEX users_team ON users(team_id);
CREATE INDEX wishes_team ON wishes(claim_team_id);
