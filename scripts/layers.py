#!/usr/bin/env python3
"""The layer check (CI runs it; `make check` too).

Builds the file-level import graph of app/src and server/src from every `crate::…`
(and `super::…`) path, and in server/src from every `app::…` path too (mapped to the
app/src file it names, so the layer rules hold across the crate boundary), then fails on
  * circle:   an import circle (a strongly connected component of two or more files);
  * upward:   an import that runs "up" the layers of ARCHITECTURE.md:
                base (error, util, time, i18n, config, db, …) → model → store → service
                → demo → state → api → pages → app.
              A file may import its own layer or any lower one;
  * no-layer: a file the script cannot place (files not named in LAYER_OF_NAME are taken
              by their name: model.rs, store.rs, …; a top-level file that is not a
              folder's mod.rs must be named), so a new file must be given its layer;
  * reply:    a #[server] function that does not end in `crate::reply::…`;
and on what the files say (comments and `#[cfg(test)]` items are not read):
  * write-tx: a transaction opened outside a service. `Db::begin_write` is called only in
              service-layer files; the raw openers (`.begin()`, `.begin_with(…)`,
              `Transaction::begin`, an SQL string that is just `BEGIN [IMMEDIATE]` or
              `START TRANSACTION`) only in TX_PRIMITIVE_FILES (db/mod.rs, which defines
              `begin_write`). Naming the type (`&mut sqlx::Transaction<…>` taken from the
              caller) opens nothing and is not a breach. Read transactions: there are none today (db/mod.rs has no
              `begin_read`, reads go to the pool); should one be added, the names in
              READ_TX_CALLS may be called from any file of the store layer or above.
  * write-tx-demo: the same in the demo layer, reported apart, except in DEMO_TX_FILES
              (app/src/demo/mod.rs): the one place besides the services, chosen because the
              demo city is written all or nothing in one transaction through the stores of
              every feature, which no single feature's service may import (demo sits above
              the services). Any other demo write goes through a service.
  * audit-sql: a string literal that writes (INSERT/UPDATE/DELETE) an audit table
              (AUDIT_TABLES: `audit_log`) anywhere but AUDIT_STORE (app/src/audit/store.rs,
              the audit feature's store, still to be made).
  * audit-call: a call to an audit writer from a file that is neither a service nor
              AUDIT_STORE. The writers are found, not listed: every app function whose
              body holds such SQL, and every store-layer function that calls a writer
              (so a store that records an audit on the side is a writer, and so is its
              caller's call). A call is matched by name: a qualified one must end like
              the writer's module (`store::audit(`), a bare one needs a `use` of the name
              or to be in the writer's own file.
  * i18n-in-model: `tr(`, `tr_args(`, `tr_in(`, `i18n::tr…` or `t!(` in a model file: a
              model returns keys and values, the layers above say them.
  * server-fn-length: a #[server] function whose body has more than SERVER_FN_MAX_LINES
              lines of code (blank and comment lines not counted). The limit is 40: a
              server function is "state, caller, service, reply" — the `async` block, the
              state, the caller, the helper and its `.await` take about 8 lines; a service
              call with six arguments, as rustfmt lays it out, about 10; decoding the
              arguments and shaping the reply leave some 20 more. Past 40 lines the
              function is doing a service's (or a view's) work where no test reaches it.
  * day-parser: a chrono parse of a bare day (`"%Y-%m-%d"`) or time of day (`"%H:%M"`)
              outside test code: days and times are read by `calendar_types::Day` and
              `ClockTime` only, so that every form, file and row agrees on their bounds
              (2000–2100; 00:00–24:00) and no year like +262142 gets through.
  * server-store: a server/src file other than lib.rs/main.rs (http/*, jobs.rs) that
              imports an app store module: the HTTP handlers and the background jobs go
              through the services (a job is an entry point like a request, with no caller).
Layers of server/src: lib.rs, main.rs and http/mod.rs (the router, which mounts `App` and
`shell`) are the app layer; every other file (http/*, jobs.rs) is the api layer.

Each breach is one line `path:line: rule: what`, grouped by rule; the last line counts
them. Usage: scripts/layers.py [--graph] [--self-test]   (exit 1 on a breach)
"""
import bisect
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
RANK = {"base": 0, "model": 1, "store": 2, "service": 3, "demo": 4,
        "state": 5, "api": 6, "pages": 7, "app": 8}
# The demo city's seeding transaction (see write-tx-demo above).
DEMO_TX_FILES = {"app/src/demo/mod.rs"}
RULES = ["no-layer", "circle", "upward", "reply", "write-tx", "write-tx-demo", "audit-sql",
         "audit-call", "i18n-in-model", "server-fn-length", "server-store", "day-parser"]

