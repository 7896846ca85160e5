#!/usr/bin/env python3
"""Raw SQL in the integration tests: fixtures go through named helpers.

The integration tests (server/tests/api) set themselves up through the portal's own
routes or the named helpers of `fixtures.rs` and `helpers.rs`, and read facts back the
same way (`app.wish_status(id)`). A test file writes SQL itself only where it must move
the clock or tamper with data the portal would never produce, and then says why on the
line above (or the one before it):

    // tamper: the clock moves past the code's five minutes.
    sqlx::query("UPDATE login_codes SET expires_at = expires_at - 301")

This script counts the raw statements and fails (exit 1) listing every one in a test
file that is not marked so. A raw statement is

- a call of sqlx's raw interface: `sqlx::query`, `query_as`, `query_scalar` (and their
  `_with` forms), `raw_sql`, `sqlx::Executor::execute`, or a connection's `.execute("…")`
  / `.fetch…("…")` on a string;
- SQL text outside such a call: a string that starts with an SQL keyword (`"SELECT …"`,
  `"UPDATE …"`…), as handed to a wrapper that runs it — a generic `scalar(app, "SELECT
  …")` is raw SQL too.

`helpers.rs` and `fixtures.rs` are where SQL belongs and are only counted. The schema
test (`schema.rs`) reads the databases' own catalogues to compare the two dialects'
migrations: its catalogue queries are SQL text by nature, run through
`fixtures::catalogue_rows`, and are counted apart, not checked.

Usage: scripts/test-sql.py [--dir server/tests/api] [--self-test]
"""

import argparse
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIR = os.path.join(HERE, "..", "server", "tests", "api")

# Where SQL belongs: counted, never checked.
HELPER_FILES = ("helpers.rs", "fixtures.rs")
# SQL text that is the subject of the test, with why.
SQL_TEXT_ALLOWED = {
    "schema.rs": "catalogue queries (sqlite_master, pg_catalog, information_schema) "
    "that compare the two dialects' migrations",
}

TAMPER = "// tamper:"
# How many lines above a statement its `// tamper:` may be.
MARK_WITHIN = 2
# How many lines a statement may span (its SQL text counts as part of it).
SPAN = 12

CALL = re.compile(
    r"\bsqlx\s*::\s*(?:query|query_as|query_scalar|query_with|query_as_with"
    r"|query_scalar_with|raw_sql)\b"
    r"|\bsqlx\s*::\s*Executor\s*::\s*execute\b"
    # Imported forms (`use sqlx::query_scalar;` then `query_scalar("…")`).
    r"|(?<![\w:.])(?:query|query_as|query_scalar|raw_sql)\s*(?:::<[^>]*>)?\s*\(\s*r?#*\""
    # A connection or pool run directly on a string.
    r"|\.(?:execute|fetch|fetch_one|fetch_all|fetch_optional)\s*\(\s*r?#*\""
)
SQL_TEXT = re.compile(
    r"r?#*\"\s*(?:SELECT|INSERT|UPDATE|DELETE|PRAGMA|CREATE|DROP|ALTER|WITH|REPLACE"
    r"|TRUNCATE|VACUUM)\b"
)


def code_of(line):
    """The line's code: nothing for a comment line or an import (a `use` names no
    statement)."""
    stripped = line.strip()
    if stripped.startswith("//") or stripped.startswith("use "):
        return ""
    return line


def marked(lines, i):
    """Whether line `i` has a `// tamper:` comment within the lines above it."""
    for k in range(1, MARK_WITHIN + 1):
        if i - k >= 0 and lines[i - k].strip().startswith(TAMPER):
            return True
    return False


def statements(text):
    """The raw statements of a file: (line index, kind, marked)."""
    lines = text.split("\n")
    out = []
    covered = set()
    for i, line in enumerate(lines):
        code = code_of(line)
        if not code or not CALL.search(code):
            continue
        out.append((i, "call", marked(lines, i)))
        # The statement's own lines, up to its end (`;`), hold its SQL text.
        for j in range(i, min(len(lines), i + SPAN)):
            covered.add(j)
            if code_of(lines[j]).rstrip().endswith(";"):
                break
    for i, line in enumerate(lines):
        code = code_of(line)
        if i in covered or not code or not SQL_TEXT.search(code):
            continue
        out.append((i, "sql text", marked(lines, i)))
    out.sort()
    return out


