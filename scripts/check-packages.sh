#!/usr/bin/env bash
# Checks what would be published: packs every @sunflare/* package the way `pnpm publish` does,
# lints each tarball (publint, Are the Types Wrong?), then installs the tarballs with plain npm
# into fresh projects and runs scripts/packed-smoke against each package on its own.
# Run after `pnpm build`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
packages=(wire signal slot codec forwarder virtual web record cli)

echo "== pack"
for name in "${packages[@]}"; do
  (cd "packages/$name" && npx --yes pnpm@10 pack --pack-destination "$work" >/dev/null)
done
tarball() { ls "$work"/sunflare-"$1"-*.tgz; }

echo "== publint and attw"
for name in "${packages[@]}"; do
  npx publint run "$(tarball "$name")" --strict
  # esm-only profile: the packages are ESM; CommonJS callers load them with require(esm) on Node >= 20.19.
  npx attw "$(tarball "$name")" --profile esm-only --no-emoji --format table-flipped
done

# The workspace packages each one needs besides itself (npm cannot fetch unpublished ones).
declare -A internal=(
  [wire]=""
  [signal]="wire"
  [slot]=""
  [codec]="wire"
  [forwarder]="codec wire"
  [virtual]="codec forwarder signal slot wire"
  [web]="codec forwarder signal wire"
  [record]="codec forwarder signal slot virtual wire"
  [cli]="codec forwarder record signal slot virtual wire"
)

echo "== packed install, one package at a time"
printf '%-12s %10s %10s %s\n' package packed unpacked "runtime deps"
for name in "${packages[@]}"; do
  project="$work/use-$name"
  mkdir -p "$project"
  (cd "$project" && npm init -y >/dev/null)
  tarballs=("$(tarball "$name")")
  for dep in ${internal[$name]}; do tarballs+=("$(tarball "$dep")"); done
  (cd "$project" && npm install --no-audit --no-fund --loglevel=error "${tarballs[@]}" >/dev/null)
  if [[ -f "$root/packages/$name/scripts/packed-smoke.mjs" ]]; then
    # A package with a check of its own (web: a gateway and a client talking).
    cp "$root/packages/$name/scripts/packed-smoke.mjs" "$project/"
    (cd "$project" && node packed-smoke.mjs import && node packed-smoke.mjs require)
  else
    cp "$root/scripts/packed-smoke.mjs" "$project/"
    (cd "$project" && node packed-smoke.mjs "$name" import && node packed-smoke.mjs "$name" require)
  fi
  packed=$(stat -c %s "$(tarball "$name")")
  unpacked=$(du -sb "$project/node_modules/@sunflare/$name" | cut -f1)
  deps=$(node -e 'const p=require(process.argv[1]);console.log(Object.keys(p.dependencies??{}).join(", ")||"none")' \
    "$project/node_modules/@sunflare/$name/package.json")
  printf '%-12s %10s %10s %s\n' "@sunflare/$name" "$packed" "$unpacked" "$deps"
done
echo "package checks passed"
