#!/usr/bin/env bash
# Issue 13's catalog goals, measured: a restarted server with a big catalog already in Redis (as a restart sees it),
# from its start to the first 200 of /readyz, with its CPU and resident memory; then one campaign changed at a time
# (PATCH on one instance): how long the change takes to answer, and to be in force on a second instance; then
# decisions at a steady rate on that instance for --load seconds, without changes and then while a random campaign
# changes every 50 ms (issue 13 goal 3: no decision paused more than 5 ms): their latency in both, the first being the
# same run's baseline.
# With --baseline DIR (another build's Suara.Ads.Server output folder) the starts alternate between that build and this
# one, so that both are measured in the same run on the same machine; the ratio is printed.
# "current" is this tree published as docs/deployment.md publishes it (precompiled for this machine's runtime), or the
# server build in --server DIR.
# --append adds the table to benchmarks/RESULTS.md with the commit and the machine.
#
#   benchmarks/catalog.sh [--campaigns N] [--starts N] [--changes N] [--load SECONDS] [--rate N] [--baseline DIR] [--server DIR] [--smoke] [--append] [--no-build]
#
# Exits non-zero for a broken run (an instance never ready, a change refused or never in force elsewhere, a decision
# answered with an error).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/redis.sh
. scripts/bench.sh

campaigns=100000 starts=5 changes=10 load=20 rate=1000 baseline="" server="" append=0 build=1 settle=5
while [ $# -gt 0 ]; do
  case $1 in
    --campaigns) campaigns=$2; shift 2 ;;
    --starts) starts=$2; shift 2 ;;
    --changes) changes=$2; shift 2 ;;
    --load) load=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    --server) server=$2; shift 2 ;;
    --smoke) campaigns=2000; starts=1; changes=2; load=2; rate=200; settle=0; shift ;;
    --append) append=1; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "catalog.sh: unknown option '$1' (--help lists them)" >&2; exit 2 ;;
  esac