# Files whose layer is not told by their own name: (module path) -> layer.
LAYER_OF_NAME = {
    "lib": "app", "app": "app", "metrics": "service",
    "error": "base", "util": "base", "time": "base", "i18n": "base", "config": "base",
    "security": "base", "db": "base", "locale": "base", "query": "base",
    "prefs": "base", "cache": "base", "state": "state", "reply": "api", "message": "base", "calendar_types": "base",
}
# By file stem inside a feature folder.
LAYER_OF_STEM = {
    "model": "model", "coords": "model", "hours": "model", "chinese": "model", "english": "model", "search": "model",
    "ics": "model", "views": "model", "transfer": "model", "secret": "model", "cache": "service", "index": "model",
    "store": "store", "service": "service", "jobs": "service", "sms": "service",
    "outbox": "service", "reminders": "service", "group": "service", "photo": "store", "coverage": "service",
    "session": "api", "api": "api", "admin": "service", "pages": "pages",
    "desk": "pages", "chart": "model",
}
# server/src: these modules are the app layer, the rest the api layer.
SERVER_LAYER_OF = {"lib": "app", "main": "app", "http": "app"}
# server/src modules that may use app stores directly (start-up, seeding, the CLI).
SERVER_STORE_EXEMPT = {"lib", "main"}

# Transactions.
TX_PRIMITIVE_FILES = {"app/src/db/mod.rs"}
WRITE_TX_RE = re.compile(r"\bbegin_write\s*\(")
RAW_TX_RE = re.compile(r"\.\s*begin\s*\(\s*\)|\.\s*begin_with\s*\(|\bTransaction\s*::\s*begin\b")
SQL_BEGIN_RE = re.compile(r"^\s*(BEGIN|START\s+TRANSACTION)(\s+(IMMEDIATE|EXCLUSIVE|DEFERRED|"
                          r"TRANSACTION|WORK))?\s*(;|$)", re.I)
READ_TX_CALLS = ("begin_read",)

# Audit records.
AUDIT_TABLES = ("audit_log",)
AUDIT_STORE = "app/src/audit/store.rs"
AUDIT_SQL_RE = re.compile(r"\b(INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(%s)\"?\b"
                          % "|".join(map(re.escape, AUDIT_TABLES)), re.I)

# Text in models.
I18N_RE = re.compile(r"(?<![\w.])(?:[\w:]*::)?(?:tr|tr_args|tr_in)\s*\(|\bi18n::(?:tr|tr_args|tr_in)\b"
                     r"|(?<![\w.])(?:rust_i18n::)?t!\s*[(\[{]")

SERVER_FN_MAX_LINES = 40
SERVER_FN_RE = re.compile(r"#\[server\([^\]]*\]\s*pub async fn (\w+)[^{]*\{", re.S)


# ---------------------------------------------------------------- reading the files

class Source:
    """A file read once. `code`: comments blanked; `bare`: string and char literal
    contents blanked too; `strings`: (offset, content) of each string literal. The
    `*_nt` views also blank every `#[cfg(test)]` item. Offsets and lines are kept."""

    def __init__(self, path):
        self.path = path
        self.rel = os.path.relpath(path, ROOT).replace(os.sep, "/")
        self.text = open(path, encoding="utf-8").read()
        self.code, self.bare, self.strings = lex(self.text)
        self.nl = [i for i, c in enumerate(self.text) if c == "\n"]
        spans = test_spans(self.bare)
        self.code_nt, self.bare_nt = blank(self.code, spans), blank(self.bare, spans)
        self.strings_nt = [(o, s) for o, s in self.strings
                           if not any(a <= o < b for a, b in spans)]

    def line(self, offset):
        return bisect.bisect_right(self.nl, offset - 1) + 1


RAW_START = re.compile(r'b?r(#*)"')
CHAR_LIT = re.compile(r"'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^\\'\n])'")


