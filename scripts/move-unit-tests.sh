#!/usr/bin/env bash
# One-off, for the merge of the issue 22 redesign: the fast tier becomes the folder test/unit/
# (vitest.config.ts), so this moves the tests of the old hand-kept list there with `git mv`, fixes
# their relative paths, and points references to them elsewhere in the repository at the new place.
# Run it once from the repository root, check, commit, then delete this script.
#
#   scripts/move-unit-tests.sh                  # moves the list below
#   scripts/move-unit-tests.sh analyzer seeds   # moves these names instead (test/<name>.test.ts)
#
# A moved file is one folder deeper, so each relative path in it gains one "../":
#   from "../src/x.js"                        -> from "../../src/x.js"
#   from "./helpers.js"                       -> from "../helpers.js"  (helpers stay in test/)
#   new URL("fixtures/", import.meta.url)     -> new URL("../fixtures/", import.meta.url)
#   new URL("../seeds/", import.meta.url)     -> new URL("../../seeds/", import.meta.url)
#   new URL("../../shared/...", import.meta.url) -> new URL("../../../shared/...", import.meta.url)
# Then every relative import and every `new URL(..., import.meta.url)` in the moved files is
# checked to exist; the script stops with the list of those that do not.
set -euo pipefail

cd "$(git rev-parse --show-toplevel)"

# The hand-kept list vitest.config.ts had; "a|b" is a test renamed on a branch (the stores branch
# renames paper-store to paper-table with the PaperStore class): whichever exists.
DEFAULT_UNIT=(
  analyzer corpus-read format formats fusion generations lexical-index metrics model-lookup
  "paper-table|paper-store" properties-corpus properties-ranking properties-text seeds settings
  topic-labels topic-map-store vector-index
)
NAMES=()
if [ "$#" -gt 0 ]; then
  NAMES=("$@")
else
  for entry in "${DEFAULT_UNIT[@]}"; do
    chosen=${entry%%|*} # the first name, reported as missing if none exists
    IFS='|' read -r -a alternatives <<<"$entry"
    for name in "${alternatives[@]}"; do
      if [ -f "test/$name.test.ts" ]; then chosen=$name; break; fi
    done
    NAMES+=("$chosen")
  done
fi

missing=()
for name in "${NAMES[@]}"; do
  [ -f "test/$name.test.ts" ] || missing+=("test/$name.test.ts")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "move-unit-tests: not found (renamed or already moved?): ${missing[*]}" >&2
  echo "move-unit-tests: nothing moved; pass the names to move as arguments" >&2
  exit 1
fi

mkdir -p test/unit
moved=()
for name in "${NAMES[@]}"; do
  git mv "test/$name.test.ts" "test/unit/$name.test.ts"
  moved+=("test/unit/$name.test.ts")
done

# One "../" more in front of every relative specifier: static and dynamic imports, vi.mock, and
# URLs taken from import.meta.url.
node - "${moved[@]}" <<'EOF'
const { readFileSync, writeFileSync } = require("node:fs");
const deeper = (spec) => (spec.startsWith("./") ? "../" + spec.slice(2) : "../" + spec);
for (const file of process.argv.slice(2)) {
  const before = readFileSync(file, "utf8");
  const after = before
    // import ... from "./x" / export ... from "../x" / import "./x"
    .replace(/(\bfrom\s+|\bimport\s+)(["'])(\.\.?\/[^"']*)\2/g, (_, lead, q, spec) => `${lead}${q}${deeper(spec)}${q}`)
    // import("./x"), vi.mock("./x"), vi.importActual("./x")
    .replace(/(\bimport\(|\bvi\.(?:mock|doMock|importActual|importMock)\()(["'])(\.\.?\/[^"']*)\2/g, (_, lead, q, spec) => `${lead}${q}${deeper(spec)}${q}`)
    // new URL("fixtures/", import.meta.url): any path that is not absolute or a scheme
    .replace(/(\bnew URL\(\s*)(["'])([^"'/:][^"':]*|\.\.?\/[^"']*)\2(\s*,\s*import\.meta\.url)/g, (_, lead, q, spec, tail) => `${lead}${q}${deeper(spec)}${q}${tail}`);
  if (after !== before) writeFileSync(file, after);
}
EOF

# Check: every relative path in the moved files exists from their new place.
node - "${moved[@]}" <<'EOF'
const { existsSync, readFileSync } = require("node:fs");
const { dirname, resolve } = require("node:path");
const problems = [];
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  const specs = [
    ...[...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*|\bvi\.\w+\()(["'])(\.\.?\/[^"']*)\1/g)].map((m) => m[2]),
    ...[...text.matchAll(/\bnew URL\(\s*(["'])([^"':]+)\1\s*,\s*import\.meta\.url/g)].map((m) => m[2]),
  ];
  for (const spec of specs) {
    const target = resolve(dirname(file), spec);
    const found = [target, target.replace(/\.js$/, ".ts")].some((p) => existsSync(p));
    // The real data in ../shared is optional (those cases skip without it).
    if (!found && !spec.includes("/shared/")) problems.push(`${file}: ${spec} does not exist`);
  }
  const others = text.split("\n").filter((l) => l.includes("import.meta") && !/new URL\(\s*["'][^"']*["']\s*,\s*import\.meta\.url/.test(l));
  for (const line of others) console.warn(`move-unit-tests: check by hand, ${file}: ${line.trim()}`);
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
EOF

# Point references to the moved files (docs, comments) at their new place.
for name in "${NAMES[@]}"; do
  files=$(git grep -l -e "test/$name\.test\.ts" -- . ':!scripts/move-unit-tests.sh' || true) # none: git grep exits 1
  [ -z "$files" ] && continue
  echo "$files" | while IFS= read -r file; do
    perl -pi -e "s{(?<![\\w/.-])test/\\Q$name\\E\\.test\\.ts}{test/unit/$name.test.ts}g" "$file"
  done
done

echo "moved ${#moved[@]} tests into test/unit/. Now: npx tsc --noEmit && npm run test:unit, commit, and delete scripts/move-unit-tests.sh"
