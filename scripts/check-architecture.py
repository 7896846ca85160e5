#!/usr/bin/env python3
"""Keeps ARCHITECTURE.md true: fails on every claim in it that the tree no longer bears out.

Reads ARCHITECTURE.md (and the "Running the binary" block of README.md) and checks six kinds
of claim against the files (Python 3, standard library only, nothing is built):

  command   a `linli <subcommand> [--flag …]` the documents name is a subcommand of the clap
            derive in server/src/main.rs (the variants of `Command`, kebab-cased, with their
            nested subcommand enums: `admin grant`, `city set`), and each `--flag` is a
            `#[arg(long)]` field of it. Claims are every span starting `linli `, the spans of
            the sentence after "command line:" (a bare `--flag` there belongs to the command
            before it), and every `linli …` line of README's "Running the binary" block.
            `make <target>` spans must be a target of the Makefile.
  layer     a middleware named in a numbered item of "How a request flows" (`guard::deadline`,
            `metrics::record`: a module of server/src/http; or a bold snake_case name such
            as **`server_fn_status`**) is an `fn` of that module (of server/src for a bare
            name) AND is referenced in server/src/http/mod.rs, which the section says builds
            the router. The order of the list ("outermost first") is checked against the
            order the router wraps them in: a layer outside the longest run the two orders
            share is reported as out of place.
  bench     `server/benches/….rs` (brace lists expanded) is a file AND a [[bench]] of
            server/Cargo.toml; `make bench` is a Makefile target.
  path      a backticked repo path exists. A path is absolute when its first folder is a
            top-level folder of the repo (app/, server/, scripts/, end2end/, public/, .ci/…);
            a relative one (`booking/store/bookings.rs`, `http/guard.rs`) may sit under the
            repo, app/src, server/src, server/tests/api, server or app; a bare file name
            (`fuzz.rs`, `layers.py`) anywhere in the repo. Braces are expanded, `*` and
            `<placeholder>` are globs that must match something, `python3 <path>` is a path.
            In the "Each feature folder, file by file" table each cell's names are relative
            to the row's folder (`coords` in row `stations/` is app/src/stations/coords.rs or
            the folder app/src/stations/coords/); snake_case names in a cell's parentheses
            (`set_city`) are items of that folder.
  item      a Rust path (`accounts::session::require_user()`, `wishes::api::ssr::may_reveal`,
            `accounts::service::{request_code, verify_code}`, `server::jobs::purge`) resolves:
            the module path goes down app/src (or server/src after `server::`; unqualified
            paths also try server/src, server/src/http and server/tests/api) as <a>/<b>.rs or
            <a>/<b>/mod.rs, and the last file (or, when it is a mod.rs or has a same-named
            folder, anything in that folder: re-exports) holds `fn|struct|enum|trait|type|
            const|static|mod <name>` or a `pub use … <name>`. `Type::member` (`AppState::city`,
            `Db::begin_write`) needs the type defined in the tree and the member a field or
            variant of it or an `fn`/`const` of one of its impls. Bare names bound to a file
            are items of it: `` `PATH` (`a`, `b`) ``, `` `a` in `PATH` ``, `` `PATH` has `a`,
            `b` and `c` ``. ALL_CAPS spans (`MAX_BODY_BYTES`, `ACCEPTED`) must be a word of
            some source file.
  variable  a `LINLI_*` name (`LINLI_DEMO=1` counts as `LINLI_DEMO`) is read: the exact
            string literal "LINLI_…" in a .rs file of app/src, server/src or server/tests, or
            the word in a shell script of scripts/, the Makefile or .ci/run (test-only
            variables such as LINLI_TEST_POSTGRES_URL are read in server/tests).

Lenient by design, so that a true claim is never reported (ambiguous claims are skipped):
  * spans that are URLs (`/admin/city`), SQL, headers, globs of keys (`msg.*`), or contain
    `…` are not claims; a single-segment folder (`model/`) is only checked inside a table row
    (in prose it is often a kind of folder, not a folder);
  * `ssr` and other inline modules in an item path are skipped (the name is looked for in
    the file that holds them); a module-relative path whose first segment is no top-level
    module (`store::lock_claimer`) is resolved in the feature of the previous item of the
    same paragraph, else in any feature that has such a module;
  * `Type::member` whose type is not defined in the tree (`SsrMode::Async`, a placeholder
    like `TheFn::PATH`) is skipped; a `pub use X as Type` alias is followed once;
  * a name written with `()` that is not defined is accepted when it is called (`name(`),
    so `hydrate_islands()` (Leptos's) in lib.rs passes; a bare `name()` bound to no file
    must be defined or called somewhere in the Rust sources;
  * middleware without a function of ours (request id, tracing, compression, security
    headers) is not checked; layers are matched by their function's name;
  * an item of a file whose path is already reported missing is not reported again.

Output: one line per stale claim, `ARCHITECTURE.md:<line>: <what is missing>` (README.md's
claims as `README.md:<line>: …`), sorted; the count goes to stderr; exit 1 when any.

Usage: scripts/check-architecture.py [--root DIR] [--doc FILE] [--claims] [--missing] [--self-test]
  --claims     list every claim checked, with its kind (to see what is and is not read).
  --missing    instead list what the code has and ARCHITECTURE.md does not name:
               subcommands, middleware in server/src/http/mod.rs, benches, jobs (exit 0).
  --self-test  check a temporary document with one planted stale claim of each kind and
               true claims against the real tree; fails unless exactly the planted ones are
               reported.
"""
import glob
import os
import re
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP_DIRS = {".git", "target", "node_modules", "__pycache__", ".mirror", "test-results", "playwright-report"}
SRC_EXTS = (".rs", ".py", ".sh", ".toml", ".ts", ".js", ".yml")
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
ITEM_KW = r"(?:fn|struct|enum|trait|type|const|static|mod|union)"


# ---------------------------------------------------------------------------- the tree

class Tree:
    def __init__(self, root):
        self.root = root
        self._text = {}
        self._files = None
        self._code = {}

    def p(self, rel):
        return os.path.join(self.root, rel)

    def isfile(self, rel):
        return os.path.isfile(self.p(rel))

    def isdir(self, rel):
        return os.path.isdir(self.p(rel))

    def exists(self, rel):
        return os.path.exists(self.p(rel))

    def read(self, rel):
        if rel not in self._text:
            try:
                with open(self.p(rel), encoding="utf-8", errors="replace") as f:
                    self._text[rel] = f.read()
            except OSError:
                self._text[rel] = ""
        return self._text[rel]

    def code(self, rel):
        """The file without comments (approximate: `//` not inside a string literal)."""
        if rel not in self._code:
            self._code[rel] = strip_comments(self.read(rel))
        return self._code[rel]

    def files(self):
        """Every file of the repo (relative paths), skipping build output."""
        if self._files is None:
            out = []
            for d, dirs, names in os.walk(self.root):
                dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS)
                for n in sorted(names):
                    out.append(os.path.relpath(os.path.join(d, n), self.root))
            self._files = out
        return self._files

    def rust_files(self, under=("app/src", "server/src", "server/tests", "server/benches")):
        return [f for f in self.files() if f.endswith(".rs") and f.startswith(tuple(u + "/" for u in under))]

    def under(self, folder):
        folder = folder.rstrip("/") + "/"
        return [f for f in self.files() if f.startswith(folder) and f.endswith(".rs")]


