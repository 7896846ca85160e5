-- The centres' booking schedules get a version, as the stations and the calendar have:
-- every change bumps it in its transaction, and each process keeps the parsed schedules
-- until it moves (the booking page read and parsed all of them on every request).
INSERT INTO app_meta (key, value) VALUES ('schedules_version', '1');
