#!/usr/bin/env bash
# Runs Suara Ads with the demo catalog. Installs redis-server when missing and starts a local Redis
# (data in ./.redis) unless one already answers on the configured port.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/redis.sh

PORT=${PORT:-8080}
REDIS_PORT=${REDIS_PORT:-6379}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

ensure_redis_installed
if redis_ping "$REDIS_PORT"; then
  echo "Using the Redis already running on 127.0.0.1:$REDIS_PORT"
else
  echo "Starting Redis on 127.0.0.1:$REDIS_PORT (data in .redis/)"
  start_redis "$REDIS_PORT" "$PWD/.redis" --save 60 1 --appendonly yes
  trap 'stop_redis "$PWD/.redis"' EXIT
fi

export Redis__Configuration=${Redis__Configuration:-127.0.0.1:$REDIS_PORT}
export Ads__Seed=${Ads__Seed:-demo}
base="http://localhost:$PORT"
# The server runs in the Production environment, where links in creatives are never built from the Host header:
# they use this base. Set Ads__PublicBaseUrl yourself when pages reach the server under another address.
export Ads__PublicBaseUrl=${Ads__PublicBaseUrl:-$base}
dotnet build src/Suara.Ads.Server -c Release -nologo -clp:ErrorsOnly

cat <<MSG

Suara Ads is starting on $base
  Demo page:  $base/demo/            (a news article tagged with ads.js; second page: $base/demo/sport.html)
  Decisions:  curl -s -X POST $base/v1/decisions -H 'Content-Type: application/json' \\
                -d '{"site":"suara","page":{"section":"news"},"slots":[{"id":"top","placement":"article-top"}]}'
  Admin API:  $base/v1/admin/campaigns  (Authorization: Bearer <admin key>; see docs/admin.md)
  Metrics:    $base/metrics   Health: $base/healthz   Readiness: $base/readyz
  Reports:    $base/reports   (pages with charts; API: $base/v1/reports/campaigns/skyway-london, docs/api.md)
  Console:    $base/console   (ad-ops: sign in with the admin key; docs/console.md)
  The admin key is printed below the first time it is generated (unless Ads__AdminKey is set);
  it is kept in Redis and reused on later runs (read it again: redis-cli -p $REDIS_PORT get suara:admin-key).
Press Ctrl+C to stop.

MSG
dotnet run -c Release --no-build --project src/Suara.Ads.Server -- --urls "http://0.0.0.0:$PORT"
