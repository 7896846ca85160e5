# The README's two commands are `make run` and `make test`; the rest are helpers.
.PHONY: run build dev test setup check bench load size fmt

run: build
	LINLI_DEMO=1 LINLI_SEED_DEMO=1 ./target/release/linli serve

build:
	scripts/build.sh

test:
	scripts/test.sh

# Watch, rebuild and reload while developing (cargo-leptos, installed on first use).
dev:
	scripts/setup.sh --with-cargo-leptos && scripts/vendor-web.sh && . scripts/env.sh && \
	LINLI_DEMO=1 LINLI_SEED_DEMO=1 cargo leptos watch

setup:
	scripts/setup.sh && scripts/test-setup.sh

check:
	scripts/check.sh

bench:
	. scripts/env.sh && cargo bench -p server

load:
	scripts/load.sh

size:
	scripts/wasm-size.sh

fmt:
	cargo fmt --all
