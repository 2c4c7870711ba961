#!/usr/bin/env bash
# The example external module (examples/go-implementation): vet it, pass its
# tests, then seed the one-line bug its README describes into a copy and
# check that its test fails by the invariant the bug breaks
# (init-strict-order), not by anything else.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mod="$root/examples/go-implementation"
go="${GO:-go}"

cd "$mod"
echo "example-test: go vet and go test in examples/go-implementation"
"$go" vet ./...
"$go" test -count=1 ./...

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp -r "$mod/." "$tmp/"
# The copy requires podconform from this checkout.
"$go" -C "$tmp" mod edit -replace "github.com/podconform/podconform=$root"
marker='return // the next waits for this one (see README: seeding a bug)'
if [ "$(grep -c -F "$marker" "$tmp/tinykubelet/pod.go")" != 1 ]; then
  echo "example-test: the line README's 'Seeding a bug' names is not in tinykubelet/pod.go once" >&2
  exit 1
fi
sed -i "s|$marker|continue // the next waits for this one (see README: seeding a bug)|" "$tmp/tinykubelet/pod.go"
echo "example-test: the seeded bug must fail TestConformance by init-strict-order"
set +e
out="$("$go" -C "$tmp" test -count=1 -run '^TestConformance$' ./tinykubelet 2>&1)"
rc=$?
set -e
if [ "$rc" -eq 0 ]; then
  echo "example-test: the test passed with the seeded bug" >&2
  exit 1
fi
if ! grep -q "break init-strict-order" <<<"$out"; then
  echo "example-test: the test failed, but not by init-strict-order:" >&2
  echo "$out" >&2
  exit 1
fi
if grep -v "init-strict-order" <<<"$out" | grep -q "scenario(s) break"; then
  echo "example-test: the seeded bug broke more than init-strict-order:" >&2
  echo "$out" >&2
  exit 1
fi
grep "break init-strict-order" <<<"$out"
echo "example-test: ok"
