#!/usr/bin/env bash
# The server against a bare ASP.NET Core endpoint over HTTP, in one run (benchmarks/README.md, "HTTP against a bare
# endpoint"): builds Release, starts a private Redis, the server on a generated catalog and the bare baseline
# (benchmarks/Suara.Ads.Baseline), drives both with wrk (benchmarks/wrk/suara.lua) with the same varied anonymous
# decisions, then the same impression beacons, and prints requests/s, p50/p99/p99.9, errors, the ratio server/baseline,
# the server's working set and Redis commands per 1,000 decisions and per 1,000 beacons, with the goals met or missed.
# Then both again at a fixed rate, the goal's throughput (--paced 0.5: half the baseline's measured rate), for the
# latency a reader sees when the server is not saturated (p99 at saturation is mostly the queue of wrk's connections).
# The table is added to benchmarks/RESULTS.md with the commit and the machine.
#
#   benchmarks/http.sh [--duration S] [--warmup S] [--collect S] [--connections N] [--threads N] [--campaigns N]
#                      [--paced F] [--smoke] [--no-append] [--no-build]
#
# Exits non-zero only for a broken run (a request that failed, a phase without requests, traffic the server counted as
# invalid, the server or the baseline never ready, wrk missing), never for a missed goal. --smoke (./test.sh): 2 s a
# phase, no warm-ups, 200 campaigns, nothing added to RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/redis.sh
. scripts/bench.sh

duration=20 warmup=5 collect=30 connections=64 threads=2 campaigns=10000 smoke=0 append=1 build=1 paced=0.5
while [ $# -gt 0 ]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --collect) collect=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --campaigns) campaigns=$2; shift 2 ;;
    --paced) paced=$2; shift 2 ;;
    --smoke) smoke=1; duration=2; warmup=0; collect=2; campaigns=200; append=0; shift ;;
    --no-append) append=0; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "http.sh: unknown option '$1' (--help lists them)" >&2; exit 2 ;;
  esac
done
for n in "$duration" "$warmup" "$collect" "$connections" "$threads" "$campaigns"; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "http.sh: '$n' is not a whole number" >&2; exit 2; }
done
[[ $paced =~ ^(0(\.[0-9]+)?|1(\.0+)?)$ ]] || { echo "http.sh: --paced '$paced' is not a fraction from 0 to 1 (0: no paced runs)" >&2; exit 2; }
if [ "$duration" -lt 1 ] || [ "$collect" -lt 1 ] || [ "$threads" -lt 1 ] || [ "$connections" -lt "$threads" ] \
    || [ "$campaigns" -lt 1 ]; then
  echo "http.sh: need --duration, --collect, --threads, --campaigns >= 1 and --connections >= --threads" >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
ensure_wrk http.sh
ensure_redis_installed

baseline_dll=benchmarks/Suara.Ads.Baseline/bin/Release/net10.0/Suara.Ads.Baseline.dll
bench_build http.sh "$build" benchmarks/Suara.Ads.Baseline
[ -f "$baseline_dll" ] || { echo "http.sh: $baseline_dll is missing (build in Release, or run without --no-build)" >&2; exit 1; }

started=$SECONDS
bench_context

work=$(mktemp -d /tmp/suara-http.XXXXXX)
server_pid="" baseline_pid=""
cleanup() {
  for pid in $server_pid $baseline_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  stop_redis "$work/redis"
  rm -rf "$work"
}
trap cleanup EXIT

problems=()
broken() { problems+=("$1"); echo "BROKEN: $1" >&2; }
finish_broken() {
  echo "http.sh: broken run:" >&2
  printf '  - %s\n' "${problems[@]}" >&2
  exit 1
}

# Three distinct free ports.
redis_port=$(free_port)
server_port=$(free_port); while [ "$server_port" = "$redis_port" ]; do server_port=$(free_port); done
baseline_port=$(free_port); while [ "$baseline_port" = "$redis_port" ] || [ "$baseline_port" = "$server_port" ]; do baseline_port=$(free_port); done
server=http://127.0.0.1:$server_port
baseline=http://127.0.0.1:$baseline_port

start_redis "$redis_port" "$work/redis" --save '' --appendonly no
dotnet "$fixtures_dll" --write-catalog "$campaigns" "$work/catalog.json"
dotnet "$fixtures_dll" --write-requests 4096 "$work/requests.tsv"

