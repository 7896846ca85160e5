#!/usr/bin/env python3
"""What a first visit to a page costs on the wire: the page's HTML and every stylesheet,
script, module preload and WebAssembly file it makes the browser fetch, as the server sends
them (Accept-Encoding: br, so the bytes are the compressed ones a phone receives).

    scripts/page-weight.py BASE [--budget BYTES] [--island-budget BYTES] PATH...

Prints one line per page: the HTML's bytes, the assets' bytes, the total, whether the page
loads WebAssembly, and the budget it is held to: pages with no WebAssembly to BYTES
(default 30,000), pages with an island to --island-budget (default 300,000: the bundle's own
budget is checked by wasm-size.sh). Exits 1 when any page is over its budget.
Python 3, standard library only.
"""
import argparse
import html.parser
import subprocess
import sys
import urllib.parse
import urllib.request


class Refs(html.parser.HTMLParser):
    """The files a page makes the browser fetch before it is usable."""

    def __init__(self):
        super().__init__()
        self.found = []
        self.module_inline = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            if a.get("src"):
                self.found.append(a["src"])
            elif a.get("type") == "module":
                self.module_inline = True
        elif tag == "link":
            rel = (a.get("rel") or "").split()
            if a.get("href") and ({"stylesheet", "modulepreload", "preload"} & set(rel)):
                self.found.append(a["href"])


def fetch(url):
    req = urllib.request.Request(url, headers={"Accept-Encoding": "br", "User-Agent": "page-weight"})
    with urllib.request.urlopen(req, timeout=30) as r:
        body = r.read()
        return body, r.headers.get("Content-Encoding", "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--budget", type=int, default=30_000)
    ap.add_argument("--island-budget", type=int, default=300_000)
    args = ap.parse_args()
    seen_sizes = {}
    over = []
    print(f"{'page':<34} {'html':>8} {'assets':>8} {'total':>8}  wasm  budget")
    for path in args.paths:
        url = urllib.parse.urljoin(args.base, path)
        body, enc = fetch(url)
        page_bytes = len(body)
        if enc == "br":
            text = subprocess.run(["brotli", "-d", "-c"], input=body, capture_output=True, check=True).stdout
        else:
            text = body
        p = Refs()
        p.feed(text.decode("utf-8", "replace"))
        assets = 0
        wasm = False
        for ref in dict.fromkeys(p.found):
            u = urllib.parse.urljoin(url, ref)
            if urllib.parse.urlparse(u).netloc != urllib.parse.urlparse(url).netloc:
                continue
            if u not in seen_sizes:
                seen_sizes[u] = len(fetch(u)[0])
            assets += seen_sizes[u]
            if u.endswith(".wasm") or ("/pkg/" in u and u.endswith(".js")):
                wasm = True
        wasm = wasm or p.module_inline
        budget = args.island_budget if wasm else args.budget
        total = page_bytes + assets
        flag = "" if total <= budget else "  OVER"
        print(f"{path:<34} {page_bytes:>8} {assets:>8} {total:>8}  {'yes' if wasm else 'no ':<4}  {budget}{flag}")
        if total > budget:
            over.append(path)
    if over:
        print(f"FAIL: over budget: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
