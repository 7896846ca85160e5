-- SQLite's 0009 rebuilds six tables whose TEXT primary keys allowed NULL there; on
-- PostgreSQL a primary key is always NOT NULL, so nothing changes here. The file keeps
-- the two folders' migrations in step, number for number.
SELECT 1;