def strip_comments(text):
    out = []
    in_block = 0
    for line in text.split("\n"):
        if in_block:
            end = line.find("*/")
            if end < 0:
                out.append("")
                continue
            line = line[end + 2:]
            in_block = 0
        res, i, in_str = [], 0, False
        while i < len(line):
            c = line[i]
            if in_str:
                if c == "\\":
                    res.append(line[i:i + 2])
                    i += 2
                    continue
                if c == '"':
                    in_str = False
            else:
                if line.startswith("//", i):
                    break
                if line.startswith("/*", i):
                    end = line.find("*/", i + 2)
                    if end < 0:
                        in_block = 1
                        break
                    i = end + 2
                    continue
                if c == '"':
                    in_str = True
                elif c == "'" and i + 2 < len(line) and line[i + 2] == "'":
                    res.append(line[i:i + 3])  # a char literal such as '{'
                    i += 3
                    continue
            res.append(c)
            i += 1
        out.append("".join(res))
    return "\n".join(out)


def brace_body(code, open_at):
    """The text between the `{` at open_at and its matching `}` (strings skipped)."""
    depth, i, in_str = 0, open_at, False
    while i < len(code):
        c = code[i]
        if in_str:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c == "'" and i + 2 < len(code) and code[i + 2] == "'":
            i += 3
            continue
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return code[open_at + 1:i]
        i += 1
    return code[open_at + 1:]


def top_level(body):
    """The parts of body at brace/paren depth 0 (nested bodies blanked)."""
    out, depth = [], 0
    for c in body:
        if c in "{([":
            depth += 1
            out.append(c if depth == 1 else " ")
        elif c in "})]":
            depth -= 1
            out.append(c if depth == 0 else " ")
        else:
            out.append(c if depth == 0 else " ")
    return "".join(out)


def expand_braces(s):
    m = re.search(r"\{([^{}]*,[^{}]*)\}", s)
    if not m:
        return [s]
    out = []
    for alt in m.group(1).split(","):
        out.extend(expand_braces(s[:m.start()] + alt.strip() + s[m.end():]))
    return out