done
for n in "$campaigns" "$starts" "$changes" "$load" "$rate"; do
  [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || { echo "catalog.sh: '$n' is not a whole number >= 1" >&2; exit 2; }
done
[ -z "$baseline" ] || [ -f "$baseline/Suara.Ads.Server.dll" ] || { echo "catalog.sh: no Suara.Ads.Server.dll in '$baseline'" >&2; exit 2; }
[ -z "$server" ] || [ -f "$server/Suara.Ads.Server.dll" ] || { echo "catalog.sh: no Suara.Ads.Server.dll in '$server'" >&2; exit 2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
ensure_redis_installed
ensure_wrk catalog.sh
bench_build catalog.sh "$build"
bench_context
work=$(mktemp -d /tmp/suara-catalog.XXXXXX)
redis_port=$(free_port)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  stop_redis "$work/redis"
  rm -rf "$work"
}
trap cleanup EXIT
die() { echo "catalog.sh: $1" >&2; exit 1; }
start_redis "$redis_port" "$work/redis" --save '' --appendonly no
server_given=$server
if [ -z "$server" ]; then
  # As docs/deployment.md publishes it.
  dotnet publish src/Suara.Ads.Server -c Release --use-current-runtime --self-contained false -nologo -o "$work/publish" >/dev/null
  server=$work/publish
fi
admin_key=catalog-bench-admin-key-0123456789

# start NAME DIR [ENV...]: a server from DIR's build on a free port; sets $pid and $url (not yet ready).
start() {
  local name=$1 dir=$2
  shift 2
  local port
  port=$(free_port)
  url=http://127.0.0.1:$port
  env Redis__Configuration="127.0.0.1:$redis_port" Ads__PublicBaseUrl="$url" Ads__AdminKey="$admin_key" \
    ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Logging__LogLevel__Suara.Ads.Server.Catalog=Information "$@" \
    dotnet "$dir/Suara.Ads.Server.dll" --urls "$url" --contentRoot "$PWD/src/Suara.Ads.Server" >"$work/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
}
# wait_ready NAME SECONDS: polls /readyz every 50 ms; prints the seconds it took.
wait_ready() {
  local name=$1 limit=$2 t0 now
  t0=$(date +%s%N)
  while [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz")" != 200 ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/$name.log" >&2; die "$name exited before it was ready"; }
    now=$(date +%s%N)
    [ $(( (now - t0) / 1000000000 )) -lt "$limit" ] || { cat "$work/$name.log" >&2; die "$name not ready within $limit s"; }
    sleep 0.05
  done
  now=$(date +%s%N)
  awk -v ns=$((now - t0)) 'BEGIN { printf "%.2f", ns / 1e9 }'
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat"; }
rss_mb() { awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }
version_of() { curl -s "$1/readyz" | sed -n 's/.*"catalogVersion":\([0-9]*\).*/\1/p'; }

# The catalog, imported once by a server seeded with it; every measured start then reads it from Redis.
dotnet "$fixtures_dll" --write-catalog "$campaigns" "$work/catalog.json" >/dev/null
start import "$server" Ads__Seed="$work/catalog.json"
wait_ready import 600 >/dev/null
stop "$pid"
stored=$(redis-cli -p "$redis_port" info memory | tr -d '\r' | sed -n 's/^used_memory_human://p')
echo "$(printf "%'d" "$campaigns") campaigns imported ($stored in Redis)"

# The starts, alternating builds when there is a baseline (the second of a pair tends to be slower on a shared box:
# the order alternates too).
builds=(current)
[ -z "$baseline" ] || builds=(baseline current)
: >"$work/starts"
for n in $(seq "$starts"); do
  order=("${builds[@]}")
  if [ "${#builds[@]}" -eq 2 ] && [ $((n % 2)) -eq 0 ]; then order=(current baseline); fi
  for build_name in "${order[@]}"; do
    dir=$server
    [ "$build_name" = current ] || dir=$baseline
    start "start-$n-$build_name" "$dir"
    seconds=$(wait_ready "start-$n-$build_name" 600)
    cpu=$(cpu_seconds "$pid") rss=$(rss_mb "$pid")
    sleep "$settle"
    rss_later=$(rss_mb "$pid")
    phases=$(sed -n 's/.*read whole in \([0-9.]*\) ms, validated and built in \([0-9.]*\) ms, in force \([0-9.]*\) ms later; \([0-9.]*\) ms of process CPU, the GC paused \([0-9.]*\) ms.*/\1 \2 \3 \4 \5/p' \
      "$work/start-$n-$build_name.log" | head -1 | awk '{ printf "%.0f %.0f %.0f %.0f %.0f", $1, $2, $3, $4, $5 }')
    echo "$build_name $seconds $cpu $rss $rss_later ${phases:-- - - - -}" >>"$work/starts"
    echo "start $n, $build_name: ready in $seconds s, $cpu s of CPU, $rss MB resident ($rss_later MB ${settle} s later)"
    stop "$pid"
  done
done

# One campaign changed at a time: PATCH on one instance, then poll a second one's /readyz for the new version.
# The first instance takes the decisions of the last phase from one address: its traffic limits out of the way.
limit=10000000
start first "$server" Ads__Traffic__DecisionsPerMinute=$limit Ads__Traffic__FloodDecisionsPerViewer=$limit Ads__Traffic__FloodDecisionsPerAddress=$limit
first_pid=$pid first_url=$url
wait_ready first 600 >/dev/null
start second "$server"
second_url=$url
wait_ready second 600 >/dev/null
id=$(sed -n 's/.*"id": *"\(c-[0-9]*\)".*/\1/p' "$work/catalog.json" | head -1)
[ -n "$id" ] || id=c-00005
: >"$work/changes"
for n in $(seq "$changes"); do
  # Answered: curl's own time for the request (starting a curl process here takes tens of ms on a busy box); in force
  # elsewhere: from before that process started, so it only errs long.
  t0=$(date +%s%N)
  read -r code answered < <(curl -s -o "$work/patch.out" -w '%{http_code} %{time_total}\n' -X PATCH "$first_url/v1/admin/campaigns/$id" \
    -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/merge-patch+json' -d "{\"weight\":$((100 + n))}")
  t1=$(date +%s%N)
  [ "$code" = 200 ] || { cat "$work/patch.out" >&2; die "PATCH $id answered $code"; }
  want=$(version_of "$first_url")
  until [ "$(version_of "$second_url")" = "$want" ]; do
    [ $(( ($(date +%s%N) - t1) / 1000000 )) -lt 10000 ] || die "version $want not in force on the second instance within 10 s"
    sleep 0.01
  done
  t2=$(date +%s%N)
  echo "$(awk -v s="$answered" 'BEGIN { printf "%.0f", s * 1000 }') $(( (t2 - t0) / 1000000 ))" >>"$work/changes"
done

# Decisions at $rate a second for $load s on the first instance (wrk paced: benchmarks/wrk/suara.lua, 4-slot anonymous
# pages), first without changes, then while a PATCH of a random campaign's weight is sent every 50 ms (plus the time
# curl takes to start).
dotnet "$fixtures_dll" --write-requests 4096 "$work/requests.tsv" >/dev/null
grep -o '"id":"c-[0-9]*"' "$work/catalog.json" | cut -d'"' -f4 >"$work/ids"
mapfile -t ids <"$work/ids"
paced() {
  SUARA_REQUESTS="$work/requests.tsv" SUARA_MODE=decisions SUARA_RATE=$rate \
    wrk -t 1 -c 8 -d "$1" --timeout 5s -s benchmarks/wrk/suara.lua "$first_url" 2>&1 | grep '^RESULT' || true
}
paced "$(( load < 5 ? 1 : 10 ))s" >/dev/null # warm-up (past the first seconds after a start: tier-up, the first gen1 collection)
paced "${load}s" >"$work/quiet.result"
paced "${load}s" >"$work/busy.result" &
wrk_pid=$!
made=0
while kill -0 "$wrk_pid" 2>/dev/null; do
  target=${ids[$(( (RANDOM * 32768 + RANDOM) % ${#ids[@]} ))]}
  code=$(curl -s -o "$work/patch.out" -w '%{http_code}' -X PATCH "$first_url/v1/admin/campaigns/$target" \
    -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/merge-patch+json' -d "{\"weight\":$((1 + RANDOM % 900))}")
  [ "$code" = 200 ] || { cat "$work/patch.out" >&2; die "PATCH $target answered $code under load"; }
  made=$((made + 1))
  sleep 0.05
done
wait "$wrk_pid" || true
field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" "$1"; }
for f in quiet busy; do
  [ -s "$work/$f.result" ] || die "wrk gave no result for the decisions $f"
  [ "$(field "$work/$f.result" status_errors)" = 0 ] && [ "$(field "$work/$f.result" socket_errors)" = 0 ] \
    || die "decisions answered with errors ($f): $(cat "$work/$f.result")"
done
kill -0 "$first_pid" 2>/dev/null || die "the first instance died"

median() { grep -E '^[0-9.]+$' | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { grep -E '^[0-9.]+$' | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }
column() { awk -v b="$1" -v c="$2" '$1 == b { print $c }' "$work/starts"; }
{
  echo "### $(date -u '+%Y-%m-%d %H:%M') UTC, commit \`$commit\`, $machine"
  echo
  echo "\`benchmarks/catalog.sh --campaigns $campaigns --starts $starts --changes $changes${baseline:+ --baseline $baseline}${server_given:+ --server $server}\`: $(printf "%'d" "$campaigns") generated"
  echo "campaigns ($stored in Redis), each start a fresh server reading them from Redis (\"current\": ${server_given:-this tree published as docs/deployment.md does, precompiled}); \"ready\" is the first 200 of \`/readyz\`"
  echo "(polled every 50 ms); the last five columns are the server's own log of the load (event 47; \"-\" for a build that"
  echo "logs less): reading, validating and building, then the compacting collection and the warm-ups before it is in force."
  echo
  echo "| build | starts | ready s (median, range) | CPU s | resident MB at ready | ${settle} s later | read ms | validate and build ms | then in force ms | load's CPU ms | GC paused ms |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for b in "${builds[@]}"; do
    echo "| $b | $(column "$b" 2 | wc -l) | $(column "$b" 2 | median) ($(column "$b" 2 | range)) | $(column "$b" 3 | median) | $(column "$b" 4 | median) | $(column "$b" 5 | median) | $(column "$b" 6 | median) | $(column "$b" 7 | median) | $(column "$b" 8 | median) | $(column "$b" 9 | median) | $(column "$b" 10 | median) |"
  done
  if [ -n "$baseline" ]; then
    echo
    echo "Ready, current against baseline (medians): $(awk -v c="$(column current 2 | median)" -v b="$(column baseline 2 | median)" 'BEGIN { printf "%.2f", c / b }'); CPU: $(awk -v c="$(column current 3 | median)" -v b="$(column baseline 3 | median)" 'BEGIN { printf "%.2f", c / b }')."
  fi
  echo
  echo "One campaign changed ($changes PATCHes of \`$id\`'s weight, one after the other): answered in $(awk '{ print $1 }' "$work/changes" | median) ms (curl's time)"
  echo "(median; $(awk '{ print $1 }' "$work/changes" | range) ms), in force on a second instance $(awk '{ print $2 }' "$work/changes" | median) ms after it was sent ($(awk '{ print $2 }' "$work/changes" | range) ms)."
  echo
  echo "Decisions at $rate a second on one instance for $load s (wrk paced, 8 connections), without changes and then while $made"
  echo "PATCHes of random campaigns were answered (one every 50 ms plus curl's start), latency in ms:"
  echo
  echo "| | decisions | p50 | p99 | p99.9 | max | sent late (over 1 ms) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for f in quiet busy; do
    label=$([ "$f" = quiet ] && echo "no changes" || echo "a change every 50 ms")
    echo "| $label | $(field "$work/$f.result" requests) | $(awk -v u="$(field "$work/$f.result" p50_us)" 'BEGIN { printf "%.2f", u / 1000 }') | $(awk -v u="$(field "$work/$f.result" p99_us)" 'BEGIN { printf "%.2f", u / 1000 }') | $(awk -v u="$(field "$work/$f.result" p999_us)" 'BEGIN { printf "%.2f", u / 1000 }') | $(awk -v u="$(field "$work/$f.result" max_us)" 'BEGIN { printf "%.2f", u / 1000 }') | $(field "$work/$f.result" late) |"
  done
} >"$work/section.md"

bench_report 'Catalog at scale: restarts and changes (`benchmarks/catalog.sh`)' "$work/section.md" "$append"
