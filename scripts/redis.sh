#!/usr/bin/env bash
# Shared by run.sh and test.sh: make sure redis-server is installed, and start a private one.
# Debian's package does not start a server here, so we always run our own.

ensure_redis_installed() {
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "Installing redis-server from the distribution's packages..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq redis-server >/dev/null
  fi
}

# free_port: prints a TCP port nobody listens on. Drawn from 23000-29999: below the kernel's ephemeral ports (from
# 32768 on Linux by default), which an outgoing connection could take between this check and the bind, and apart
# from benchmarks/cluster.sh's shards (20000-22767, their Cluster bus ports 30000-32767).
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( (RANDOM % 7000) + 23000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# redis_ping PORT: true when a Redis answers on 127.0.0.1:PORT.
redis_ping() {
  redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG
}

# start_redis PORT DIR [extra args...]: starts redis-server in the background, waits until it answers.
start_redis() {
  local port=$1 dir=$2
  shift 2
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize no "$@" >"$dir/redis.log" 2>&1 &
  echo $! >"$dir/redis.pid"
  for _ in $(seq 1 100); do
    redis_ping "$port" && return 0
    sleep 0.1
  done
  echo "redis-server did not start on port $port; see $dir/redis.log" >&2
  return 1
}

stop_redis() {
  local dir=$1
  if [ -f "$dir/redis.pid" ]; then
    kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
    rm -f "$dir/redis.pid"
  fi
}
