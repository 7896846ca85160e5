-- Fulfilment photos of wishes (the file lives in LINLI_UPLOAD_DIR; this row says whose
-- it is), check-in codes for activity sign-ups, and the volunteer hours recorded at
-- check-in.
CREATE TABLE wish_photos (
    wish_id     BIGINT PRIMARY KEY REFERENCES wishes(id),
    file        TEXT NOT NULL UNIQUE,
    mime        TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes       BIGINT NOT NULL CHECK (bytes > 0),
    sha256      TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL
);

ALTER TABLE signups ADD COLUMN checkin_code TEXT;
ALTER TABLE signups ADD COLUMN hours BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX signups_checkin_code ON signups(checkin_code);
CREATE INDEX signups_user ON signups(user_id);
CREATE INDEX users_team ON users(team_id);
CREATE INDEX wishes_team ON wishes(claim_team_id);
