#!/usr/bin/env bash
# The check of docs/scale.md's model on this machine: a 3-shard Redis Cluster, several server instances sharing it
# (every instance's catalog, counters and delivery state in the Cluster), driven by wrk at once: first decisions (every
# instance), then the impression beacons of those decisions, each sent to another instance than the one that served it.
# Prints, per instance, requests/s and CPU per 1,000 requests; per shard, keys, memory, Redis CPU, commands and network
# bytes per 1,000 requests; and the per-event figures the model uses (server CPU, Redis CPU, Redis commands, Redis
# memory per counted impression). --append adds the table to benchmarks/RESULTS.md with the commit and the machine.
#
#   benchmarks/cluster.sh [--instances N] [--duration S] [--connections N] [--campaigns N] [--smoke] [--append] [--no-build]
#
# Exits non-zero for a broken run (the Cluster or an instance never ready, a failed request, nothing counted).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/redis.sh
. scripts/bench.sh

instances=2 duration=20 connections=32 campaigns=10000 append=0 build=1
while [ $# -gt 0 ]; do
  case $1 in
    --instances) instances=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --campaigns) campaigns=$2; shift 2 ;;
    --smoke) duration=2; campaigns=200; connections=8; shift ;;
    --append) append=1; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cluster.sh: unknown option '$1' (--help lists them)" >&2; exit 2 ;;
  esac