def kebab(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


# ---------------------------------------------------------------------------- the document

class Span:
    def __init__(self, line, start, end, text):
        self.line, self.start, self.end = line, start, end
        self.raw = text
        self.text = re.sub(r"\s+", " ", text).strip()


class Doc:
    def __init__(self, name, text):
        self.name = name
        self.text = text
        lines = text.split("\n")
        # Blank fenced blocks (their lines stay, so line numbers do not move).
        fenced, inside = [], False
        for ln in lines:
            if ln.lstrip().startswith("```"):
                inside = not inside
                fenced.append("")
            else:
                fenced.append("" if inside else ln)
        self.lines = fenced
        self.body = "\n".join(fenced)
        self.line_starts = [0]
        for ln in fenced:
            self.line_starts.append(self.line_starts[-1] + len(ln) + 1)
        self.spans = []
        for m in re.finditer(r"`([^`]+)`", self.body):
            if "\n\n" in m.group(1):
                continue
            self.spans.append(Span(self.line_of(m.start()), m.start(), m.end(), m.group(1)))
        self.headings = [(m.start(), m.group(1).strip()) for m in re.finditer(r"(?m)^#{2,}\s+(.+)$", self.body)]

    def line_of(self, off):
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= off:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def section(self, off):
        name = ""
        for start, h in self.headings:
            if start <= off:
                name = h
        return name

    def line_text(self, n):
        return self.lines[n - 1] if 0 < n <= len(self.lines) else ""

    def paragraph_start(self, off):
        """Offset of the paragraph or list item holding off."""
        i = off
        while i > 0:
            j = self.body.rfind("\n", 0, i - 1)
            line = self.body[j + 1:i - 1] if j >= 0 else self.body[:i - 1]
            if line.strip() == "":
                return i
            nxt = self.body[i:self.body.find("\n", i) if self.body.find("\n", i) >= 0 else len(self.body)]
            if re.match(r"\s*(?:[-*]|\d+\.)\s", nxt) or nxt.startswith("|"):
                return i
            if j < 0:
                return 0
            i = j + 1
        return 0


# ---------------------------------------------------------------------------- the code's facts

def parse_clap(tree):
    """{('serve',): {'--addr'}, ('admin', 'grant'): {...}, ('admin',): set(), ...}"""
    code = tree.code("server/src/main.rs")
    enums = {}
    for m in re.finditer(r"enum\s+(" + IDENT + r")\s*\{", code):
        enums[m.group(1)] = brace_body(code, m.end() - 1)
    structs = {}
    for m in re.finditer(r"struct\s+(" + IDENT + r")\s*\{", code):
        structs[m.group(1)] = brace_body(code, m.end() - 1)
    cmds = {}

    def fields(body):
        flags, sub = set(), None
        for fm in re.finditer(r"((?:#\[[^\]]*\]\s*)*)(?:pub\s+)?(" + IDENT + r")\s*:\s*([^,]+)", body):
            attrs, name, ty = fm.group(1), fm.group(2), fm.group(3)
            if "subcommand" in attrs:
                sub = re.sub(r"Option<\s*(\w+)\s*>", r"\1", ty).strip()
            elif re.search(r"\blong\b", attrs):
                lm = re.search(r'long\s*=\s*"([^"]+)"', attrs)
                flags.add("--" + (lm.group(1) if lm else name.replace("_", "-")))
        return flags, sub

    def walk(enum_name, prefix, seen):
        if enum_name not in enums or enum_name in seen:
            return
        body = enums[enum_name]
        flat = top_level(body)
        for vm in re.finditer(r"((?:#\[[^\]]*\]\s*)*)\b([A-Z]\w*)\s*([{(,]|$)", flat):
            attrs, variant, kind = vm.group(1), vm.group(2), vm.group(3)
            nm = re.search(r'name\s*=\s*"([^"]+)"', attrs)
            path = prefix + (nm.group(1) if nm else kebab(variant),)
            flags, sub = set(), None
            if kind == "{":
                inner = brace_body(body, vm.end() - 1)
                flags, sub = fields(inner)
            elif kind == "(":
                tm = re.match(r"\(\s*(\w+)", body[vm.end() - 1:])
                if tm and tm.group(1) in structs:
                    flags, sub = fields(structs[tm.group(1)])
                elif tm and tm.group(1) in enums:
                    sub = tm.group(1)
            cmds[path] = flags
            if sub:
                walk(sub, path, seen | {enum_name})

    top = re.search(r"#\[command\(subcommand\)\]\s*(?:pub\s+)?\w+\s*:\s*(?:Option<\s*)?(\w+)", code)
    walk(top.group(1) if top else "Command", (), set())
    return cmds


def bench_facts(tree):
    files = {os.path.basename(f)[:-3] for f in tree.files() if f.startswith("server/benches/") and f.endswith(".rs")}
    cargo = tree.read("server/Cargo.toml")
    declared = set(re.findall(r'\[\[bench\]\]\s*name\s*=\s*"([^"]+)"', cargo))
    return files, declared


def make_targets(tree):
    return set(re.findall(r"(?m)^([A-Za-z0-9_.-]+)\s*:(?!=)", tree.read("Makefile")))


def router_layers(tree):
    """Our middleware in server/src/http/mod.rs, outermost first: the function a
    `from_fn(…)` wraps, else the layer's type (`CompressionLayer`). Route-level layers
    (`post(…).layer(…)`) are left out."""
    code = tree.code("server/src/http/mod.rs")
    m = re.search(r"fn\s+router\b[^{]*\{", code)
    if not m:
        return []
    body = brace_body(code, m.end() - 1)

    def close(text, open_at):
        depth, i = 0, open_at
        while i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            if depth == 0:
                return i
            i += 1
        return len(text)

    def layer_names(chunk):
        out, depth, i = [], 0, 0
        while i < len(chunk):
            if depth == 0 and chunk.startswith(".layer(", i):
                o = i + len(".layer")
                c = close(chunk, o)
                arg = re.sub(r"\s+", " ", chunk[o + 1:c]).strip()
                fm = re.match(r"(?:axum::)?(?:middleware::)?from_fn(?:_with_state)?\s*\(", arg)
                if fm:
                    inner = arg[fm.end():close(arg, fm.end() - 1)]
                    parts, d, cur = [], 0, ""
                    for ch in inner:
                        d += {"(": 1, ")": -1, "<": 0}.get(ch, 0)
                        if ch == "," and d == 0:
                            parts.append(cur)
                            cur = ""
                        else:
                            cur += ch
                    parts.append(cur)
                    parts = [x.strip() for x in parts if x.strip()]
                    out.append(parts[-1] if parts else arg)
                else:
                    tm = re.match(r"([\w:]+)", arg)
                    segs = tm.group(1).split("::") if tm else [arg]
                    name = next((x for x in segs if x[:1].isupper()), segs[-1])
                    hm = re.search(r'(?:header::(\w+)|from_static\("([a-z-]+)"\))', arg)
                    if name == "SetResponseHeaderLayer" and hm:
                        h = hm.group(1) or hm.group(2)
                        name += "(%s)" % h.lower().replace("_", "-")
                    out.append(name)
                i = c + 1
                continue
            depth += {"(": 1, ")": -1}.get(chunk[i], 0)
            i += 1
        return out

    split = re.search(r"guard::with_write_limit\s*\(", body)
    if split:
        inner = layer_names(body[:split.start()])
        outer = layer_names(body[close(body, split.end() - 1) + 1:])
        return list(reversed(outer)) + ["guard::with_write_limit"] + list(reversed(inner))
    return list(reversed(layer_names(body)))


def job_names(tree):
    code = tree.code("server/src/jobs.rs")
    jobs = re.findall(r'note\(\s*&?state\s*,\s*"([^"]+)"', code)
    spawns = re.findall(r"pub\s+fn\s+(spawn\w*)", code)
    fns = re.findall(r"pub\s+(?:async\s+)?fn\s+(\w+)", code)
    return jobs, spawns, fns


# ---------------------------------------------------------------------------- resolution

class Resolver:
    def __init__(self, tree):
        self.tree = tree
        self._defs = {}

    def defines(self, rel, name, call_ok=False):
        code = self.tree.code(rel)
        if re.search(r"\b" + ITEM_KW + r"\s+" + re.escape(name) + r"\b", code):
            return True
        if re.search(r"macro_rules!\s*" + re.escape(name) + r"\b", code):
            return True
        for um in re.finditer(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);", code):
            if re.search(r"\b" + re.escape(name) + r"\b", um.group(1)):
                return True
        if call_ok and re.search(r"\b" + re.escape(name) + r"\s*\(", code):
            return True
        return False

    def module_scope(self, rel):
        """Files where an item of module file rel may be defined: itself, and its folder."""
        out = [rel]
        if rel.endswith("/mod.rs"):
            out += [f for f in self.tree.under(os.path.dirname(rel)) if f != rel]
        elif rel.endswith(".rs") and self.tree.isdir(rel[:-3]):
            out += self.tree.under(rel[:-3])
        return out

    def find_in_module(self, rel, name, call_ok=False):
        return any(self.defines(f, name, call_ok) for f in self.module_scope(rel))

    def walk(self, base, segs):
        """Goes down segs from folder base; returns (file, consumed) or (None, 0)."""
        cur_dir, cur_file, used = base, None, 0
        for s in segs:
            if cur_dir is None:
                break
            f = cur_dir + "/" + s + ".rs"
            d = cur_dir + "/" + s
            if self.tree.isfile(f):
                cur_file, cur_dir = f, (d if self.tree.isdir(d) else None)
            elif self.tree.isfile(d + "/mod.rs"):
                cur_file, cur_dir = d + "/mod.rs", d
            else:
                break
            used += 1
        if used == 0 and base in ("app/src", "server/src") and self.tree.isfile(base + "/lib.rs"):
            return None, 0
        return cur_file, used

    def bases(self, segs):
        if segs[0] == "server":
            return [("server/src", segs[1:] or [])]
        if segs[0] in ("app", "crate"):
            return [("app/src", segs[1:])]
        return [("app/src", segs), ("server/src", segs), ("server/src/http", segs), ("server/tests/api", segs)]

    def type_defs(self, name, depth=0):
        out = []
        for f in self.tree.rust_files(("app/src", "server/src")):
            code = self.tree.code(f)
            for m in re.finditer(r"\b(struct|enum|trait|union)\s+" + re.escape(name) + r"\b[^;{]*\{", code):
                out.append((f, m.group(1), brace_body(code, m.end() - 1)))
            for m in re.finditer(r"\bstruct\s+" + re.escape(name) + r"\b\s*(?:<[^>]*>)?\s*\(([^;{]*)\)\s*;", code):
                out.append((f, "tuple", m.group(1)))
            for m in re.finditer(r"\btype\s+" + re.escape(name) + r"\b", code):
                out.append((f, "type", ""))
            if depth == 0:
                # `impl Deref for Name { type Target = X; }`: X's members are Name's too.
                for m in re.finditer(r"\bimpl\b[^{;]*\bDeref\s+for\s+" + re.escape(name) + r"\b[^{;]*\{", code):
                    tm = re.search(r"\btype\s+Target\s*=\s*(\w+)", brace_body(code, m.end() - 1))
                    if tm:
                        out.append((f, "deref", tm.group(1)))
            if depth == 0:
                for m in re.finditer(r"\bpub(?:\([^)]*\))?\s+use\s+[^;]*?(\w+)\s+as\s+" + re.escape(name) + r"\s*;", code):
                    out.extend(self.type_defs(m.group(1), 1))
        return out

    def impl_has(self, type_names, member):
        for f in self.tree.rust_files(("app/src", "server/src")):
            code = self.tree.code(f)
            for tn in type_names:
                for m in re.finditer(r"\bimpl\b[^{;]*?\b" + re.escape(tn) + r"\b[^{;]*\{", code):
                    body = brace_body(code, m.end() - 1)
                    if re.search(r"\b(?:fn|const|type)\s+" + re.escape(member) + r"\b", body):
                        return True
        return False

    def type_member(self, tname, member):
        """None when the type is not ours (skip), else True/False."""
        defs = self.type_defs(tname)
        if not defs:
            return None
        names = {tname}
        for f, kind, body in defs:
            if kind == "deref" and body != tname and self.type_member(body, member):
                return True
            if kind in ("struct", "enum", "union", "trait"):
                flat = top_level(body)
                if kind == "trait" and re.search(r"\bfn\s+" + re.escape(member) + r"\b", body):
                    return True
                if kind != "trait" and re.search(r"(?<![\w:])" + re.escape(member) + r"\b", flat):
                    return True
        al = set()  # the names a `pub use X as Type` alias stands for
        for f in self.tree.rust_files(("app/src", "server/src")):
            for m in re.finditer(r"\bpub(?:\([^)]*\))?\s+use\s+[^;]*?(\w+)\s+as\s+" + re.escape(tname) + r"\s*;", self.tree.code(f)):
                al.add(m.group(1))
        return self.impl_has(names | al, member)

    def item(self, path, context_feature=None):
        """Returns None when the claim holds (or is skipped), else the reason."""
        p = path.strip()
        p = re.sub(r"^crate::", "", p)
        call_ok = False
        names = None
        gm = re.match(r"^(.*)::\{([^}]*)\}$", p)
        if gm:
            p = gm.group(1)
            names = [n.strip() for n in gm.group(2).split(",") if n.strip()]
        else:
            if p.endswith(")"):
                call_ok = True
                p = p[:p.index("(")]
            segs = p.split("::")
            p, names = "::".join(segs[:-1]), [segs[-1]]
        segs = [s for s in p.split("::") if s]
        if not segs:
            return None
        # Type::member
        if segs[-1][:1].isupper():
            tname = segs[-1]
            bad = []
            for n in names:
                r = self.type_member(tname, n)
                if r is False:
                    bad.append(n)
            if bad:
                return "%s has no field, variant or method %s" % (tname, ", ".join(bad))
            return None
        candidates = []
        for base, rest in self.bases(segs):
            if not rest:
                f = base + "/lib.rs" if self.tree.isfile(base + "/lib.rs") else None
                if f:
                    candidates.append(f)
                continue
            f, used = self.walk(base, rest)
            if f and used >= 1:
                candidates.append(f)
        if not candidates and segs[0] not in ("server", "app", "crate"):
            # module-relative (`store::lock_claimer`): the paragraph's feature, else any.
            feats = [context_feature] if context_feature else []
            feats += sorted(d for d in os.listdir(self.tree.p("app/src")) if self.tree.isdir("app/src/" + d))
            for feat in feats:
                if not feat:
                    continue
                f, used = self.walk("app/src/" + feat, segs)
                if f and used >= 1:
                    candidates.append(f)
                    if feat == context_feature:
                        break
        if not candidates:
            return "no module %s (no file for it under app/src or server/src)" % "::".join(segs)
        missing = []
        for n in names:
            ok = False
            for f in candidates:
                # the whole path is a module file (`server::http::photos`)
                d = os.path.dirname(f) if not f.endswith("/mod.rs") else f[:-7]
                if f.endswith(".rs") and (self.tree.isfile(f[:-3] + "/" + n + ".rs") or self.tree.isfile(os.path.join(f[:-3] if not f.endswith("mod.rs") else os.path.dirname(f), n + ".rs"))):
                    ok = True
                if self.find_in_module(f, n, call_ok):
                    ok = True
            if not ok:
                missing.append(n)
        if missing:
            return "%s not found in %s" % (", ".join(missing), " or ".join(sorted(set(candidates))))
        return None


# ---------------------------------------------------------------------------- the checks

class Checker:
    def __init__(self, tree):
        self.tree = tree
        self.res = Resolver(tree)
        self.cmds = parse_clap(tree)
        self.bench_files, self.bench_decl = bench_facts(tree)
        self.targets = make_targets(tree)
        self.top = {d for d in os.listdir(tree.root) if os.path.isdir(tree.p(d)) and d not in SKIP_DIRS}
        self.top |= {"app", "server", "scripts", "end2end", "public", "style", "web", ".ci"}
        self.out = []  # (doc, line, kind, message)
        self.claims = []  # every claim checked, for --claims
        self.crates = set()
        for toml in ("Cargo.toml", "app/Cargo.toml", "server/Cargo.toml"):
            for m in re.finditer(r"(?m)^([A-Za-z0-9_-]+)\s*=", tree.read(toml)):
                self.crates.add(m.group(1).replace("-", "_"))

    def seen(self, doc, line, kind, what):
        self.claims.append((doc.name, line, kind, what))

    def report(self, doc, line, kind, msg):
        key = (doc.name, line, kind, msg)
        if key not in self.out:
            self.out.append(key)

    # ---- commands
    def check_command(self, doc, line, words):
        """words: ['admin', 'grant', '--phone', ...] (placeholders dropped)."""
        self.seen(doc, line, "command", " ".join(words))
        path, flags = [], []
        for w in words:
            w = w.strip("[]")
            if w.startswith("--"):
                flags.append(w.split("=")[0])
            elif re.fullmatch(r"[a-z][a-z0-9-]*", w) and not flags:
                has_children = any(len(k) == len(path) + 1 and k[:len(path)] == tuple(path) for k in self.cmds)
                if not path or tuple(path) not in self.cmds or has_children:
                    path.append(w)  # a (sub)command word; checked below
                else:
                    break  # a value of a command without subcommands, not a subcommand
                if tuple(path) not in self.cmds:
                    break
        if not path:
            return
        if tuple(path) not in self.cmds:
            parent = tuple(path[:-1])
            known = [" ".join(k) for k in self.cmds if len(k) == len(path) and k[:-1] == parent]
            self.report(doc, line, "command", "`linli %s` is not a subcommand of server/src/main.rs (%s: %s)"
                        % (" ".join(path), "linli " + " ".join(parent) if parent else "it has", ", ".join(sorted(known))))
            return
        allowed = self.cmds[tuple(path)] | {"--help", "--version"}
        for f in flags:
            if f not in allowed:
                self.report(doc, line, "command", "`linli %s` has no flag %s in server/src/main.rs" % (" ".join(path), f))

    def commands(self, doc):
        claimed = set()
        for s in doc.spans:
            if s.text.startswith("linli "):
                self.check_command(doc, s.line, re.findall(r"\S+", s.text)[1:])
                claimed.add(s.start)
            mm = re.fullmatch(r"make ([\w.-]+)", s.text)
            if mm and mm.group(1) != "bench" and mm.group(1) not in self.targets:
                self.report(doc, s.line, "command", "`make %s`: no such target in the Makefile" % mm.group(1))
        for m in re.finditer(r"command line:", doc.body):
            end = self.sentence_end(doc, m.end())
            last = None
            for s in doc.spans:
                if not (m.end() <= s.start < end) or s.start in claimed:
                    continue
                words = s.text.split()
                if words[0].startswith("--") or words[0].startswith("[--"):
                    if last is not None:
                        self.check_command(doc, s.line, last + [w for w in words])
                    continue
                if re.fullmatch(r"[a-z][a-z0-9-]*", words[0]) and "/" not in s.text:
                    self.check_command(doc, s.line, words)
                    last = [w for w in words if not w.startswith(("-", "["))]
        return

    def sentence_end(self, doc, start):
        i, body = start, doc.body
        spans = {s.start: s.end for s in doc.spans}
        while i < len(body):
            if i in spans:
                i = spans[i]
                continue
            if body[i] == "." and (i + 1 >= len(body) or body[i + 1].isspace()):
                return i
            if body.startswith("\n\n", i):
                return i
            i += 1
        return len(body)

    def readme_commands(self, doc):
        lines = doc.text.split("\n")
        in_sec, in_fence = False, False
        i = 0
        while i < len(lines):
            ln = lines[i]
            if re.match(r"#{2,}\s", ln):
                in_sec = "running the binary" in ln.lower()
            elif in_sec and ln.lstrip().startswith("```"):
                in_fence = not in_fence
                if not in_fence:
                    in_sec = False
            elif in_sec and in_fence:
                start = i
                full = ln
                while full.rstrip().endswith("\\") and i + 1 < len(lines):
                    i += 1
                    full = full.rstrip()[:-1] + " " + lines[i]
                full = re.sub(r"\s#\s.*$", "", full)
                m = re.search(r"(?:^|[/\s])linli\s+(.*)$", full)
                if m:
                    self.check_command(doc, start + 1, m.group(1).split())
            i += 1

    # ---- layers
    def layers(self, doc):
        http_mods = {os.path.basename(f)[:-3] for f in self.tree.files() if f.startswith("server/src/http/") and f.endswith(".rs")}
        router_code = self.tree.code("server/src/http/mod.rs")
        listed = []  # (line, name)
        for s in doc.spans:
            if "request flows" not in doc.section(s.start).lower():
                continue
            ls = doc.line_starts
            # the numbered item holding the span
            item_line = None
            for n in range(s.line, 0, -1):
                t = doc.line_text(n)
                if t.strip() == "":
                    break
                if re.match(r"\d+\.\s", t):
                    item_line = n
                    break
            if item_line is None:
                continue
            t = s.text
            mm = re.fullmatch(r"(\w+)::(\w+)", t)
            bold = doc.body[max(0, s.start - 2):s.start] == "**" or doc.body[s.end:s.end + 2] == "**"
            if mm and mm.group(1) in http_mods:
                mod, name = mm.groups()
                where = "server/src/http/%s.rs" % mod
                if not self.res.defines(where, name):
                    self.report(doc, s.line, "layer", "middleware `%s`: no fn %s in %s" % (t, name, where))
                    continue
            elif bold and re.fullmatch(r"[a-z]+(?:_[a-z0-9]+)+", t):
                name = t
                if not any(self.res.defines(f, name) for f in self.tree.rust_files(("server/src",))):
                    self.report(doc, s.line, "layer", "middleware `%s`: no fn %s in server/src" % (t, name))
                    continue
            else:
                continue
            self.seen(doc, s.line, "layer", t)
            refs = [m for m in re.finditer(r"(?<![\w])(?:\w+::)*" + re.escape(name) + r"\b", router_code)
                    if not re.search(r"fn\s+$", router_code[max(0, m.start() - 8):m.start()])]
            if not refs:
                self.report(doc, s.line, "layer", "middleware `%s` is not added in server/src/http/mod.rs" % t)
                continue
            listed.append((s.line, t))
        # order: the longest common run; the rest are out of place
        actual = router_layers(self.tree)
        short = [a.split("::")[-1] for a in actual]
        seq = [(ln, t, short.index(t.split("::")[-1])) for ln, t in listed if t.split("::")[-1] in short]
        keep = lis([x[2] for x in seq])
        ours = [a for a in actual if a.split("::")[-1] in {t.split("::")[-1] for _, t in listed} or "::" in a or "_" in a]
        for i, (ln, t, pos) in enumerate(seq):
            if i in keep:
                continue
            inv = [u for j, (_, u, p2) in enumerate(seq) if j != i and (j < i) != (p2 < pos)]
            where = "inside" if any(p2 < pos for j, (_, u, p2) in enumerate(seq) if j > i) else "outside"
            self.report(doc, ln, "layer", "middleware `%s` is out of place: the router adds it %s %s (outermost first: %s)"
                        % (t, where, ", ".join("`%s`" % u for u in inv), ", ".join(ours)))

    # ---- benches
    def bench(self, doc, s, path):
        if not path.startswith("server/benches/"):
            return False
        self.seen(doc, s.line, "bench", path)
        stem = os.path.basename(path)
        stem = stem[:-3] if stem.endswith(".rs") else stem
        miss = []
        if stem not in self.bench_files:
            miss.append("no file %s" % path)
        if stem not in self.bench_decl:
            miss.append("no [[bench]] name = \"%s\" in server/Cargo.toml" % stem)
        if miss:
            self.report(doc, s.line, "bench", "bench %s: %s" % (stem, "; ".join(miss)))
        return True

    # ---- paths
    def path_exists(self, tok, in_table=False):
        """None: not a path claim; True/False otherwise."""
        if tok.startswith("/") or "://" in tok or "…" in tok or " " in tok:
            return None
        globby = "*" in tok or "<" in tok
        pat = re.sub(r"<[^>]+>", "*", tok)
        first = tok.split("/")[0]
        if "/" in tok and first in self.top:
            roots = [""]
        elif "/" in tok and (tok.endswith("/") and tok.count("/") >= 2 or re.search(r"\.\w+$", tok)):
            roots = ["", "app/src/", "server/src/", "server/tests/api/", "server/", "app/"]
        elif "/" in tok and tok.endswith("/") and tok.count("/") == 1:
            if not in_table:
                return None
            roots = ["app/src/", "server/src/", ""]
        elif re.fullmatch(r"[\w*.-]+\.(rs|py|sh|ts|js|yml|toml|json|md|css)", tok):
            names = {os.path.basename(f) for f in self.tree.files()}
            if globby:
                import fnmatch
                return any(fnmatch.fnmatch(n, pat) for n in names)
            return tok in names
        else:
            return None
        for r in roots:
            full = r + pat
            if globby:
                if glob.glob(self.tree.p(full.rstrip("/"))):
                    return True
            elif self.tree.exists(full.rstrip("/")) if full.rstrip("/") else False:
                if full.endswith("/") and not self.tree.isdir(full.rstrip("/")):
                    continue
                return True
        return False

    def paths_and_items(self, doc):
        in_feature_table = set()
        table_lines = {n for n in range(1, len(doc.lines) + 1) if doc.line_text(n).lstrip().startswith("|")}
        # feature table rows: first cell `name/`
        for n in sorted(table_lines):
            t = doc.line_text(n)
            cells = [c.strip() for c in t.strip().strip("|").split("|")]
            fm = re.fullmatch(r"`([a-z_]+)/`", cells[0]) if cells else None
            if not fm or len(cells) < 3:
                continue
            in_feature_table.add(n)
            feat = fm.group(1)
            fdir = "app/src/" + feat
            if not self.tree.isdir(fdir):
                self.report(doc, n, "path", "feature folder %s/ does not exist" % fdir)
                continue
            for cell in cells[1:]:
                depth, i, parts = 0, 0, []
                while i < len(cell):
                    c = cell[i]
                    if c == "`":
                        j = cell.find("`", i + 1)
                        if j < 0:
                            break
                        parts.append((depth, cell[i + 1:j]))
                        i = j + 1
                        continue
                    depth += {"(": 1, ")": -1}.get(c, 0)
                    i += 1
                for depth, name in parts:
                    if depth == 0 or re.fullmatch(r"[a-z]+(?:_[a-z0-9]+)+", name):
                        self.seen(doc, n, "path" if depth == 0 else "item", "%s (row %s/)" % (name, feat))
                    if depth == 0:
                        for nm in expand_braces(name):
                            nm = nm.rstrip("/")
                            if not (self.tree.isfile("%s/%s.rs" % (fdir, nm)) or self.tree.isdir("%s/%s" % (fdir, nm))):
                                self.report(doc, n, "path", "`%s` in row %s/: neither %s/%s.rs nor the folder %s/%s/ exists" % (name, feat, fdir, nm, fdir, nm))
                    elif re.fullmatch(r"[a-z]+(?:_[a-z0-9]+)+", name):
                        if not any(self.res.defines(f, name) for f in self.tree.under(fdir)):
                            self.report(doc, n, "item", "`%s` (row %s/) is not defined under %s/" % (name, feat, fdir))
        # every other span
        missing_files = set()
        for s in doc.spans:
            if s.line in in_feature_table:
                continue
            t = s.text
            if t.startswith("linli ") or t.startswith("make "):
                if t == "make bench" and "bench" not in self.targets:
                    self.report(doc, s.line, "bench", "`make bench`: no such target in the Makefile")
                continue
            pm = re.fullmatch(r"(?:python3?|bash|sh)\s+(\S+)(?:\s.*)?", t)
            if pm:
                t = pm.group(1)
            # variables
            vm = re.fullmatch(r"(LINLI_[A-Z0-9_]+)(?:=\S*)?", t)
            if vm:
                self.variable(doc, s, vm.group(1))
                continue
            # paths (benches first)
            toks = expand_braces(t) if "/" in t or "." in t else [t]
            handled = False
            for tok in toks:
                if self.bench(doc, s, tok):
                    handled = True
                    continue
                # Build outputs (`target/…`) exist only after a build: not a claim about
                # the tree, so a fresh clone (CI) must not fail on them.
                if tok.startswith("target/"):
                    handled = True
                    continue
                r = self.path_exists(tok, in_table=s.line in table_lines)
                if r is None:
                    continue
                self.seen(doc, s.line, "path", tok)
                handled = True
                if r is False:
                    self.report(doc, s.line, "path", "`%s` does not exist" % tok if tok == t else "`%s` (from `%s`) does not exist" % (tok, t))
                    missing_files.add(s.start)
            if handled:
                self.bound_items(doc, s, toks, missing=s.start in missing_files)
                continue
            # Rust items
            if "::" in t and "request flows" in doc.section(s.start).lower() and re.fullmatch(r"(guard|metrics)::\w+", t):
                continue  # layers, checked above
            im = re.fullmatch(r"((?:crate::)?" + IDENT + r"(?:::" + IDENT + r")*)(?:::\{[\w\s,]+\})?(\(.*\))?", t)
            if im and "::" in t and "…" not in t and not self.external(t):
                target = t
                if im.group(2):
                    target = im.group(1) + "()"
                ctx = self.context_feature(doc, s)
                self.seen(doc, s.line, "item", target + (" (in %s)" % ctx if ctx else ""))
                why = self.res.item(target, ctx)
                if why:
                    self.report(doc, s.line, "item", "`%s`: %s" % (s.text, why))
                continue
            # constants
            if re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*", t) and len(t) >= 4:
                self.seen(doc, s.line, "item", t + " (a word)")
                if not self.word_anywhere(t):
                    self.report(doc, s.line, "item", "`%s` is not a word of any source file" % t)
                continue
            # bare name() bound to no file
            bm = re.fullmatch(r"(" + IDENT + r")\(\)", t)
            if bm and not self.bound(doc, s):
                n = bm.group(1)
                self.seen(doc, s.line, "item", t + " (defined or called)")
                if not any(self.res.defines(f, n, call_ok=True) for f in self.tree.rust_files()):
                    self.report(doc, s.line, "item", "`%s` is neither defined nor called in the Rust sources" % t)

    def external(self, t):
        """A path into another crate (`sqlx::Error`, `leptos::…`): not ours to check."""
        first = re.sub(r"^crate::", "", t).split("::")[0]
        if first in ("crate", "server", "app", "self", "super"):
            return False
        ours = any(self.tree.exists(r + first + ".rs") or self.tree.isdir(r + first)
                   for r in ("app/src/", "server/src/", "server/src/http/", "server/tests/api/"))
        ours = ours or any(self.tree.isfile("app/src/%s/%s.rs" % (d, first)) or self.tree.isdir("app/src/%s/%s" % (d, first))
                           for d in os.listdir(self.tree.p("app/src")) if self.tree.isdir("app/src/" + d))
        if ours:
            return False
        return first in self.crates or first in ("std", "core", "alloc") or first[:1].isupper() is False and first in self.crates

    def word_anywhere(self, w):
        rx = re.compile(r"\b" + re.escape(w) + r"\b")
        for f in self.tree.files():
            if f.endswith(SRC_EXTS) or os.path.basename(f) == "Makefile":
                if rx.search(self.tree.read(f)):
                    return True
        return False

    def context_feature(self, doc, s):
        start = doc.paragraph_start(s.start)
        feat = None
        for o in doc.spans:
            if start <= o.start < s.start:
                m = re.match(r"(?:crate::)?([a-z_]+)::", o.text)
                if m and self.tree.isdir("app/src/" + m.group(1)):
                    feat = m.group(1)
        return feat

    def bound(self, doc, s):
        after = doc.body[s.end:s.end + 6]
        return bool(re.match(r"\s+in\s+`", after)) or bool(re.search(r"\(\s*$", doc.body[max(0, s.start - 3):s.start]) and re.search(r"`\s*$", doc.body[max(0, s.start - 6):s.start - 1]))

    def bound_items(self, doc, s, files, missing):
        """Items bound to the file span s: `PATH` (`a`, `b`); `a` in `PATH`; `PATH` has `a`..."""
        files = [f for f in files if f.endswith(".rs") and "*" not in f and "<" not in f]
        if len(files) != 1:
            return
        rel = self.resolve_file(files[0])
        if not rel or missing:
            return
        names = []
        after = doc.body[s.end:]
        pm = re.match(r"\s*\(((?:\s*`" + IDENT + r"(?:\(\))?`\s*(?:,|and)?)+)\s*\)", after)
        if pm:
            names += re.findall(r"`(" + IDENT + r"(?:\(\))?)`", pm.group(1))
        hm = re.match(r"\s+has\s+((?:`" + IDENT + r"(?:\(\))?`(?:,\s*|\s+and\s+)?)+)", after)
        if hm:
            names += re.findall(r"`(" + IDENT + r"(?:\(\))?)`", hm.group(1))
        before = doc.body[max(0, s.start - 80):s.start]
        im = re.search(r"`(" + IDENT + r"(?:\(\))?)`\s+in\s+$", before)
        if im:
            names.append(im.group(1))
        for n in names:
            self.seen(doc, s.line, "item", "%s in %s" % (n, rel))
            call_ok = n.endswith("()")
            n = n.rstrip("()")
            if not self.res.find_in_module(rel, n, call_ok):
                self.report(doc, s.line, "item", "`%s` not found in %s" % (n, rel))

    def resolve_file(self, tok):
        for r in ["", "app/src/", "server/src/", "server/tests/api/", "server/", "app/"]:
            if self.tree.isfile(r + tok):
                return r + tok
        return None

    # ---- variables
    def variable(self, doc, s, name):
        self.seen(doc, s.line, "variable", name)
        lit = '"%s"' % name
        for f in self.tree.rust_files(("app/src", "server/src", "server/tests")):
            if lit in self.tree.read(f):
                return
        rx = re.compile(r"\b" + name + r"\b")
        for f in self.tree.files():
            if (f.startswith("scripts/") and (f.endswith(".sh") or "." not in os.path.basename(f))) or f in ("Makefile", ".ci/run"):
                if rx.search(self.tree.read(f)):
                    return
        self.report(doc, s.line, "variable", "`%s` is read nowhere (no \"%s\" in app/src, server/src or server/tests)" % (name, name))

    def run(self, doc, readme=None):
        self.commands(doc)
        self.layers(doc)
        self.paths_and_items(doc)
        if readme is not None:
            self.readme_commands(readme)
        return sorted(self.out, key=lambda x: (x[0] != "ARCHITECTURE.md" and x[0] != doc.name, x[0], x[1]))


def lis(xs):
    """Indices of one longest strictly increasing subsequence of xs."""
    if not xs:
        return set()
    best = [1] * len(xs)
    prev = [-1] * len(xs)
    for i in range(len(xs)):
        for j in range(i):
            if xs[j] < xs[i] and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    i = max(range(len(xs)), key=lambda k: best[k])
    out = set()
    while i >= 0:
        out.add(i)
        i = prev[i]
    return out


# ---------------------------------------------------------------------------- missing

# How a layer without a function of ours is said in "How a request flows" (any of the words).
LAYER_WORDS = {
    "SetRequestIdLayer": ["request id"],
    "PropagateRequestIdLayer": ["request id", "echoed"],
    "TraceLayer": ["tracing"],
    "CatchPanicLayer": ["panic"],
    "CompressionLayer": ["compression"],
    "SetResponseHeaderLayer(content-security-policy)": ["csp", "content-security-policy"],
    "SetResponseHeaderLayer(x-content-type-options)": ["nosniff"],
}


def missing(tree, doc):
    """What the code has and the document does not name: subcommands (named by a command
    claim), middleware of the router (by its function, or the words of LAYER_WORDS in the
    request-flow section), benches, and the jobs (run_once's jobs must be in the sentence
    "`server/src/jobs.rs` runs …"; a spawned worker anywhere in the document)."""
    out = []
    text = doc.text
    checker = Checker(tree)
    checker.run(doc)
    named = set()
    for _, _, kind, what in checker.claims:
        if kind == "command":
            words = [w for w in what.split() if re.fullmatch(r"[a-z][a-z0-9-]*", w)]
            for k in range(1, len(words) + 1):
                named.add(tuple(words[:k]))
    spans = " ".join(x.text for x in doc.spans)
    cmds = parse_clap(tree)
    for c in sorted(cmds):
        if c not in named:
            if any(k[:len(c)] == c and k != c for k in cmds) and not any(k[:len(c)] == c and k in named for k in cmds if k != c):
                continue  # reported through its subcommands
            flags = " ".join(sorted(cmds[c]))
            out.append("subcommand: linli %s%s (server/src/main.rs)" % (" ".join(c), (" " + flags) if flags else ""))
        else:
            for f in sorted(cmds[c]):
                if f not in spans:
                    out.append("flag: linli %s %s (server/src/main.rs)" % (" ".join(c), f))
    flow = ""
    for i, (start, h) in enumerate(doc.headings):
        if "request flows" in h.lower():
            stop = doc.headings[i + 1][0] if i + 1 < len(doc.headings) else len(doc.body)
            flow = doc.body[start:stop].lower()
    for name in router_layers(tree):
        short = name.split("::")[-1]
        if name in LAYER_WORDS or name.startswith("SetResponseHeaderLayer("):
            words = LAYER_WORDS.get(name) or [name[len("SetResponseHeaderLayer("):-1]]
            if not any(w in flow for w in words):
                out.append("middleware: %s (server/src/http/mod.rs), not in \"How a request flows\"" % name)
        elif not re.search(r"\b" + re.escape(short) + r"\b", flow):
            out.append("middleware: %s (server/src/http/mod.rs), not in \"How a request flows\"" % name)
    files, decl = bench_facts(tree)
    listed = set()
    for x in doc.spans:
        for e in expand_braces(x.text):
            m = re.fullmatch(r"server/benches/(\w+)\.rs", e)
            if m:
                listed.add(m.group(1))
    for b in sorted(files | decl):
        if b not in listed:
            out.append("bench: server/benches/%s.rs%s" % (b, "" if b in decl else " (no [[bench]])"))
    jobs, spawns, fns = job_names(tree)
    code = tree.code("server/src/jobs.rs")
    rb = re.search(r"fn\s+run_once\b[^{]*\{", code)
    run_body = brace_body(code, rb.end() - 1) if rb else ""
    m = re.search(r"server/src/jobs\.rs`\s+runs(.*?)\.(?:\s|$)", text, re.S)
    sentence = m.group(1) if m else ""
    for j in jobs:
        jm = re.search(r'let\s+r\s*=\s*([\w:]+)\s*\([^;]*;\s*note\(\s*&?state\s*,\s*"%s"' % re.escape(j), run_body)
        if not jm:
            continue  # not one of run_once's jobs (the outbox worker: below)
        fn = jm.group(1).split("::")[-1]
        if fn not in sentence and j not in sentence and fn != "run_once":
            out.append("job: %s (`%s`, in server/src/jobs.rs run_once) is not in the jobs list \"`server/src/jobs.rs` runs …\"" % (j, jm.group(1)))
        elif fn == "run_once" and j not in sentence:
            out.append("job: %s (`%s`) is not in the jobs list" % (j, jm.group(1)))
    for sp in spawns:
        if sp == "spawn":
            continue
        if not re.search(r"\b" + re.escape(sp) + r"\b", text):
            out.append("job: the worker server::jobs::%s is not named" % sp)
    return out


def expand_braces_all(s):
    return [x for part in s.split(" ") for x in expand_braces(part)]


# ---------------------------------------------------------------------------- self-test

SELF_TEST_DOC = """# Architecture (self-test)

- `server/src/main.rs` is only the command line: `serve` (the default, with `--addr`), `migrate`,
  `seed-demo [--seed]` and `admin grant --phone --role [--community]`.
- PLANT command: `linli frobnicate --hard`
- TRUE command: `linli city set --name --center --bbox`, `linli backup --to`
- TRUE make: `make test`

| folder | model | store | service | api | pages |
|---|---|---|---|---|---|
| `booking/` | `model`, `views`, `ics` | `store/{mod,slots,bookings,figures}` | `service`, `reminders` | `api`, `api_desk` | `pages` |
| `stations/` | `model`, `coords` | `store` | `service` (station cache; `set_city`) | `api` | `pages` (`/admin/city`) |
| `wishes/` | `model`, `ghostfile` | `store` | `service` | `api` | `pages` |

## How a request flows

`server/src/http/mod.rs` builds the router. A request passes these layers, outermost first:

1. **Deadline** (`guard::deadline`): 408 after 30 s.
2. **Body limit** (`guard::body_limit`): 413 over `MAX_BODY_BYTES`.
3. **PLANT layer** (`guard::throttle_everything`): does not exist.
4. **`server_fn_status`** (below).
5. **CSRF** (`guard::csrf`): 403.

## Measuring

- TRUE bench: `server/benches/{booking,nearest}.rs` (`make bench`)
- PLANT bench: `server/benches/teleport.rs`

## Paths

- TRUE path: `app/src/booking/store/slots.rs` (`take_seat`), `booking/service.rs` (`check_limits`)
- TRUE path: `end2end/tests/*.spec.ts`, `server/tests/api/<feature>.rs`, `fuzz.rs`, `.ci/run`
- TRUE path: `python3 scripts/layers.py`, `app/src/demo/`, `*/model.rs`, `server/src/{lib,main}.rs`
- TRUE path: `hydrate()` in `app/src/lib.rs` (`hydrate_islands()`); `server/src/lib.rs` has `build_state`, `router` and `serve`
- TRUE path: a `model/` subfolder takes the folder's layer
- PLANT path: `app/src/nowhere/thing.rs`

## Items

- TRUE item: `accounts::session::require_user()`, `wishes::api::ssr::may_reveal`, `booking::store::take_seat`
- TRUE item: `demo::seed_if_empty`, `server::jobs::purge`, `server::http::photos`, `jobs::run_once`
- TRUE item: `crate::reply::{reply, read, page}`, `Db::begin_write`, `db::Dialect`, `SsrMode::Async`
- TRUE item: `wishes::service::check_claim_limits`, after `store::lock_claimer`; `helpers::spawn_app()`
- PLANT item: `booking::store::teleport_seat`
- PLANT item: `AppState::unicorn`

## Variables

- TRUE variable: `LINLI_SECURE_COOKIES=1`, `LINLI_METRICS_ADDR`, `LINLI_TEST_POSTGRES_URL`
- PLANT variable: `LINLI_NO_SUCH_SETTING`
"""


def self_test(tree):
    d = tempfile.mkdtemp(prefix="arch-selftest-")
    path = os.path.join(d, "ARCHITECTURE.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(SELF_TEST_DOC)
    doc = Doc("ARCHITECTURE.md", open(path, encoding="utf-8").read())
    found = Checker(tree).run(doc)
    lines = SELF_TEST_DOC.split("\n")
    by_line = {}
    for _, ln, kind, msg in found:
        by_line.setdefault(ln, []).append((kind, msg))
    failures = []
    plants = {}
    for i, t in enumerate(lines, 1):
        m = re.search(r"PLANT (\w+)", t)
        if m:
            plants[i] = m.group(1)
    # the planted ghost cell in the feature table
    for i, t in enumerate(lines, 1):
        if "`ghostfile`" in t:
            plants[i] = "path"
    for ln, kind in sorted(plants.items()):
        kinds = [k for k, _ in by_line.get(ln, [])]
        if kind not in kinds:
            failures.append("planted %s claim on line %d not reported: %s" % (kind, ln, lines[ln - 1].strip()))
    for ln, items in sorted(by_line.items()):
        if ln not in plants:
            for kind, msg in items:
                failures.append("true claim reported on line %d: %s: %s" % (ln, kind, msg))
    want_kinds = {"command", "layer", "bench", "path", "item", "variable"}
    if set(plants.values()) != want_kinds:
        failures.append("the self-test document lacks a planted claim of kind %s" % (want_kinds - set(plants.values())))
    for f in failures:
        print("self-test: " + f)
    for _, ln, kind, msg in found:
        print("  reported %s:%d: [%s] %s" % ("selftest", ln, kind, msg))
    try:
        os.remove(path)
        os.rmdir(d)
    except OSError:
        pass
    if failures:
        print("self-test FAILED (%d)" % len(failures))
        return 1
    print("self-test passed: %d planted claims reported, no true claim reported" % len(plants))
    return 0


# ---------------------------------------------------------------------------- main

def main(argv):
    root, doc_path, mode = ROOT, None, "check"
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--root":
            root = argv[i + 1]
            i += 1
        elif a == "--doc":
            doc_path = argv[i + 1]
            i += 1
        elif a == "--claims":
            mode = "claims"
        elif a == "--missing":
            mode = "missing"
        elif a == "--self-test":
            mode = "self-test"
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            print("unknown argument: %s" % a, file=sys.stderr)
            return 2
        i += 1
    tree = Tree(os.path.abspath(root))
    if mode == "self-test":
        return self_test(tree)
    doc_path = doc_path or tree.p("ARCHITECTURE.md")
    with open(doc_path, encoding="utf-8") as f:
        doc = Doc(os.path.basename(doc_path), f.read())
    if mode == "missing":
        for line in missing(tree, doc):
            print(line)
        return 0
    readme = None
    if tree.isfile("README.md") and doc_path == tree.p("ARCHITECTURE.md"):
        readme = Doc("README.md", tree.read("README.md"))
    checker = Checker(tree)
    found = checker.run(doc, readme)
    if mode == "claims":
        for name, ln, kind, what in sorted(checker.claims, key=lambda x: (x[0], x[1])):
            print("%s:%d: [%s] %s" % (name, ln, kind, what))
        return 0
    for name, ln, kind, msg in found:
        print("%s:%d: %s" % (name, ln, msg))
    print("%d stale claim(s)" % len(found), file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
