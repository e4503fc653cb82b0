#!/usr/bin/env bash
# Builds in Release and runs every test, then the HTTP harness, the Cluster simulation and the catalog harness in
# smoke mode (benchmarks/http.sh, cluster.sh and catalog.sh with --smoke). Starts a private Redis on a free port and
# stops it after.
# The last line is "N passed, N failed" (", N skipped" when any were skipped).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/redis.sh

ensure_redis_installed
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work=$(mktemp -d /tmp/suara-test.XXXXXX)
port=$(free_port)
trap 'stop_redis "$work/redis"; rm -rf "$work"' EXIT
start_redis "$port" "$work/redis" --save '' --appendonly no
export SUARA_TEST_REDIS="127.0.0.1:$port"
echo "Test Redis on $SUARA_TEST_REDIS"

# The browser tests drive Debian's chromium (Playwright does not download browsers here).
command -v chromium >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The HTTP harness's smoke run (below) drives the server with Debian's wrk.
command -v wrk >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }

# PrometheusTests runs Debian's prometheus (and promtool) on a port of its own. Without recommends: no node exporter.
# The package's postinst asks invoke-rc.d to start its service; with no init system (or a policy-rc.d that denies it)
# nothing starts, and where something did, it is stopped again so that no Prometheus is left running.
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  invoke-rc.d prometheus stop >/dev/null 2>&1 || true
fi

dotnet build Suara.Ads.sln -c Release -nologo -clp:ErrorsOnly
# What docs/deployment.md deploys: the published output, run by PublishedBuildTests.
# Precompiled for this machine's runtime (ReadyToRun), which is a build of its own (about 20 s).
dotnet publish src/Suara.Ads.Server -c Release --use-current-runtime --self-contained false -nologo -o "$work/publish" >/dev/null
export SUARA_PUBLISHED="$work/publish"
mkdir -p test-artifacts
set +e
dotnet test Suara.Ads.sln -c Release --no-build -nologo --logger "console;verbosity=minimal" 2>&1 | tee "$work/test.log"
status=${PIPESTATUS[0]}
set -e

# Sum the per-project summaries ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ...").
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- ' "$work/test.log" | awk -F'[:,]' '
  { for (i = 1; i <= NF; i++) { gsub(/ /, "", $i) }
    for (i = 1; i < NF; i++) {
      if ($i ~ /Failed$/) f += $(i+1); else if ($i == "Passed") p += $(i+1); else if ($i == "Skipped") s += $(i+1)
    } }
  END { print p+0, f+0, s+0 }')
projects=$(grep -cE '(Passed|Failed)! +- ' "$work/test.log" || true)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the run failed without a test failing (build or host crash): never report green
fi
if [ "$projects" -lt 2 ]; then
  echo "Expected results from 2 test projects, got $projects." >&2
  failed=$((failed + 1))
fi

# smoke NAME COMMAND...: a harness in smoke mode; a run that fails counts as a failure, its output above.
smoke() {
  local name=$1 status
  shift
  echo "$name smoke run: $*"
  set +e
  "$@" 2>&1 | tee "$work/$name-smoke.log"
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    echo "$* failed (exit $status); its output is above." >&2
    failed=$((failed + 1))
  fi
}

# The HTTP harness (2 s a phase, 200 campaigns, RESULTS.md untouched), so that it cannot rot: a failed request, a phase
# without requests or a server that never gets ready fails the run.
smoke http benchmarks/http.sh --smoke --no-build
# The Cluster simulation (2 instances on a 3-shard Redis Cluster, 2 s a phase): the server works on a Cluster
# unchanged, and every beacon sent to another instance than the one that served it is counted once.
smoke cluster benchmarks/cluster.sh --smoke --no-build
# The catalog harness (2,000 campaigns, one restart, two changes seen by a second instance).
smoke catalog benchmarks/catalog.sh --smoke --no-build --server "$work/publish"

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