def check(directory, quiet=False):
    """Counts and checks `directory`; returns the unmarked statements (file, line, text)."""
    names = sorted(f for f in os.listdir(directory) if f.endswith(".rs"))
    helper_counts = {}
    test_counts = {}
    allowed_counts = {}
    unmarked = []
    for name in names:
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            text = f.read()
        lines = text.split("\n")
        found = statements(text)
        if name in HELPER_FILES:
            helper_counts[name] = len(found)
            continue
        mine = []
        for i, kind, ok in found:
            if kind == "sql text" and name in SQL_TEXT_ALLOWED:
                allowed_counts[name] = allowed_counts.get(name, 0) + 1
                continue
            mine.append((i, kind, ok))
            if not ok:
                unmarked.append((name, i + 1, kind, lines[i].strip()))
        if mine:
            test_counts[name] = (len(mine), sum(1 for _, _, ok in mine if ok))
    if not quiet:
        total_helpers = sum(helper_counts.values())
        total_tests = sum(n for n, _ in test_counts.values())
        total_marked = sum(m for _, m in test_counts.values())
        print(f"raw SQL statements in {os.path.relpath(directory)}:")
        print(
            f"  in helpers and fixtures: {total_helpers} "
            + "("
            + ", ".join(f"{k} {v}" for k, v in sorted(helper_counts.items()))
            + ")"
        )
        print(
            f"  in test files: {total_tests}, of which {total_marked} marked "
            f"`{TAMPER}` and {total_tests - total_marked} not"
        )
        for name, (n, m) in sorted(test_counts.items()):
            print(f"    {name}: {n} ({m} marked)")
        for name, n in sorted(allowed_counts.items()):
            print(f"  {name}: {n} {SQL_TEXT_ALLOWED[name]} (allowed, not checked)")
        for name, line, kind, text in unmarked:
            print(
                f"{os.path.relpath(os.path.join(directory, name))}:{line}: {kind} without "
                f"a `{TAMPER}` comment in the {MARK_WITHIN} lines above: {text}"
            )
        if unmarked:
            print(
                f"FAIL: {len(unmarked)} raw statement(s) in test files. Read or set up "
                "through a named helper in fixtures.rs (or a route); keep raw SQL only to "
                f"move the clock or tamper, marked `{TAMPER} why` on the line above."
            )
        else:
            print("ok: every raw statement in a test file is marked as tampering")
    return unmarked


SELF_TEST_FILES = {
    "helpers.rs": 'async fn x() { sqlx::query("SELECT 1").execute(p).await; }\n',
    "fixtures.rs": 'async fn y() { sqlx::query_scalar("SELECT COUNT(*) FROM t"); }\n',
    "marked.rs": """async fn a() {
    // tamper: the clock moves.
    sqlx::query("UPDATE t SET at = 1")
        .execute(p)
        .await
        .unwrap();
    // tamper: the second line of a comment may come between.
    // (it says more)
    let n = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM t")
        .fetch_one(p)
        .await
        .unwrap();
    // tamper: a `let` line may come between.
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(p)
            .await
            .unwrap();
    // sqlx::query("in a comment is no statement")
    let s = "a SELECT in prose is no SQL";
}
""",
    "schema.rs": 'async fn s() { catalogue_rows(db, "SELECT name FROM sqlite_master").await; }\n',
}
# Each unmarked: (file, text) and the line it must be reported at.
SELF_TEST_BAD = {
    "unmarked.rs": (
        """async fn b() {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
        .fetch_one(p)
        .await
        .unwrap();
}
""",
        2,
    ),
    "too_far.rs": (
        """async fn c() {
    // tamper: three lines up is too far.
    let x = 1;
    let y = 2;
    sqlx::query("DELETE FROM t").execute(p).await.unwrap();
}
""",
        5,
    ),
    "wrapper.rs": (
        """async fn d() {
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM t").await,
        0
    );
}
""",
        3,
    ),
    "imported.rs": (
        """use sqlx::query;
async fn e() {
    query("UPDATE t SET x = 1").execute(p).await.unwrap();
}
""",
        3,
    ),
}


def self_test():
    """Writes files with marked and unmarked statements and checks what is caught."""
    with tempfile.TemporaryDirectory() as d:
        for name, text in SELF_TEST_FILES.items():
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write(text)
        assert check(d, quiet=True) == [], "marked statements, helpers and schema pass"
        for name, (text, line) in SELF_TEST_BAD.items():
            path = os.path.join(d, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            found = check(d, quiet=True)
            assert [(n, l) for n, l, _, _ in found] == [(name, line)], (name, found)
            os.remove(path)
        # And the command itself exits 1 on an unmarked statement.
        name, (text, _) = next(iter(SELF_TEST_BAD.items()))
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write(text)
        rc = os.system(
            f"{sys.executable} {os.path.abspath(__file__)} --dir {d} > {os.devnull}"
        )
        assert os.waitstatus_to_exitcode(rc) == 1, rc
    print(f"self-test ok: {len(SELF_TEST_BAD)} kinds of unmarked statement caught")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default=DEFAULT_DIR, help="the test crate's directory")
    ap.add_argument("--self-test", action="store_true", help="check this script itself")
    args = ap.parse_args()
    if args.self_test:
        self_test()
        return 0
    return 1 if check(args.dir) else 0


if __name__ == "__main__":
    sys.exit(main())
