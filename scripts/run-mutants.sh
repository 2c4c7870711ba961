#!/usr/bin/env bash
# Runs `podconform run` against every self-test mutant, in-process and
# through the exec protocol (`podconform exec-server --mutant NAME`), and
# fails if any mutant survives CHECKS scenarios. Prints one line per run.
set -euo pipefail
cd "$(dirname "$0")/.."
PC=${PC:-./bin/podconform}
CHECKS=${CHECKS:-3000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
survivors=0
for m in $("$PC" selftest --list); do
  for mode in in-process exec; do
    if [ "$mode" = in-process ]; then
      args=(--adapter "mutant:$m")
    else
      args=(--adapter exec --adapter-cmd "$PC exec-server --mutant $m")
    fi
    start=$(date +%s%N)
    set +e
    out=$("$PC" run "${args[@]}" --checks "$CHECKS" --max-failures 1 --parallel 1 \
      --shrink-steps 0 --quiet --out "$tmp/$m-$mode")
    rc=$?
    set -e
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    # The first distinct failure: "   3x VIOLATION init-strict-order: SHAPE".
    first=$(echo "$out" | grep -m1 -E '^ *[0-9]+x ' | sed -E 's/^ *[0-9]+x [A-Z-]+ //' || true)
    case $rc in
      1) printf '%-24s %-10s killed in %6d ms: %s\n' "$m" "$mode" "$ms" "$first" ;;
      0) printf '%-24s %-10s SURVIVED %s scenarios\n' "$m" "$mode" "$CHECKS"; survivors=$((survivors+1)) ;;
      *) printf '%-24s %-10s ERROR (exit %s): %s\n' "$m" "$mode" "$rc" "$out"; survivors=$((survivors+1)) ;;
    esac
  done
done
if [ "$survivors" -ne 0 ]; then
  echo "mutants: $survivors runs did not kill their mutant" >&2
  exit 1
fi
echo "mutants: every mutant killed, in-process and through the exec protocol"
