#!/usr/bin/env bash
# Sets up what is missing, builds the app on the bundled sample data and serves it.
# PORT (default 8080) and HOST (default 127.0.0.1) choose where.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-web.sh
exec node scripts/serve.mjs dist "${PORT:-8080}" "${HOST:-127.0.0.1}"
