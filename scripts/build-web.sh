#!/usr/bin/env bash
# Builds the web app into dist/: the sample bundle from the committed Futian extract and the
# illustrative services, then the release wasm with trunk (offline: the tools come from
# scripts/setup.sh). Assumes setup has run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

cargo build --release -p linli-cli --quiet
mkdir -p public/data
./target/release/linli build \
  --osm data/osm/shenzhen-futian.osm.pbf \
  --services data/sample/futian-services.csv \
  --name "深圳福田 香蜜湖–车公庙" \
  --out public/data/futian.linli

trunk build --release --offline
# The service worker with the list of files to keep offline (deterministic: see the script).
node scripts/precache.mjs dist
echo "built dist/ ($(du -sh dist | cut -f1))"