# wait_ready URL PID NAME: until URL/readyz answers 200 (two minutes at most), or the process has ended.
wait_ready() {
  local deadline=$((SECONDS + 120))
  while [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "$2" 2>/dev/null || { echo "$3 exited before it was ready; its output:" >&2; cat "$work/$3.log" >&2; return 1; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/readyz")" = 200 ] && return 0
    sleep 0.25
  done
  echo "$3 was not ready after 120 s; its output:" >&2
  cat "$work/$3.log" >&2
  return 1
}

# wrk is one address sending as fast as it can: raise the per-address and per-viewer limits out of its way.
limit=10000000
env Redis__Configuration="127.0.0.1:$redis_port" Ads__Seed="$work/catalog.json" Ads__PublicBaseUrl="$server" \
  ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  Ads__Traffic__DecisionsPerMinute=$limit Ads__Traffic__EventsPerMinute=$limit \
  Ads__Traffic__FloodDecisionsPerViewer=$limit Ads__Traffic__FloodEventsPerViewer=$limit \
  Ads__Traffic__FloodDecisionsPerAddress=$limit Ads__Traffic__FloodEventsPerAddress=$limit \
  dotnet "$server_dll" --urls "$server" --contentRoot "$PWD/src/Suara.Ads.Server" >"$work/server.log" 2>&1 &
server_pid=$!
wait_ready "$server" "$server_pid" server || { broken "the server never became ready"; finish_broken; }
echo "Server ready on $server ($campaigns campaigns, Redis on 127.0.0.1:$redis_port) after $((SECONDS - started)) s"

# drive NAME MODE URL SECONDS [VAR=VALUE...]: one wrk run; its RESULT line goes to $work/NAME.result (" key=value ...").
drive() {
  local name=$1 mode=$2 url=$3 seconds=$4
  shift 4
  if ! env SUARA_MODE="$mode" SUARA_REQUESTS="$work/requests.tsv" "$@" \
      wrk -t "$threads" -c "$connections" -d "${seconds}s" --timeout 5s -s benchmarks/wrk/suara.lua "$url" >"$work/$name.out" 2>&1 \
      || ! grep -q '^RESULT ' "$work/$name.out"; then
    cat "$work/$name.out" >&2
    broken "wrk failed in '$name'"
    echo " requests=0 status_errors=0 socket_errors=0" >"$work/$name.result"
    return 0
  fi
  sed -n 's/^RESULT / /p' "$work/$name.out" >"$work/$name.result"
  local requests errors
  requests=$(get "$name" requests)
  errors=$(( $(get "$name" status_errors) + $(get "$name" socket_errors) ))
  printf '  %-26s %9s requests %9s/s  p99 %s ms  errors %s\n' "$name" "$requests" "$(get "$name" rps)" "$(ms "$(get "$name" p99_us)")" "$errors"
  [ "$requests" -gt 0 ] || broken "no requests in '$name'"
  [ "$errors" -eq 0 ] || broken "$errors failed requests in '$name' (non-2xx/3xx answers or socket errors)"
}
get() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$work/$1.result"; }
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }

# Until the server's counting has flushed what it holds (readyz pendingEvents 0), then one more flush interval.
drained() {
  for _ in $(seq 1 40); do
    [ "$(curl -s "$server/readyz" | sed -n 's/.*"pendingEvents":\([0-9]*\).*/\1/p')" = 0 ] && break
    sleep 0.25
  done
  sleep 0.5
}
redis_calls() { redis-cli -p "$redis_port" info commandstats | tr -d '\r' | awk -F'[:=,]' -v only="$1" '
  /^cmdstat_/ { name = substr($1, 9); if (name == "info") next; if (only == "" || name ~ only) calls += $3 }
  END { print calls + 0 }'; }
# metric NAME [LABEL-REGEX]: the sum of a counter's series in the server's /metrics.
metric() { curl -s "$server/metrics" | awk -v name="$1" -v labels="${2:-}" '
  index($0, name "{") == 1 && $0 ~ labels { sum += $NF } END { printf "%d\n", sum }'; }
# value NAME: the sum of a metric's series in the server's /metrics, as written (a counter of seconds is fractional).
value() { curl -s "$server/metrics" | awk -v name="$1" '(index($0, name "{") == 1 || index($0, name " ") == 1) { sum += $NF } END { printf "%.6f\n", sum }'; }
# The server process's CPU time so far, in clock ticks (user + system).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
# Before and after a measured server run: Redis commands (all, script calls), the server's CPU ticks, bytes allocated
# and seconds of GC pauses.
snapshot() {
  echo "$(redis_calls '') $(redis_calls '^eval') $(cpu_ticks) $(value dotnet_gc_heap_total_allocated_bytes_total) $(value dotnet_gc_pause_time_seconds_total)" >"$work/$1.redis"
}

echo "Decisions (wrk -t $threads -c $connections, ${duration} s a phase):"
# The server's decision warm-up, longer than the others: on 2 cores a fresh server takes some 15 s to reach its pace
# (about 4,000 decisions/s for the first 10 s, then over 13,000). It also collects the impression URLs of its answers
# for the beacon phases, and their mean size for the baseline's body.
drive collect collect "$server" "$collect" SUARA_OUT="$work/impressions"
answers=$(get collect answers)
[ "${answers:-0}" -gt 0 ] || { broken "the server answered no decision while warming up"; finish_broken; }
body_bytes=$(( $(get collect answer_bytes) / answers ))
fill=$(awk -v i="$(get collect impressions)" -v a="$answers" 'BEGIN { printf "%.0f", 100 * i / (4 * a) }')
cat "$work"/impressions.* >"$work/pool.txt"
drained
snapshot decisions-before
drive decisions-server decisions "$server" "$duration"
drained
snapshot decisions-after

env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  dotnet "$baseline_dll" --urls "$baseline" --BodyBytes "$body_bytes" >"$work/baseline.log" 2>&1 &
baseline_pid=$!
wait_ready "$baseline" "$baseline_pid" baseline || { broken "the baseline never became ready"; finish_broken; }
[ "$warmup" -eq 0 ] || drive warmup-decisions-baseline decisions "$baseline" "$warmup"
drive decisions-baseline decisions "$baseline" "$duration"

# group N: N with thousands separated by commas.
group() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
# The paced runs: both targets at the same fixed rate, --paced times the baseline's rate just measured (by default half
# of it, the goal's throughput), spread over wrk's threads.
paced_rate=0
if awk -v f="$paced" 'BEGIN { exit !(f > 0) }'; then
  paced_rate=$(awk -v f="$paced" -v r="$(get decisions-baseline rps)" 'BEGIN { printf "%.0f", f * r }')
  if [ "$paced_rate" -ge "$threads" ]; then
    per_thread=$(awk -v r="$paced_rate" -v t="$threads" 'BEGIN { printf "%.3f", r / t }')
    echo "Decisions at a fixed $(group "$paced_rate")/s ($paced of the baseline's rate):"
    drive decisions-paced-server decisions "$server" "$duration" SUARA_RATE="$per_thread"
    drive decisions-paced-baseline decisions "$baseline" "$duration" SUARA_RATE="$per_thread"
  else
    paced_rate=0
  fi
fi

# The pool in two parts in proportion to the phases' lengths, each dealt out into a file per wrk thread: the measured
# runs send first-time tokens until their part runs out, the warm-ups never send one of those.
pool=$(wc -l <"$work/pool.txt")
[ "$pool" -ge "$threads" ] || { broken "only $pool impression URLs for $threads threads"; finish_broken; }
warm_lines=$(( pool * warmup / (warmup + duration) ))
deal() { awk -v t="$threads" -v out="$1" '{ print > (out "." ((NR - 1) % t)) }'; }
head -n $((pool - warm_lines)) "$work/pool.txt" | deal "$work/pool-measured"
warm_beacons=0
if [ "$warmup" -gt 0 ] && [ "$warm_lines" -ge "$threads" ]; then
  tail -n "$warm_lines" "$work/pool.txt" | deal "$work/pool-warmup"
  warm_beacons=1
fi
echo "Beacons (a pool of $pool impression URLs from the server's answers):"
[ "$warm_beacons" -eq 0 ] || drive warmup-beacons-server beacons "$server" "$warmup" SUARA_TOKENS="$work/pool-warmup"
drained
snapshot beacons-before
drive beacons-server beacons "$server" "$duration" SUARA_TOKENS="$work/pool-measured"
drained
snapshot beacons-after
[ "$warm_beacons" -eq 0 ] || drive warmup-beacons-baseline beacons "$baseline" "$warmup" SUARA_TOKENS="$work/pool-warmup"
drive beacons-baseline beacons "$baseline" "$duration" SUARA_TOKENS="$work/pool-measured"

rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
server_rss=$(rss_mb "$server_pid")
baseline_rss=$(rss_mb "$baseline_pid")
# Every request came from a browser User-Agent, no prefetch, limits raised: anything counted as invalid is a broken run.
invalid=$(metric suara_ads_invalid_total)
[ "$invalid" -eq 0 ] || broken "the server counted $invalid requests or events as invalid traffic (see suara_ads_invalid_total)"
filtered=$(metric suara_ads_events_total 'result="filtered"')
[ "$filtered" -eq 0 ] || broken "the server filtered $filtered beacons as invalid traffic"

# per_1000 PHASE: Redis commands (all / script calls) per 1,000 requests of the measured server run.
per_1000() {
  local before after requests
  read -r -a before <"$work/$1-before.redis"
  read -r -a after <"$work/$1-after.redis"
  requests=$(get "$1-server" requests)
  awk -v all=$((after[0] - before[0])) -v scripts=$((after[1] - before[1])) -v n="$requests" \
    'BEGIN { if (n > 0) printf "%.0f %.0f\n", 1000 * all / n, 1000 * scripts / n; else print "n/a n/a" }' | {
    read -r all scripts
    echo "$(group "$all") ($(group "$scripts") script calls)"
  }
}
# cost PHASE: the server's CPU µs, KB allocated and GC pause ms per request of the measured run, and its GC pause ms per
# second of it (CPU from /proc, allocations and pauses from the runtime's own metrics in /metrics).
cost() {
  local before after
  read -r -a before <"$work/$1-before.redis"
  read -r -a after <"$work/$1-after.redis"
  awk -v ticks=$((after[2] - before[2])) -v hz="$(getconf CLK_TCK)" -v bytes="${after[3]} ${before[3]}" \
      -v pause="${after[4]} ${before[4]}" -v n="$(get "$1-server" requests)" -v us="$(get "$1-server" duration_us)" 'BEGIN {
    split(bytes, b, " "); split(pause, p, " ")
    if (n > 0) printf "%.0f %.1f %.1f\n", 1e6 * ticks / hz / n, (b[1] - b[2]) / 1024 / n, 1e9 * (p[1] - p[2]) / (us > 0 ? us : 1)
    else print "n/a n/a n/a" }'
}
ratio() { awk -v s="$(get "$1-server" rps)" -v b="$(get "$1-baseline" rps)" 'BEGIN { if (b > 0) printf "%.2f", s / b; else printf "0" }'; }
at_least() { awk -v v="$1" -v goal="$2" 'BEGIN { exit !(v >= goal) }' && echo met || echo missed; }
row() {
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(group "$(get "$1-$2" requests)")" \
    "$(group "$(awk -v r="$(get "$1-$2" rps)" 'BEGIN { printf "%.0f", r }')")" "$(ms "$(get "$1-$2" p50_us)")" \
    "$(ms "$(get "$1-$2" p99_us)")" "$(ms "$(get "$1-$2" p999_us)")" "$(get "$1-$2" status_errors)" "$(get "$1-$2" socket_errors)"
}

decisions_ratio=$(ratio decisions)
beacons_ratio=$(ratio beacons)
decisions_p99=$(ms "$(get decisions-server p99_us)")
server_errors=0
for phase in collect decisions-server decisions-paced-server warmup-beacons-server beacons-server; do
  [ -f "$work/$phase.result" ] || continue
  server_errors=$((server_errors + $(get "$phase" status_errors) + $(get "$phase" socket_errors)))
done
# Each thread goes through its file in order, so its first pass is all first-time tokens (none was sent before: the
# warm-ups have their own); after it, every beacon is a duplicate (answered 204).
measured_pool=$((pool - warm_lines))
first_time=$(awk -v p="$measured_pool" -v n="$(get beacons-server requests)" 'BEGIN { printf "%.0f", (n > 0 ? 100 * (p < n ? p : n) / n : 0) }')
p99_goal=$(awk -v p="$decisions_p99" 'BEGIN { exit !(p <= 5) }' && echo met || echo missed)
# late PHASE: the per cent of a paced run's requests sent more than 1 ms behind its schedule.
late() { awk -v l="$(get "$1" late)" -v n="$(get "$1" requests)" 'BEGIN { printf "%.1f", (n > 0 ? 100 * l / n : 0) }'; }
if [ "$paced_rate" -gt 0 ]; then
  paced_p99=$(ms "$(get decisions-paced-server p99_us)")
  paced_late=$(late decisions-paced-server)
  # A run that fell behind its schedule hides the wait in wrk's timings: it does not meet the goal, whatever its p99.
  paced_goal=$(awk -v p="$paced_p99" -v l="$paced_late" 'BEGIN { exit !(p <= 5 && l <= 1) }' && echo met || echo missed)
fi

{
  echo "### $(date -u '+%Y-%m-%d %H:%M') UTC, commit \`$commit\`, $machine"
  echo
  echo "\`benchmarks/http.sh --duration $duration --warmup $warmup --collect $collect --connections $connections --threads $threads --campaigns $campaigns\`:"
  echo "wrk ($threads threads, $connections connections, ${duration} s measured after ${warmup} s of warm-up, the server's"
  echo "decision warm-up ${collect} s) on loopback; $(group "$campaigns") generated campaigns; 4-slot anonymous article pages"
  echo "from 4,096 varied requests (country in \`CF-IPCountry\`, device from browser User-Agents); $fill % of slots filled;"
  echo "answers $(group "$body_bytes") bytes on average, the baseline's fixed body as long; beacons: GET of impression URLs"
  echo "from a pool of $(group "$pool"), $first_time % of those the server got in its measured run first-time (the rest duplicates)."
  echo
  echo "| phase | target | requests | req/s | p50 ms | p99 ms | p99.9 ms | non-2xx/3xx | socket errors |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  row decisions server
  row decisions baseline
  row beacons server
  row beacons baseline
  if [ "$paced_rate" -gt 0 ]; then
    row decisions-paced server
    row decisions-paced baseline
  fi
  echo
  echo "| measure | decisions | beacons |"
  echo "|---|---:|---:|"
  echo "| ratio server / baseline | **$decisions_ratio** | **$beacons_ratio** |"
  echo "| Redis commands per 1,000 (all, with those scripts run) | $(per_1000 decisions) | $(per_1000 beacons) |"
  read -r decisions_cpu decisions_alloc decisions_gc <<<"$(cost decisions)"
  read -r beacons_cpu beacons_alloc beacons_gc <<<"$(cost beacons)"
  echo "| server CPU per request (µs, user + system) | $decisions_cpu | $beacons_cpu |"
  echo "| server allocations per request (KB) | $decisions_alloc | $beacons_alloc |"
  echo "| server GC pauses (ms per second of the run) | $decisions_gc | $beacons_gc |"
  echo
  echo "Working set (VmRSS) at the end: server $(group "$server_rss") MB, baseline $(group "$baseline_rss") MB."
  echo
  echo "Goals: decisions ratio >= 0.5: $(at_least "$decisions_ratio" 0.5) ($decisions_ratio); decisions p99 <= 5 ms:"
  echo "$p99_goal ($decisions_p99 ms); zero errors: $([ "$server_errors" -eq 0 ] && echo met || echo "missed ($server_errors)");"
  echo "beacons ratio >= 0.8: $(at_least "$beacons_ratio" 0.8) ($beacons_ratio)."
  if [ "$paced_rate" -gt 0 ]; then
    echo
    echo "At a fixed $(group "$paced_rate") decisions/s ($paced of the baseline's rate; wrk's threads send on a schedule,"
    echo "requests sent more than 1 ms late: server $(late decisions-paced-server) %, baseline $(late decisions-paced-baseline) %): decisions p99 <= 5 ms"
    echo "at the goal's throughput: $paced_goal ($paced_p99 ms; the baseline $(ms "$(get decisions-paced-baseline p99_us)") ms)."
  fi
} >"$work/section.md"

echo
cat "$work/section.md"
echo
echo "Took $((SECONDS - started)) s (without the build)."

marker='<!-- benchmarks/http.sh adds each run below this line, latest first -->'
if [ "$append" -eq 1 ] && [ "${#problems[@]}" -eq 0 ]; then
  results=benchmarks/RESULTS.md
  if grep -qF "$marker" "$results"; then
    awk -v marker="$marker" -v section="$work/section.md" '
      { print }
      $0 == marker { print ""; while ((getline line < section) > 0) print line }' "$results" >"$work/RESULTS.md"
    cat "$work/RESULTS.md" >"$results"
  else
    { echo; echo "## HTTP: the server against a bare endpoint (\`benchmarks/http.sh\`)"; echo; echo "$marker"; echo
      cat "$work/section.md"; } >>"$results"
  fi
  echo "Added to $results."
fi

[ "${#problems[@]}" -eq 0 ] || finish_broken