done
for n in "$instances" "$duration" "$connections" "$campaigns"; do
  [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || { echo "cluster.sh: '$n' is not a whole number >= 1" >&2; exit 2; }
done
[ "$instances" -ge 2 ] || { echo "cluster.sh: --instances must be at least 2 (beacons go to another instance)" >&2; exit 2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
ensure_wrk cluster.sh
ensure_redis_installed
bench_build cluster.sh "$build"
bench_context
work=$(mktemp -d /tmp/suara-cluster.XXXXXX)
shards=() pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  for port in "${shards[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
die() { echo "cluster.sh: $1" >&2; exit 1; }

# The Cluster: three primaries, no replicas, all 16,384 slots.
# A shard also listens on its port + 10,000 (the Cluster bus). Both are drawn below the kernel's range of ephemeral
# ports (from 32,768 here), where an outgoing connection can take a port between the check and the bind (it did once:
# "Failed listening on port … (cluster)"); a port is taken only when both are free and neither is a port or a bus
# port of a shard already chosen.
ephemeral_low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
# 20000-22767 (bus ports 30000-32767): below Linux's default range, and apart from scripts/redis.sh's free_port.
span=$(( ephemeral_low - 10000 - 20000 ))
[ "$span" -le 2768 ] || span=2768
[ "$span" -ge 500 ] || span=2768   # an unusual range starting lower: take the default one's room and hope
shard_port() {
  local p
  for _ in $(seq 200); do
    p=$(( 20000 + RANDOM % span ))
    taken "$p" || { echo "$p"; return 0; }
  done
  die "no free pair of ports for a shard below $ephemeral_low"
}
taken() {
  local p
  for p in "${shards[@]}"; do
    [ "$1" = "$p" ] || [ "$1" = $((p + 10000)) ] || [ $(($1 + 10000)) = "$p" ] && return 0
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null || (exec 3<>"/dev/tcp/127.0.0.1/$(($1 + 10000))") 2>/dev/null
}
for _ in 1 2 3; do
  port=$(shard_port)
  redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$work/nodes-$port.conf" \
    --save '' --appendonly no --dir "$work" --daemonize yes --logfile "$work/redis-$port.log"
  shards+=("$port")
done
for port in "${shards[@]}"; do
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$port" ping >/dev/null 2>&1 || { cat "$work/redis-$port.log" >&2; die "the shard on port $port did not start"; }
done
redis-cli --cluster create "${shards[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes >"$work/create.log" 2>&1 \
  || { cat "$work/create.log" >&2; die "the Cluster could not be created"; }
for port in "${shards[@]}"; do
  for _ in $(seq 100); do redis-cli -p "$port" cluster info | grep -q 'cluster_state:ok' && break; sleep 0.1; done
  redis-cli -p "$port" cluster info | grep -q 'cluster_state:ok' || die "shard $port never reached cluster_state:ok"
done
configuration=$(printf '127.0.0.1:%s,' "${shards[@]}"); configuration=${configuration%,}
echo "Redis Cluster: ${shards[*]} (3 primaries)"

dotnet "$fixtures_dll" --write-catalog "$campaigns" "$work/catalog.json" >/dev/null
dotnet "$fixtures_dll" --write-requests 4096 "$work/requests.tsv" >/dev/null

# The instances: the first seeds the catalog into the Cluster, the others find it there.
limit=10000000
urls=()
for i in $(seq "$instances"); do
  port=$(free_port)
  url=http://127.0.0.1:$port
  env Redis__Configuration="$configuration" Ads__Seed="$work/catalog.json" Ads__PublicBaseUrl="$url" \
    ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Ads__AdminKey=cluster-admin-key-0123456789 \
    Ads__Traffic__DecisionsPerMinute=$limit Ads__Traffic__EventsPerMinute=$limit \
    Ads__Traffic__FloodDecisionsPerViewer=$limit Ads__Traffic__FloodEventsPerViewer=$limit \
    Ads__Traffic__FloodDecisionsPerAddress=$limit Ads__Traffic__FloodEventsPerAddress=$limit \
    dotnet "$server_dll" --urls "$url" --contentRoot "$PWD/src/Suara.Ads.Server" >"$work/server-$i.log" 2>&1 &
  pids+=($!)
  urls+=("$url")
  ready=0
  for _ in $(seq 480); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz")" = 200 ] && { ready=1; break; }
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.25
  done
  [ "$ready" -eq 1 ] || { cat "$work/server-$i.log" >&2; die "instance $i never became ready"; }
  echo "Instance $i ready on $url"
done

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
shard_stat() { # PORT -> "calls used_memory cpu_ms net_in net_out keys"
  local port=$1
  {
    redis-cli -p "$port" info commandstats | tr -d '\r' | awk -F'[:=,]' '/^cmdstat_/ { n = substr($1, 9); if (n != "info" && n != "cluster") c += $3 } END { print c + 0 }'
    redis-cli -p "$port" info memory | tr -d '\r' | sed -n 's/^used_memory://p'
    redis-cli -p "$port" info cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ { s += $2 } END { printf "%.0f\n", s * 1000 }'
    redis-cli -p "$port" info stats | tr -d '\r' | sed -n 's/^total_net_input_bytes://p; s/^total_net_output_bytes://p'
    redis-cli -p "$port" dbsize | tr -d '\r'
  } | paste -sd' '
}
snapshot() { # NAME: every shard's stats and every instance's CPU ticks
  for port in "${shards[@]}"; do echo "$port $(shard_stat "$port")"; done >"$work/$1.shards"
  for i in $(seq "$instances"); do echo "$i $(cpu_ticks "${pids[$((i - 1))]}")"; done >"$work/$1.cpu"
}
# drive PHASE MODE: wrk at every instance at once (one thread, --connections each); results in $work/PHASE-I.out.
drive() {
  local phase=$1 mode=$2 i
  local wrks=()
  for i in $(seq "$instances"); do
    env SUARA_MODE="$mode" SUARA_REQUESTS="$work/requests.tsv" SUARA_OUT="$work/impressions-$i" SUARA_TOKENS="$work/pool-$i" \
      wrk -t 1 -c "$connections" -d "${duration}s" --timeout 5s -s benchmarks/wrk/suara.lua "${urls[$((i - 1))]}" >"$work/$phase-$i.out" 2>&1 &
    wrks+=($!)
  done
  for pid in "${wrks[@]}"; do wait "$pid" || true; done
  for i in $(seq "$instances"); do
    grep -q '^RESULT ' "$work/$phase-$i.out" || { cat "$work/$phase-$i.out" >&2; die "wrk failed in $phase on instance $i"; }
  done
}
get() { sed -n "s/^RESULT .* $2=\([^ ]*\).*/\1/p; s/^RESULT $2=\([^ ]*\).*/\1/p" "$work/$1.out" | head -1; }
pending_drained() {
  for url in "${urls[@]}"; do
    for _ in $(seq 40); do
      [ "$(curl -s "$url/readyz" | sed -n 's/.*"pendingEvents":\([0-9]*\).*/\1/p')" = 0 ] && break
      sleep 0.25
    done
  done
  sleep 1
}
counted() { # the impressions every instance counted
  local total=0 url
  for url in "${urls[@]}"; do
    total=$((total + $(curl -s "$url/metrics" | awk 'index($0, "suara_ads_events_total{") == 1 && /result="accepted"/ && /type="impression"/ { s += $NF } END { printf "%d", s }')))
  done
  echo "$total"
}

# Decisions: a first run to warm every instance up and collect impression URLs, then the measured run (which also
# collects: its answers' impressions are the beacons of the next phase).
echo "Decisions: wrk -t 1 -c $connections at each of $instances instances, ${duration} s (a warm-up first)"
drive warmup collect
rm -f "$work"/impressions-*
pending_drained
snapshot d0
drive decisions collect
pending_drained
snapshot d1
# Each instance's impressions go to the next instance: a token is checked and counted wherever it lands.
for i in $(seq "$instances"); do
  next=$(( i % instances + 1 ))
  cat "$work"/impressions-"$i".* >"$work/pool-$next.0" 2>/dev/null || true
  [ -s "$work/pool-$next.0" ] || die "instance $i answered no impression URL"
done
impressions_before=$(counted)
echo "Beacons: the measured decisions' impression URLs, each to another instance"
snapshot b0
drive beacons beacons
pending_drained
snapshot b1
impressions=$(( $(counted) - impressions_before ))
[ "$impressions" -gt 0 ] || die "no impression was counted"

# delta A B COLUMN SHARD-OR-INSTANCE-FILE-SUFFIX: the change of a column between two snapshots, per line.
delta() { join <(sort "$work/$1.$4") <(sort "$work/$2.$4") | awk -v c="$3" -v n="$(( $(head -1 "$work/$1.$4" | wc -w) - 1 ))" '{ print $1, $(1 + n + c) - $(1 + c) }'; }
sum_col() { awk '{ s += $2 } END { printf "%d", s }'; }
requests() { local s=0 i; for i in $(seq "$instances"); do s=$((s + $(get "$1-$i" requests))); done; echo "$s"; }
decisions=$(requests decisions)
beacons=$(requests beacons)
# Every beacon carried a token not sent before (the pool outlasts the phase), so each is counted exactly once: as many
# impressions as beacons wrk saw answered, and at most one more per connection (those still in flight when it stopped).
in_flight=$((instances * connections))
[ "$impressions" -ge "$beacons" ] && [ "$impressions" -le $((beacons + in_flight)) ] \
  || die "$beacons beacons answered, but $impressions impressions counted (expected $beacons to $((beacons + in_flight)))"
errors=0
for phase in decisions beacons; do
  for i in $(seq "$instances"); do errors=$((errors + $(get "$phase-$i" status_errors) + $(get "$phase-$i" socket_errors))); done
done
[ "$errors" -eq 0 ] || die "$errors requests failed (non-2xx/3xx answers or socket errors)"
tick_ms=$((1000 / $(getconf CLK_TCK)))
per1000() { awk -v v="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.1f", 1000 * v / n; else printf "n/a" }'; }

{
  echo "### $(date -u '+%Y-%m-%d %H:%M') UTC, commit \`$commit\`, $machine"
  echo
  echo "\`benchmarks/cluster.sh --instances $instances --duration $duration --connections $connections --campaigns $campaigns\`:"
  echo "$instances instances and a 3-shard Redis Cluster (no replicas) on this machine, wrk at each instance at once; $(printf "%'d" "$campaigns") generated"
  echo "campaigns, 4-slot anonymous pages; then every measured decision's impression beacon, sent to another instance."
  echo
  echo "| instance | decisions/s | server CPU ms per 1,000 decisions | beacons/s | server CPU ms per 1,000 beacons | p99 decisions ms | errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for i in $(seq "$instances"); do
    dcpu=$(delta d0 d1 1 cpu | awk -v i="$i" '$1 == i { print $2 }')
    bcpu=$(delta b0 b1 1 cpu | awk -v i="$i" '$1 == i { print $2 }')
    errors=$(( $(get "decisions-$i" status_errors) + $(get "decisions-$i" socket_errors) + $(get "beacons-$i" status_errors) + $(get "beacons-$i" socket_errors) ))
    printf '| %s | %.0f | %s | %.0f | %s | %.2f | %s |\n' "$i" "$(get "decisions-$i" rps)" "$(per1000 $((dcpu * tick_ms)) "$(get "decisions-$i" requests)")" \
      "$(get "beacons-$i" rps)" "$(per1000 $((bcpu * tick_ms)) "$(get "beacons-$i" requests)")" "$(awk -v us="$(get "decisions-$i" p99_us)" 'BEGIN { printf "%.2f", us / 1000 }')" "$errors"
  done
  echo
  echo "| shard | keys at the end | memory MB at the end | commands per 1,000 decisions | per 1,000 beacons | Redis CPU ms per 1,000 decisions | per 1,000 beacons | network bytes per beacon (in + out) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for port in "${shards[@]}"; do
    line=$(awk -v p="$port" '$1 == p' "$work/b1.shards")
    keys=$(echo "$line" | awk '{ print $7 }')
    mem=$(echo "$line" | awk '{ printf "%.1f", $3 / 1048576 }')
    dc=$(delta d0 d1 1 shards | awk -v p="$port" '$1 == p { print $2 }')
    bc=$(delta b0 b1 1 shards | awk -v p="$port" '$1 == p { print $2 }')
    dcpu=$(delta d0 d1 3 shards | awk -v p="$port" '$1 == p { print $2 }')
    bcpu=$(delta b0 b1 3 shards | awk -v p="$port" '$1 == p { print $2 }')
    net=$(( $(delta b0 b1 4 shards | awk -v p="$port" '$1 == p { print $2 }') + $(delta b0 b1 5 shards | awk -v p="$port" '$1 == p { print $2 }') ))
    echo "| $port | $keys | $mem | $(per1000 "$dc" "$decisions") | $(per1000 "$bc" "$beacons") | $(per1000 "$dcpu" "$decisions") | $(per1000 "$bcpu" "$beacons") | $(awk -v n="$net" -v b="$beacons" 'BEGIN { printf "%.0f", n / b }') |"
  done
  mem_growth=$(delta b0 b1 2 shards | sum_col)
  echo
  echo "Totals: $(printf "%'d" "$decisions") decisions, $(printf "%'d" "$beacons") beacons answered, $(printf "%'d" "$impressions") impressions counted, once each"
  echo "(with those of beacons still in flight when wrk stopped). Redis memory grew by $(awk -v m="$mem_growth" -v n="$impressions" 'BEGIN { printf "%.0f", m / n }') bytes per counted impression over the"
  echo "beacon phase (de-duplication, counters, viewers' frequency, reach sketches, together)."
} >"$work/section.md"

bench_report 'Scale: instances on a 3-shard Redis Cluster (`benchmarks/cluster.sh`)' "$work/section.md" "$append"