def lex(text):
    code, bare, strings = list(text), list(text), []
    n, i = len(text), 0

    def wipe(a, b, both):
        for k in range(a, b):
            if text[k] != "\n":
                bare[k] = " "
                if both:
                    code[k] = " "

    while i < n:
        c = text[i]
        prev = text[i - 1] if i else " "
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            wipe(i, j, True)
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            wipe(i, j, True)
            i = j
        elif c in "rb" and not (prev.isalnum() or prev == "_") and RAW_START.match(text, i):
            m = RAW_START.match(text, i)
            close = '"' + m.group(1)
            j = text.find(close, m.end())
            j = n if j < 0 else j
            strings.append((m.end(), text[m.end():j]))
            wipe(m.end(), j, False)
            i = j + len(close)
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            strings.append((i + 1, text[i + 1:j]))
            wipe(i + 1, j, False)
            i = j + 1
        elif c == "'":
            m = CHAR_LIT.match(text, i)
            if m:
                wipe(i + 1, m.end() - 1, False)
                i = m.end()
            else:
                i += 1  # a lifetime
        else:
            i += 1
    return "".join(code), "".join(bare), strings


def match_brace(bare, i):
    """`bare[i]` is `{`: the offset just past its `}`."""
    depth = 0
    while i < len(bare):
        if bare[i] == "{":
            depth += 1
        elif bare[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(bare)


def item_end(bare, i):
    """From `i`, the end of the item: past its `{…}` body, or past its `;`."""
    depth = 0
    while i < len(bare):
        ch = bare[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and ch == ";":
            return i + 1, None
        elif depth == 0 and ch == "{":
            return match_brace(bare, i), i
        i += 1
    return len(bare), None


def test_spans(bare):
    spans = []
    for m in re.finditer(r"#\[cfg\((?:all\(\s*)?test\b[^\]]*\]", bare):
        spans.append((m.start(), item_end(bare, m.end())[0]))
    return spans


def blank(s, spans):
    if not spans:
        return s
    out = list(s)
    for a, b in spans:
        for k in range(a, min(b, len(out))):
            if out[k] != "\n":
                out[k] = " "
    return "".join(out)


def functions(src):
    """(name, start, body_start, end) of each `fn` with a body, outside test items."""
    out = []
    for m in re.finditer(r"\bfn\s+(\w+)", src.bare_nt):
        end, body = item_end(src.bare_nt, m.end())
        if body is not None:
            out.append((m.group(1), m.start(), body, end))
    return out


def modules(src):
    out = {}
    for dirpath, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            full = os.path.join(dirpath, f)
            rel = os.path.relpath(full, src)[:-3].split(os.sep)
            if rel[-1] == "mod":
                rel = rel[:-1]
            out["::".join(rel) if rel else "lib"] = full
    return out


_SOURCES = {}


def source(path):
    if path not in _SOURCES:
        _SOURCES[path] = Source(path)
    return _SOURCES[path]


# ---------------------------------------------------------------- layers and imports

def layer_of(mod, crate, path=None):
    """The layer of a module; `path`, when given, tells a folder's mod.rs from a file."""
    parts = mod.split("::")
    if crate == "server":
        return SERVER_LAYER_OF.get(mod, "api")
    if parts[0] == "demo":
        return "demo"
    if parts[0] == "pages":
        return "pages"
    if mod in LAYER_OF_NAME:
        return LAYER_OF_NAME[mod]
    if len(parts) == 1:
        if path is not None and os.path.basename(path) != "mod.rs":
            return None  # a top-level file must be named in LAYER_OF_NAME
        return "module-root"  # a feature's mod.rs only declares its files
    stem = parts[-1]
    if (path is not None and os.path.basename(path) == "mod.rs"
            and stem not in FOLDER_LAYER_NAMES and only_declares(path)):
        return "module-root"  # a concern's folder (`stations/hours/`) inside a feature
    if stem.startswith("pages") or parts[-2] == "pages":
        return "pages"
    if stem.startswith("api") or parts[-2] == "api":
        return "api"
    if stem in LAYER_OF_STEM:
        return LAYER_OF_STEM[stem]
    if parts[-2] in ("model", "store", "service", "demo"):
        return LAYER_OF_STEM.get(parts[-2], parts[-2])
    return None


# A folder named like a layer (`booking/store/`) is that layer; any other folder inside a
# feature groups one concern's layers, and its mod.rs may only declare them.
FOLDER_LAYER_NAMES = {"model", "store", "service", "api", "pages", "views", "demo"}
DECLARATION_RE = re.compile(r"^\s*(//.*|#\[cfg\([^\]]*\)\]|(pub(\(crate\))?\s+)?mod\s+\w+\s*;)?\s*$")


def only_declares(path):
    """True if a mod.rs holds nothing but comments, `mod` lines and their `cfg`s."""
    full = path if os.path.isabs(path) else os.path.join(ROOT, path)
    try:
        with open(full, encoding="utf-8") as f:
            return all(DECLARATION_RE.match(line) for line in f)
    except OSError:
        return False


PATH_RE = re.compile(r"(?<![\w:])(crate|super|app)((?:::[A-Za-z_][A-Za-z0-9_]*)+|::\{)")


def split_group(inner, at):
    """The items of a `{…}` group at depth 0, each with its offset."""
    depth, cur, items, start = 0, "", [], at
    for k, ch in enumerate(inner):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            items.append((start, cur))
            cur, start = "", at + k + 1
        else:
            cur += ch
    items.append((start, cur))
    return items


def expand_group(base, inner, at):
    out = []
    for off, it in split_group(inner, at):
        off += len(it) - len(it.lstrip())
        flat = re.sub(r"\s+", "", it)
        if not flat or flat == "self":
            out.append((off, base))
        elif "::{" in flat and flat.endswith("}"):
            head, rest = flat.split("::{", 1)
            out += expand_group(base + "::" + head, rest[:-1], off)
        else:
            out.append((off, base + "::" + flat.split("::{")[0]))
    return out


def expand_use_groups(text, roots):
    """Turns `use crate::a::{b, c::{d, e}};` into (offset, `crate::a::b`),
    (…, `crate::a::c::d`), (…, `crate::a::c::e`)."""
    out = []
    pat = r"\buse\s+((?:%s)(?:::\w+)*)::\{([^;]*)\};" % "|".join(roots)
    for m in re.finditer(pat, text, re.S):
        out += expand_group(m.group(1), m.group(2), m.start(2))
    return out


def reexports(lib_path):
    """Names a crate root re-exports: `pub use app::{shell, App};` -> {shell: app, App: app}."""
    out = {}
    if not os.path.exists(lib_path):
        return out
    text = source(lib_path).bare_nt
    for m in re.finditer(r"\bpub\s+use\s+([\w:]+)::\{([^}]*)\};", text):
        for name in re.split(r"\s*,\s*", m.group(2).strip()):
            if re.fullmatch(r"\w+", name):
                out[name] = m.group(1)
    for m in re.finditer(r"\bpub\s+use\s+([\w:]+)::(\w+);", text):
        out[m.group(2)] = m.group(1)
    return {k: re.sub(r"^(crate|self)::", "", v) for k, v in out.items()}


def resolve(segs, mods, reexp):
    for _ in range(2):
        for k in range(len(segs), 0, -1):
            cand = "::".join(segs[:k])
            if cand in mods:
                return cand
        if not segs or segs[0] not in reexp:
            return None
        segs = reexp[segs[0]].split("::") + segs[1:]
    return None


def deps(mod, src, crate, world):
    """{(crate, module): line of the first reference} of one file."""
    text = src.bare
    roots = ["crate", "super"] + (["app"] if crate == "server" else [])
    refs = [(m.start(), m.group(0)) for m in PATH_RE.finditer(text) if m.group(1) in roots]
    refs += expand_use_groups(text, roots)
    here = mod.split("::") if mod != "lib" else []
    found = {}
    for off, r in sorted(refs):
        parts = r.replace("::{", "").split("::")
        target = crate
        if parts[0] == "crate":
            segs = parts[1:]
        elif parts[0] == "app":
            target, segs = "app", parts[1:]
        else:
            # `super` inside an inline module of a file (`mod tests`, `mod ssr`) is the
            # file itself; each further `super` goes one module up.
            n = 0
            while n < len(parts) and parts[n] == "super":
                n += 1
            segs = here[: len(here) - (n - 1)] + parts[n:]
        mods, reexp = world[target]
        cand = resolve(segs, mods, reexp)
        if cand is not None and (target, cand) != (crate, mod):
            found.setdefault((target, cand), src.line(off))
    return found


def sccs(graph):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


class Tree:
    """Both crates: their modules, layers and import graph."""

    def __init__(self):
        self.mods, self.world = {}, {}
        for crate in ("app", "server"):
            mods = modules(os.path.join(ROOT, crate, "src"))
            self.mods[crate] = mods
            self.world[crate] = (mods, reexports(mods.get("lib", "")))
        self.graph = {(c, m): deps(m, source(p), c, self.world)
                      for c in self.mods for m, p in self.mods[c].items()}

    def files(self):
        for c in ("app", "server"):
            for m, p in sorted(self.mods[c].items()):
                yield c, m, source(p), layer_of(m, c, p)

    def rel(self, key):
        return source(self.mods[key[0]][key[1]]).rel


def name(key, home):
    return key[1] if key[0] == home else f"{key[0]}::{key[1]}"


def check_imports(tree, out):
    for crate in ("app", "server"):
        sub = {k: {d for d in ds if d[0] == crate} for k, ds in tree.graph.items() if k[0] == crate}
        for comp in sccs(sub):
            first = comp[0]
            members = set(comp)
            line = min((ln for d, ln in tree.graph[first].items() if d in members), default=1)
            out.append((tree.rel(first), line, "circle",
                        f"{len(comp)} files import each other: {', '.join(k[1] for k in comp)}"))
    for key, ds in sorted(tree.graph.items()):
        crate, m = key
        lm = layer_of(m, crate, tree.mods[crate][m])
        if lm is None:
            out.append((tree.rel(key), 1, "no-layer", f"{m} has no layer: name it in scripts/layers.py"))
            continue
        if lm == "module-root":
            continue
        for d, line in sorted(ds.items()):
            ld = layer_of(d[1], d[0], tree.mods[d[0]][d[1]])
            if ld in (None, "module-root"):
                continue
            if RANK[ld] > RANK[lm]:
                out.append((tree.rel(key), line, "upward",
                            f"{m} ({lm}) imports {name(d, crate)} ({ld}), a higher layer"))
            if crate == "server" and d[0] == "app" and ld == "store" and m not in SERVER_STORE_EXEMPT:
                out.append((tree.rel(key), line, "server-store",
                            f"{m} imports app::{d[1]}: go through a service"))


# ---------------------------------------------------------------- content rules

def server_fns(tree, out):
    """Every server function ends in the one reply helper (`crate::reply::…`), nothing in
    its body runs before the helper could see an error, and the body is short."""
    total = 0
    for crate, m, src, _ in tree.files():
        for fm in SERVER_FN_RE.finditer(src.bare_nt):
            total += 1
            end = match_brace(src.bare_nt, fm.end() - 1)
            body = src.bare_nt[fm.end():end - 1]
            tail = body.strip().splitlines()[-1] if body.strip() else ""
            line = src.line(fm.start())
            if not re.search(r"crate::reply::(reply|read|page)\(", tail + body[-300:]):
                out.append((src.rel, line, "reply", f"server function {fm.group(1)} does not end in crate::reply"))
            n = sum(1 for ln in src.code_nt[fm.end():end - 1].splitlines() if ln.strip())
            if n > SERVER_FN_MAX_LINES:
                out.append((src.rel, line, "server-fn-length",
                            f"server function {fm.group(1)} is {n} lines (limit {SERVER_FN_MAX_LINES})"))
    return total


def transactions(tree, out):
    for crate, m, src, layer in tree.files():
        if layer is None:
            continue
        rule = "write-tx-demo" if layer == "demo" else "write-tx"
        if src.rel in DEMO_TX_FILES:
            continue
        seen = set()

        def add(off, what):
            line = src.line(off)
            if line not in seen:
                seen.add(line)
                out.append((src.rel, line, rule, what))

        if layer != "service":
            for x in WRITE_TX_RE.finditer(src.bare_nt):
                if is_definition(src, x.start()):
                    continue
                add(x.start(), f"begin_write in a {layer} file: open the transaction in a service")
        if src.rel not in TX_PRIMITIVE_FILES:
            for x in RAW_TX_RE.finditer(src.bare_nt):
                add(x.start(), f"raw transaction `{x.group(0).strip()}`: only db/mod.rs opens one "
                               "(Db::begin_write, in a service)")
            for off, s in src.strings_nt:
                if SQL_BEGIN_RE.search(s):
                    add(off, f"SQL `{s.strip()}`: only db/mod.rs opens a transaction")
        if RANK.get(layer, -1) < RANK["store"]:
            for fn in READ_TX_CALLS:
                for x in re.finditer(r"(?<![\w])%s\s*\(" % fn, src.bare_nt):
                    if not is_definition(src, x.start()):
                        add(x.start(), f"{fn} in a {layer} file: reads in a transaction start at the store")


def is_definition(src, off):
    """Whether the name at `off` follows `fn` (a definition, not a call)."""
    return re.search(r"\bfn\s+$", src.bare_nt[max(0, off - 12):off]) is not None


_SITES = {}


def call_sites(src, fname, mod_path):
    """Offsets of calls to the function `fname` of module `mod_path` in `src`."""
    key = (src.rel, fname, mod_path)
    if key not in _SITES:
        _SITES[key] = list(_call_sites(src, fname, mod_path))
    return _SITES[key]


def _call_sites(src, fname, mod_path):
    if fname not in src.bare_nt:
        return
    mod_segs = mod_path.split("::")
    if not hasattr(src, "uses"):
        src.uses = re.findall(r"\buse\s[^;]*;", src.bare_nt)
    uses = any(re.search(r"\b%s\b" % fname, u) for u in src.uses)
    for x in re.finditer(r"(?<![\w.:])((?:\w+::)*)%s\s*\(" % fname, src.bare_nt):
        if is_definition(src, x.start()):
            continue
        qual = [s for s in x.group(1).split("::") if s and s not in ("crate", "app", "self", "super")]
        if qual:
            if mod_segs[-len(qual):] != qual:
                continue
        elif not (uses or src.rel == writer_file(mod_path)):
            continue
        yield x.start()


_WRITER_FILES = {}


def writer_file(mod_path):
    return _WRITER_FILES.get(mod_path)


def audit(tree, out):
    writers = {}  # (module, fn) -> how it writes
    fns = {}
    for crate, m, src, layer in tree.files():
        if crate == "app":
            _WRITER_FILES[m] = src.rel
            fns[m] = functions(src)
        for off, s in src.strings_nt:
            hit = AUDIT_SQL_RE.search(s)
            if not hit:
                continue
            if src.rel != AUDIT_STORE:
                out.append((src.rel, src.line(off), "audit-sql",
                            f"`{' '.join(hit.group(0).split())}` outside {AUDIT_STORE}"))
            inner = [f for f in fns.get(m, []) if f[2] <= off < f[3]] if crate == "app" else []
            if inner:
                f = max(inner, key=lambda f: f[2])
                writers[(m, f[0])] = f"writes {hit.group(2)}"
    # Store functions that call a writer write the audit too.
    changed = True
    while changed:
        changed = False
        for crate, m, src, layer in tree.files():
            if crate != "app" or layer != "store":
                continue
            for fname, _, body, end in fns[m]:
                if (m, fname) in writers:
                    continue
                for (wm, wf) in list(writers):
                    if any(body <= o < end for o in call_sites(src, wf, wm)):
                        writers[(m, fname)] = f"calls {wf}"
                        changed = True
                        break
    for crate, m, src, layer in tree.files():
        if layer == "service" or src.rel == AUDIT_STORE:
            continue
        seen = set()
        for (wm, wf), how in sorted(writers.items()):
            for off in call_sites(src, wf, wm):
                line = src.line(off)
                if line in seen:
                    continue
                seen.add(line)
                out.append((src.rel, line, "audit-call",
                            f"{wm}::{wf} ({how}) called from a {layer} file: only services record audits"))


def i18n_in_model(tree, out):
    for crate, m, src, layer in tree.files():
        if layer != "model":
            continue
        seen = set()
        for x in I18N_RE.finditer(src.bare_nt):
            if is_definition(src, x.start()):
                continue
            line = src.line(x.start())
            if line not in seen:
                seen.add(line)
                out.append((src.rel, line, "i18n-in-model",
                            f"`{x.group(0).rstrip('([{ ')}` in a model: return a key, say it above"))


DAY_PARSE_RE = re.compile(r"parse_from_str\s*\([^;]*?\"(%Y-%m-%d|%H:%M)\"\s*,?\s*\)")


def day_parsers(tree, out):
    for crate, m, src, layer in tree.files():
        for x in DAY_PARSE_RE.finditer(src.code_nt):
            out.append((src.rel, src.line(x.start()), "day-parser",
                        f"chrono parses `{x.group(1)}`: use calendar_types::{'Day' if 'Y' in x.group(1) else 'ClockTime'}::parse"))


def run():
    _SOURCES.clear()
    _WRITER_FILES.clear()
    _SITES.clear()
    tree = Tree()
    out = []
    check_imports(tree, out)
    total = server_fns(tree, out)
    transactions(tree, out)
    audit(tree, out)
    i18n_in_model(tree, out)
    day_parsers(tree, out)
    out = sorted(set(out), key=lambda p: (RULES.index(p[2]), p[0], p[1], p[3]))
    return tree, out, total


def report(out, total):
    lines = [f"{p}:{ln}: {rule}: {what}" for p, ln, rule, what in out]
    counts = {r: 0 for r in RULES}
    for p in out:
        counts[p[2]] += 1
    summary = ", ".join(f"{r} {n}" for r, n in counts.items())
    lines.append(f"layers: {summary} ({total} server functions); {len(out)} problems")
    return lines


# ---------------------------------------------------------------- self-test

def self_test():
    """The check must be able to fail: a made-up tree with one breach of each rule, and
    the same things where they are allowed (which must pass)."""
    import tempfile
    global ROOT
    saved = ROOT
    long_body = "".join(f"        let x{i} = {i};\n" for i in range(SERVER_FN_MAX_LINES))
    files = {
        "app/src/lib.rs": "pub mod wishes; pub mod demo; pub mod db; pub mod i18n; pub mod audit;\n"
                          "pub mod pages; pub mod reply;\npub use pages::{Shell};\n",
        "app/src/i18n.rs": "pub fn tr(key: &str) -> String { key.into() }\n",
        "app/src/reply.rs": "pub fn reply() {}\n",
        "app/src/stray.rs": "",
        "app/src/wishes/photos/mod.rs": "//! A concern's folder.\n#[cfg(feature = \"ssr\")]\npub mod store;\n",
        "app/src/wishes/photos/store.rs": "pub fn keep() {}\n",
        "app/src/wishes/extra/mod.rs": "pub mod store;\npub fn helper() {}\n",
        "app/src/wishes/extra/store.rs": "pub fn keep() {}\n",
        "app/src/db/mod.rs": "impl Db {\n    pub async fn begin_write(&self) -> T {\n"
                             '        self.pool.begin_with("BEGIN IMMEDIATE").await.or(self.pool.begin().await)\n'
                             "    }\n}\n",
        "app/src/pages/mod.rs": "pub fn Shell() {}\n",
        "app/src/wishes/mod.rs": "pub mod model; pub mod store; pub mod api; pub mod service;",
        "app/src/wishes/model.rs": "use crate::wishes::store::X;\n"
                                   'pub fn check() -> Result<(), String> { Err(crate::i18n::tr("k")) }\n'
                                   "// tr(\"in a comment\") is not read\n"
                                   '#[cfg(test)]\nmod tests {\n    fn t() { let _ = super::tr("x"); }\n'
                                   '    fn d() { chrono::NaiveDate::parse_from_str("2026-01-01", "%Y-%m-%d"); }\n}\n'
                                   'pub fn day(s: &str) { chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(); }\n'
                                   'pub fn at(s: &str) { chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").ok(); }\n',
        "app/src/wishes/store.rs": "use crate::wishes::model::Y; use crate::demo::Z;\n"
                                   "pub async fn record(ex: E) {\n"
                                   '    sqlx::query("INSERT INTO audit_log (a) VALUES ($1)").execute(ex);\n}\n'
                                   "pub async fn claim(db: &Db) {\n    let mut tx = db.begin_write().await?;\n"
                                   "    record(&mut tx).await;\n"
                                   '    sqlx::query("BEGIN").execute(&db.pool);\n}\n'
                                   "pub fn ics() -> &'static str { \"BEGIN:VCALENDAR\" }\n"
                                   "#[cfg(test)]\nmod tests {\n    async fn t(db: &Db) { db.begin_write().await; }\n}\n",
        "app/src/wishes/service.rs": "use crate::wishes::store;\n"
                                     "pub async fn act(db: &Db) {\n    let mut tx = db.begin_write().await?;\n"
                                     "    store::record(&mut tx).await;\n"
                                     "    crate::audit::store::write(&mut tx).await;\n}\n",
        "app/src/wishes/api.rs": '#[server(prefix = "/api", endpoint = "w")]\n'
                                 "pub async fn f() -> Result<(), E> {\n    Ok(())\n}\n"
                                 '#[server(prefix = "/api", endpoint = "g")]\n'
                                 "pub async fn g() -> Result<(), E> {\n    let r = async {\n" + long_body +
                                 "        Ok(())\n    }\n    .await;\n    crate::reply::reply(r)\n}\n"
                                 '#[server(prefix = "/api", endpoint = "h")]\n'
                                 "pub async fn h() -> Result<(), E> {\n    let r = async {\n" +
                                 ("        // a comment line is not counted\n" * 50) +
                                 "        crate::wishes::store::record(&db).await\n"
                                 "    }\n    .await;\n    crate::reply::reply(r)\n}\n",
        "app/src/audit/mod.rs": "pub mod store;",
        "app/src/audit/store.rs": "pub async fn write(ex: E) {\n"
                                  '    sqlx::query("INSERT INTO audit_log (a) VALUES ($1)").execute(ex);\n}\n',
        "app/src/demo/mod.rs": "use crate::wishes::store::X;\n"
                               "pub async fn seed(db: &Db) {\n    let mut tx = db.begin_write().await?;\n"
                               "    crate::wishes::store::claim(db).await;\n}\n",
        "app/src/demo/people.rs": "pub async fn add(db: &Db) {\n    let mut tx = db.begin_write().await?;\n}\n",
        "server/src/lib.rs": "pub mod http; pub mod jobs;\nuse app::wishes::store::X;\n",
        "server/src/jobs.rs": "pub async fn run(db: &Db) {\n    app::wishes::service::act(db).await;\n"
                              "    app::wishes::store::claim(db).await;\n}\n",
        "server/src/http/mod.rs": "pub mod files;\nuse app::{Shell, wishes::api};\n",
        "server/src/http/files.rs": "use app::{pages::Shell, wishes::{store::{X, Y}}};\n"
                                    "pub async fn up(db: &Db) { let tx = db.pool.begin().await; }\n"
                                    'const Q: &str = r#"DELETE FROM audit_log"#;\n',
    }
    with tempfile.TemporaryDirectory() as tmp:
        ROOT = tmp
        for rel, text in files.items():
            p = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "w", encoding="utf-8").write(text)
        try:
            _, out, _ = run()
        finally:
            ROOT = saved
    text = "\n".join(report(out, 0))
    caught = [
        "app/src/stray.rs:1: no-layer: stray has no layer",
        "app/src/wishes/extra/mod.rs:1: no-layer: wishes::extra has no layer",
        "app/src/demo/mod.rs:1: circle: 3 files import each other: demo, wishes::model, wishes::store",
        "app/src/wishes/store.rs:1: upward: wishes::store (store) imports demo (demo)",
        "app/src/wishes/model.rs:1: upward: wishes::model (model) imports wishes::store (store)",
        "server/src/http/files.rs:1: upward: http::files (api) imports app::pages (pages)",
        "app/src/wishes/api.rs:1: reply: server function f does not end",
        f"app/src/wishes/api.rs:5: server-fn-length: server function g is {SERVER_FN_MAX_LINES + 5} lines",
        "app/src/wishes/store.rs:6: write-tx: begin_write in a store file",
        "app/src/wishes/store.rs:8: write-tx: SQL `BEGIN`",
        "server/src/http/files.rs:2: write-tx: raw transaction `.begin()`",
        "app/src/demo/people.rs:2: write-tx-demo: begin_write in a demo file",
        "app/src/wishes/store.rs:3: audit-sql: `INSERT INTO audit_log` outside app/src/audit/store.rs",
        "app/src/wishes/store.rs:7: audit-call: wishes::store::record (writes audit_log) called from a store",
        "app/src/wishes/api.rs:106: audit-call: wishes::store::record (writes audit_log) called from a api",
        "app/src/demo/mod.rs:4: audit-call: wishes::store::claim (calls record) called from a demo",
        "server/src/jobs.rs:3: audit-call: wishes::store::claim (calls record) called from a api",
        "app/src/wishes/model.rs:2: i18n-in-model: `crate::i18n::tr`",
        "server/src/http/files.rs:1: server-store: http::files imports app::wishes::store",
        "server/src/http/files.rs:3: audit-sql: `DELETE FROM audit_log` outside",
        "server/src/jobs.rs:3: server-store: jobs imports app::wishes::store",
        "app/src/wishes/model.rs:9: day-parser: chrono parses `%Y-%m-%d`",
    ]
    for expected in caught:
        assert expected in text, f"self-test: not caught: {expected}\n{text}"
    # Allowed: a service's transaction and audit call, the audit store's SQL, db/mod.rs's
    # raw BEGIN, the crate roots, comments, test items, an iCalendar "BEGIN:", a long
    # server function made of comments.
    for ok in ["wishes/photos/", "wishes/service.rs:", "audit/store.rs:", "db/mod.rs:", "server/src/lib.rs:",
               "server/src/http/mod.rs:", "model.rs:3:", "model.rs:7:", "store.rs:10:",
               "store.rs:13:", "function h is", "demo/mod.rs:3: write-tx"]:
        assert ok not in text, f"self-test: wrongly caught: {ok}\n{text}"
    assert len(out) == len(caught), f"self-test: {len(out)} breaches, expected {len(caught)}\n{text}"
    print("layers: self-test ok (each rule catches its planted breach and passes the allowed cases)")


def main():
    if "--self-test" in sys.argv:
        self_test()
        return
    tree, out, total = run()
    if "--graph" in sys.argv:
        for (crate, m), ds in sorted(tree.graph.items()):
            layer = layer_of(m, crate, tree.mods[crate][m])
            print(f"{crate}:{m} [{layer}] -> {', '.join(sorted(name(d, crate) for d in ds))}")
    for line in report(out, total):
        print(line)
    sys.exit(1 if out else 0)


if __name__ == "__main__":
    main()
