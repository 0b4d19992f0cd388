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
# Short ASCII strings from the wasm read without a TextDecoder call each (see the script; it
# renames the glue by its new content, updates its name and integrity in index.html, and fails
# if wasm-bindgen's glue changed).
node scripts/short-strings.mjs dist
# Trunk gives the wasm's `<link rel="preload" as="fetch">` an `integrity`, which Chrome ignores
# for that kind of preload and warns about on every load (crbug.com/981419); trunk's loader
# fetches the wasm without one anyway. Dropped, so a host page's console stays clean.
sed -i -E 's|(<link rel="preload" href="\./linli-app-[0-9a-f]+_bg\.wasm" crossorigin="anonymous") integrity="[^"]*"|\1|' dist/index.html
grep -qE '<link rel="preload" href="\./linli-app-[0-9a-f]+_bg\.wasm" crossorigin="anonymous" as="fetch"' dist/index.html || { echo "build-web.sh: the wasm's preload in dist/index.html is not as expected (trunk's markup changed?)" >&2; exit 1; }
# The first 16 hex digits of a file's sha256: the content hash in the names below.
content_hash() { sha256sum "$1" | cut -c1-16; }
# The wasm under the hash of its final bytes. Trunk's name hashes it before wasm-opt, so a
# build that changed only wasm-opt's output kept the name with new bytes, and a cache that keeps
# hashed names for a year (scripts/serve.mjs, a CDN) would go on serving the old ones.
trunk_wasm=$(cd dist && ls linli-app-*_bg.wasm)
[ "$(printf '%s\n' "$trunk_wasm" | wc -l)" = 1 ] || { echo "build-web.sh: expected one linli-app-*_bg.wasm in dist/, found: $trunk_wasm" >&2; exit 1; }
wasm="linli-app-$(content_hash "dist/$trunk_wasm")_bg.wasm"
uses=$(grep -o "$trunk_wasm" dist/index.html | wc -l)
[ "$uses" = 2 ] || { echo "build-web.sh: dist/index.html names $trunk_wasm $uses times, expected 2 (the preload and the loader)" >&2; exit 1; }
if [ "$trunk_wasm" != "$wasm" ]; then
  mv "dist/$trunk_wasm" "dist/$wasm"
  sed -i "s|$trunk_wasm|$wasm|g" dist/index.html
fi
# leaflet.js under a content-hashed name like trunk's own files, so it can be cached for a year
# (trunk only copies it: the app inserts the script itself, src/leaflet.rs, and finds it by the
# content of `<meta id="leaflet-js">`, which is rewritten here).
leaflet="leaflet-$(content_hash dist/leaflet.js).js"
mv dist/leaflet.js "dist/$leaflet"
sed -i "s|content=\"leaflet.js\"|content=\"$leaflet\"|" dist/index.html
grep -q "$leaflet" dist/index.html || { echo "build-web.sh: <meta id=\"leaflet-js\"> is missing in dist/index.html" >&2; exit 1; }
# The service worker with the list of files to keep offline (deterministic: see the script).
node scripts/precache.mjs dist
echo "built dist/ ($(du -sh dist | cut -f1))"
