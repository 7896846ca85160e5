-- A sign-in code belongs to the requester that asked for it (its client address key),
-- and wrong codes lock that requester out of that number, not the number for everyone:
-- a stranger's guesses cannot keep the phone's owner out.
ALTER TABLE login_codes ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX login_codes_phone_client ON login_codes(phone, client, id);
ALTER TABLE login_failures ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_phone_client ON login_failures(phone, client, at);
-- One code a minute per number and requester, decided by a conditional upsert.
CREATE TABLE code_resend (
    phone        TEXT NOT NULL,
    client       TEXT NOT NULL,
    last_sent_at INTEGER NOT NULL,
    PRIMARY KEY (phone, client)
);
DROP TABLE code_throttle;
