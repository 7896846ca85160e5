-- Extended-hours booking at community centres.
-- A centre's schedule (JSON: windows, slot length, seats per slot, items accepted).
CREATE TABLE booking_schedules (
    center_id  INTEGER PRIMARY KEY REFERENCES stations(id),
    schedule   TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Slots are made from the schedule for the days residents can book. The seat count is
-- changed only by conditional updates; the CHECK is the last guard against overbooking.
CREATE TABLE booking_slots (
    id           INTEGER PRIMARY KEY,
    center_id    INTEGER NOT NULL REFERENCES stations(id),
    day          TEXT NOT NULL,
    start_min    INTEGER NOT NULL,
    end_min      INTEGER NOT NULL,
    starts_at    INTEGER NOT NULL,
    capacity     INTEGER NOT NULL,
    booked       INTEGER NOT NULL DEFAULT 0,
    closed       INTEGER NOT NULL DEFAULT 0,
    close_reason TEXT NOT NULL DEFAULT '',
    UNIQUE (center_id, day, start_min),
    CHECK (booked >= 0 AND booked <= capacity)
);
CREATE INDEX booking_slots_day ON booking_slots(day);

CREATE TABLE bookings (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    slot_id     INTEGER NOT NULL REFERENCES booking_slots(id),
    center_id   INTEGER NOT NULL REFERENCES stations(id),
    item_code   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('active', 'cancelled', 'checked_in', 'done', 'no_show')),
    note        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    reminded_at INTEGER
);
CREATE INDEX bookings_user ON bookings(user_id, status);
CREATE INDEX bookings_slot ON bookings(slot_id);

-- Walk-ins recorded by staff, for the booked-versus-walk-in figures.
CREATE TABLE walk_ins (
    id         INTEGER PRIMARY KEY,
    center_id  INTEGER NOT NULL REFERENCES stations(id),
    item_code  TEXT NOT NULL,
    day        TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
);

-- In-app notices (a closed slot, a reminder).
CREATE TABLE notices (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    text       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notices_user ON notices(user_id, id);

-- Bumped by each booking write of a user: taking this row's lock first serialises one
-- resident's concurrent bookings, so the three-booking limit and the no-overlap rule
-- hold under races.
ALTER TABLE users ADD COLUMN booking_seq INTEGER NOT NULL DEFAULT 0;
