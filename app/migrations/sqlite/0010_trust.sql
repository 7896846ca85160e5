-- Trust (issue 12): volunteer verification and claim limits, sign-in failures per
-- number, the outbox, photos in the database, reward owners, guide proposals, demo
-- accounts, team join requests.

-- Volunteers: verified by their community's staff (or a verified team's leader), with
-- the real name recorded. `claim_seq` is bumped by every claim: its row lock orders a
-- volunteer's claims so that the open-claim and daily limits hold under concurrency.
ALTER TABLE users ADD COLUMN real_name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN verified_at INTEGER;
ALTER TABLE users ADD COLUMN verified_by INTEGER REFERENCES users(id);
ALTER TABLE users ADD COLUMN claim_seq INTEGER NOT NULL DEFAULT 0;
-- Demo identities and the demo city's people: refused sign-in when demo mode is off.
ALTER TABLE users ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;
-- A team the person asked to join, waiting for the leader's or staff's approval.
ALTER TABLE users ADD COLUMN team_pending INTEGER REFERENCES teams(id);
ALTER TABLE teams ADD COLUMN leader_id INTEGER REFERENCES users(id);
ALTER TABLE teams ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;

-- Every claim, kept after it ends: the daily limit and the cooling-off period after a
-- withdrawal are counted here.
CREATE TABLE wish_claims (
    id         INTEGER PRIMARY KEY,
    wish_id    INTEGER NOT NULL REFERENCES wishes(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    claimed_at INTEGER NOT NULL,
    ended_at   INTEGER,
    outcome    TEXT CHECK (outcome IN ('withdrawn', 'expired', 'fulfilled', 'closed'))
);
CREATE INDEX wish_claims_user ON wish_claims(user_id, claimed_at);
CREATE INDEX wish_claims_wish ON wish_claims(wish_id, user_id);

-- Wrong codes per number: the rolling hour and day windows are counted here.
CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    phone TEXT NOT NULL,
    at    INTEGER NOT NULL
);
CREATE INDEX login_failures_phone ON login_failures(phone, at);

-- Outgoing texts, written in the action's transaction and delivered by a worker after
-- commit: claimed with a lease, retried with backoff, failures kept for admins. The
-- body is erased once sent.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    phone         TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    next_at       INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    claimed_until INTEGER,
    sent_at       INTEGER,
    failed_at     INTEGER,
    last_error    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(sent_at, failed_at, next_at);

-- Fulfilment photos in the database, in chunks, so that stateless servers share them.
-- A photo is staged while it is read (`wish_id` NULL) and tied to its wish in the
-- fulfilment's transaction; a staged photo never tied is purged by the jobs.
CREATE TABLE photos (
    id          INTEGER PRIMARY KEY,
    wish_id     INTEGER UNIQUE REFERENCES wishes(id),
    mime        TEXT NOT NULL DEFAULT '',
    bytes       INTEGER NOT NULL DEFAULT 0,
    sha256      TEXT NOT NULL DEFAULT '',
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL
);
CREATE TABLE photo_chunks (
    photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (photo_id, seq)
);

-- Who a reward belongs to (a community's staff or a merchant's account verify its
-- vouchers; neither: admins) and who verified each voucher.
ALTER TABLE rewards ADD COLUMN community_id INTEGER REFERENCES communities(id);
ALTER TABLE rewards ADD COLUMN merchant_id INTEGER REFERENCES users(id);
ALTER TABLE vouchers ADD COLUMN verified_by INTEGER REFERENCES users(id);

-- Guide changes proposed by staff, approved (and so published) or rejected by an admin.
CREATE TABLE guide_proposals (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL,
    base        INTEGER NOT NULL,
    item_json   TEXT NOT NULL,
    note        TEXT NOT NULL,
    proposed_by INTEGER NOT NULL REFERENCES users(id),
    proposed_at INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by  INTEGER REFERENCES users(id),
    decided_at  INTEGER
);
CREATE INDEX guide_proposals_status ON guide_proposals(status, id);

-- The one-time-code key no longer lives beside the hashes it keys.
DELETE FROM app_meta WHERE key = 'code_secret';

-- Reads of private data are looked up by who read what, recently.
CREATE INDEX audit_log_actor ON audit_log(actor_id, action, target, at);

-- A station edit names the version it was based on; a save based on an older one is
-- refused (409) instead of silently overwriting a colleague's.
ALTER TABLE stations ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- A guide version published from a staff proposal names both: who proposed it and
-- (`changed_by`) the admin who approved it.
ALTER TABLE catalogue_versions ADD COLUMN proposed_by INTEGER REFERENCES users(id);
