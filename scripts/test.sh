#!/usr/bin/env bash
# Sets up what is missing and runs every test: formatting and lints, the native tests of the
# core, the CLI and the app's pure modules, the core's wasm32 build, the release web build, and
# the end-to-end tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "rustfmt"
cargo fmt --all -- --check
step "clippy (native crates, the app for wasm32, and the app's native unit tests)"
cargo clippy -p linli-core -p linli-build -p linli-cli --all-targets -- -D warnings
cargo clippy -p linli-app --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p linli-app --tests -- -D warnings
step "the core builds for wasm32"
cargo check -p linli-core --target wasm32-unknown-unknown
step "native tests: core, CLI, app modules"
cargo test --workspace
step "benchmarks compile and run once"
LINLI_BENCH_MAX_TILES=4 cargo test -p linli-build --benches
step "release web build"
scripts/build-web.sh
step "end-to-end tests in headless Chromium"
npm run --silent test:e2e
