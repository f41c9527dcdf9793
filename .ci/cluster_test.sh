#!/usr/bin/env bash
# The cluster test (docs/deploy.md): PostgreSQL, Redis, Debian's nginx in front of two gunicorn
# servers, two RQ workers, a shared files directory; the main journeys, then a load while one server
# and one worker are killed and restarted. Bounded: it gives up after CLUSTER_TIMEOUT seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi
# Debian starts the packaged nginx on port 80 when it can; the test runs its own on its own port.
exec timeout --kill-after=20 "${CLUSTER_TIMEOUT:-900}" .venv/bin/python .ci/cluster_test.py
