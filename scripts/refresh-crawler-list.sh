#!/usr/bin/env bash
# Refreshes the vendored crawler list (src/Suara.Ads.Core/Devices/Crawlers/) from the npm package
# crawler-user-agents: copies crawler-user-agents.json and LICENSE unchanged, rewrites the version line of the
# folder's README.md and prints how the patterns changed. Usage: scripts/refresh-crawler-list.sh [VERSION]
set -euo pipefail

version_spec="${1:-latest}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/src/Suara.Ads.Core/Devices/Crawlers"
readme="$dest/README.md"

for tool in npm node tar; do
  command -v "$tool" >/dev/null || { echo "refresh-crawler-list: $tool is needed" >&2; exit 1; }
done
[[ -f "$readme" ]] || { echo "refresh-crawler-list: $readme is missing" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --loglevel=error "crawler-user-agents@$version_spec" >/dev/null)
tarball=("$work"/crawler-user-agents-*.tgz)
tar -xzf "${tarball[0]}" -C "$work" package/package.json package/crawler-user-agents.json package/LICENSE
version="$(node -p 'require(process.argv[1]).version' "$work/package/package.json")"

# Pattern counts and the patterns added and removed, old list against new.
old_json="$dest/crawler-user-agents.json"
if [[ ! -f "$old_json" ]]; then
  old_json="$work/none.json"
  echo '[]' > "$old_json"
fi
node - "$old_json" "$work/package/crawler-user-agents.json" <<'JS'
const fs = require('fs');
const read = f => JSON.parse(fs.readFileSync(f, 'utf8')).map(e => e.pattern);
const [before, after] = [read(process.argv[2]), read(process.argv[3])];
const [b, a] = [new Set(before), new Set(after)];
const added = after.filter(p => !b.has(p));
const removed = before.filter(p => !a.has(p));
console.log(`patterns: ${before.length} -> ${after.length} (${added.length} added, ${removed.length} removed)`);
const list = (sign, patterns) => {
  for (const p of patterns.slice(0, 40)) console.log(`  ${sign} ${p}`);
  if (patterns.length > 40) console.log(`  ${sign} ... and ${patterns.length - 40} more`);
};
list('+', added);
list('-', removed);
JS

old_version="$(sed -n 's/^- Version: //p' "$readme")"
cp "$work/package/crawler-user-agents.json" "$dest/crawler-user-agents.json"
cp "$work/package/LICENSE" "$dest/LICENSE"
sed -i "s/^- Version: .*/- Version: $version/" "$readme"
echo "version: ${old_version:-none} -> $version"
echo "Now run: dotnet test tests/Suara.Ads.Core.Tests -c Release --filter \"FullyQualifiedName~Devices\""
