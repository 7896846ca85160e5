# Sourced by every script: puts the project's tools on PATH. The tools live outside the
# clone (cargo's bin folder and a cache folder), so a fresh clone reuses them.
export LINLI_TOOLS_DIR="${LINLI_TOOLS_DIR:-$HOME/.cache/linli-tools}"
export PATH="$HOME/.cargo/bin:$LINLI_TOOLS_DIR/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
