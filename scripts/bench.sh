# Shared by the harnesses in benchmarks/ (source it from the repository root, after scripts/redis.sh).

server_dll=src/Suara.Ads.Server/bin/Release/net10.0/Suara.Ads.Server.dll
fixtures_dll=benchmarks/Suara.Ads.Benchmarks/bin/Release/net10.0/Suara.Ads.Benchmarks.dll

# bench_build NAME BUILD [PROJECT...]: unless BUILD is 0, builds the benchmarks project (which references the server)
# and each PROJECT in Release; then checks that the server's and the fixtures' dlls are there (NAME says who asks).
bench_build() {
  local name=$1 build=$2 project dll
  shift 2
  if [ "$build" -ne 0 ]; then
    for project in benchmarks/Suara.Ads.Benchmarks "$@"; do dotnet build "$project" -c Release -nologo -clp:ErrorsOnly; done
  fi
  for dll in "$server_dll" "$fixtures_dll"; do
    [ -f "$dll" ] || { echo "$name: $dll is missing (build in Release, or run without --no-build)" >&2; exit 1; }
  done
}

# ensure_wrk NAME: installs wrk from the distribution's packages when it is missing (we run as root); exits when it
# cannot be had (NAME says who asks).
ensure_wrk() {
  if ! command -v wrk >/dev/null; then
    echo "Installing wrk from the distribution's packages..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null || true
  fi
  command -v wrk >/dev/null || { echo "$1: wrk is missing and could not be installed" >&2; exit 1; }
}

# bench_context: sets $commit (with +dirty for uncommitted changes) and $machine (cores, CPU model, load) for a table.
bench_context() {
  commit=$(git rev-parse --short HEAD)
  [ -z "$(git status --porcelain)" ] || commit="$commit+dirty"
  machine="$(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
}

# bench_report TITLE SECTION APPEND: prints the SECTION file; when APPEND is 1, adds it to benchmarks/RESULTS.md under
# the heading TITLE.
bench_report() {
  local title=$1 section=$2 append=$3
  echo
  cat "$section"
  if [ "$append" -eq 1 ]; then
    { echo; echo "## $title"; echo; cat "$section"; } >>benchmarks/RESULTS.md
    echo "Added to benchmarks/RESULTS.md."
  fi
}
