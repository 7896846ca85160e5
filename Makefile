# The README's two commands are `make run` and `make test`; the rest are helpers.
.PHONY: run build test setup check bench load size fmt

run: build
	LINLI_DEMO=1 LINLI_SEED_DEMO=1 ./target/release/linli serve

build:
	scripts/build.sh

test:
	scripts/test.sh

setup:
	scripts/setup.sh && scripts/test-setup.sh

check:
	python3 scripts/layers.py && . scripts/env.sh && cargo fmt --all --check && cargo clippy --workspace --all-targets -- -D warnings && \
	cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings

bench:
	. scripts/env.sh && cargo bench -p server

load:
	scripts/load.sh

size:
	scripts/wasm-size.sh

fmt:
	cargo fmt --all
