#!/usr/bin/env python3
"""The layer check (CI runs it; `make check` too).

Builds the file-level import graph of app/src and server/src from every `crate::…`
(and `super::…`) path, then fails on
  * an import circle (a strongly connected component of two or more files), or
  * an import that runs "up" the layers of ARCHITECTURE.md:
      base (error, util, time, i18n, config, db, …) → model → store → service
      → demo → state → api → pages → app.
A file may import its own layer or any lower one. Files not named in LAYER_OF_NAME are
taken by their name (model.rs, store.rs, …); anything unknown fails the check, so a new
file must be given its layer here.

Usage: scripts/layers.py [--graph]   (exit 1 on a violation)
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
RANK = {"base": 0, "model": 1, "store": 2, "service": 3, "demo": 4,
        "state": 5, "api": 6, "pages": 7, "app": 8}

# Files whose layer is not told by their own name: (module path) -> layer.
LAYER_OF_NAME = {
    "lib": "app", "app": "app", "metrics": "service",
    "error": "base", "util": "base", "time": "base", "i18n": "base", "config": "base",
    "security": "base", "db": "base", "locale": "base", "query": "base",
    "prefs": "base", "cache": "base", "state": "state", "reply": "api",
}
# By file stem inside a feature folder.
LAYER_OF_STEM = {
    "model": "model", "coords": "model", "hours": "model", "search": "model",
    "ics": "model", "views": "model", "transfer": "model", "secret": "model", "cache": "service", "index": "model",
    "store": "store", "service": "service", "jobs": "service", "sms": "service",
    "outbox": "service", "reminders": "service", "photo": "store", "coverage": "service",
    "session": "api", "api": "api", "admin": "service", "pages": "pages",
    "desk": "pages", "chart": "model",
}


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


def layer_of(mod, crate):
    parts = mod.split("::")
    if crate == "server":
        return {"lib": "app", "main": "app"}.get(mod, "api")
    if parts[0] == "demo":
        return "demo"
    if parts[0] == "pages":
        return "pages"
    if mod in LAYER_OF_NAME:
        return LAYER_OF_NAME[mod]
    if len(parts) == 1:
        return "module-root"  # a feature's mod.rs only declares its files
    stem = parts[-1]
    if stem.startswith("pages") or parts[-2] == "pages":
        return "pages"
    if stem.startswith("api") or parts[-2] == "api":
        return "api"
    if stem in LAYER_OF_STEM:
        return LAYER_OF_STEM[stem]
    if parts[-2] in ("model", "store", "service", "demo"):
        return LAYER_OF_STEM.get(parts[-2], parts[-2])
    return None


PATH_RE = re.compile(r"\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)+|::\{)")


def expand_use_groups(text):
    """Turns `use crate::a::{b, c::d};` into `crate::a::b crate::a::c::d`."""
    out = []
    for m in re.finditer(r"\buse\s+((?:crate|super)(?:::\w+)*)::\{([^;]*)\};", text, re.S):
        base = m.group(1)
        inner = m.group(2)
        depth, cur, items = 0, "", []
        for ch in inner:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                items.append(cur)
                cur = ""
            else:
                cur += ch
        items.append(cur)
        for it in items:
            it = re.sub(r"\s+", "", it)
            if not it or it == "self":
                out.append(base)
                continue
            name = it.split("::{")[0]
            out.append(base + "::" + name)
    return out


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(re.sub(r"//.*$", "", line) for line in text.splitlines())


def deps(mod, path, mods):
    text = strip_comments(open(path, encoding="utf-8").read())
    refs = [m.group(0) for m in PATH_RE.finditer(text)] + expand_use_groups(text)
    here = mod.split("::") if mod != "lib" else []
    found = set()
    for r in refs:
        parts = r.replace("::{", "").split("::")
        if parts[0] == "crate":
            segs = parts[1:]
        else:
            # `super` inside an inline module of a file (`mod tests`, `mod ssr`) is the
            # file itself; each further `super` goes one module up.
            n = 0
            while n < len(parts) and parts[n] == "super":
                n += 1
            segs = here[: len(here) - (n - 1)] + parts[n:]
        for k in range(len(segs), 0, -1):
            cand = "::".join(segs[:k])
            if cand in mods:
                if cand != mod:
                    found.add(cand)
                break
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
        for w in graph.get(v, ()):
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


def check(crate):
    src = os.path.join(ROOT, crate, "src")
    mods = modules(src)
    graph = {m: deps(m, p, mods) for m, p in mods.items()}
    problems, up = [], 0
    for comp in sccs(graph):
        problems.append(f"{crate}: import circle of {len(comp)} files: {', '.join(comp)}")
    for m, ds in sorted(graph.items()):
        lm = layer_of(m, crate)
        if lm is None:
            problems.append(f"{crate}: {m} has no layer: name it in scripts/layers.py")
            continue
        if lm == "module-root":
            continue
        for d in sorted(ds):
            ld = layer_of(d, crate)
            if ld in (None, "module-root"):
                continue
            if RANK[ld] > RANK[lm]:
                up += 1
                problems.append(f"{crate}: {m} ({lm}) imports {d} ({ld}), a higher layer")
    return graph, problems


def server_fns_outside_reply():
    """Every server function ends in the one reply helper (`crate::reply::…`), and
    nothing in its body runs before the helper could see an error (no `?` outside the
    `async` block handed to it)."""
    out, total = [], 0
    src = os.path.join(ROOT, "app", "src")
    for path in sorted(modules(src).values()):
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(r"#\[server\([^\]]*\]\s*pub async fn (\w+)[^{]*\{", text, re.S):
            total += 1
            depth, i = 1, m.end()
            while depth and i < len(text):
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
            body = text[m.end():i - 1]
            tail = body.strip().splitlines()[-1] if body.strip() else ""
            if not re.search(r"crate::reply::(reply|read|page)\(", tail + body[-300:]):
                out.append(f"app: server function {m.group(1)} ({os.path.relpath(path, ROOT)}) does not end in crate::reply")
    return out, total


def self_test():
    """The check must be able to fail: a made-up crate with a circle, a store importing
    the demo, and a server function that skips the reply helper."""
    import tempfile
    global ROOT
    saved = ROOT
    with tempfile.TemporaryDirectory() as tmp:
        ROOT = tmp
        files = {
            "app/src/lib.rs": "pub mod wishes; pub mod demo;",
            "app/src/wishes/mod.rs": "pub mod model; pub mod store; pub mod api;",
            "app/src/wishes/model.rs": "use crate::wishes::store::X;",
            "app/src/wishes/store.rs": "use crate::wishes::model::Y; use crate::demo::Z;",
            "app/src/wishes/api.rs": '#[server(prefix = "/api", endpoint = "w")]\n'
                                     "pub async fn f() -> Result<(), E> {\n    Ok(())\n}\n",
            "app/src/demo/mod.rs": "use crate::wishes::store::X;",
            "server/src/lib.rs": "",
        }
        for rel, text in files.items():
            p = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "w", encoding="utf-8").write(text)
        _, problems = check("app")
        outside, _ = server_fns_outside_reply()
    ROOT = saved
    text = "\n".join(problems + outside)
    for expected in ["import circle", "wishes::store (store) imports demo (demo)",
                     "wishes::model (model) imports wishes::store (store)",
                     "server function f"]:
        assert expected in text, f"self-test: not caught: {expected}\n{text}"
    print("layers: self-test ok (a circle, upward imports and a bypassed reply are caught)")


def main():
    if "--self-test" in sys.argv:
        self_test()
        return
    all_problems = []
    outside, total = server_fns_outside_reply()
    all_problems += outside
    for crate in ("app", "server"):
        graph, problems = check(crate)
        if "--graph" in sys.argv:
            for m, ds in sorted(graph.items()):
                print(f"{crate}:{m} [{layer_of(m, crate)}] -> {', '.join(sorted(ds))}")
        all_problems += problems
    circles = sum(1 for p in all_problems if "circle" in p)
    ups = sum(1 for p in all_problems if "higher layer" in p)
    for p in all_problems:
        print(p)
    print(f"layers: {circles} import circles, {ups} upward imports, "
          f"{len(outside)} of {total} server functions outside the reply helper, "
          f"{len(all_problems)} problems")
    sys.exit(1 if all_problems else 0)


if __name__ == "__main__":
    main()
