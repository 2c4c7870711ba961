#!/usr/bin/env bash
# Checks .clusterfuzzlite/build.sh as far as this machine allows, without
# ClusterFuzzLite's base image (which cannot be pulled here):
#
#   - it runs build.sh on a copy of the repository (the image's COPY), with
#     the environment the image gives it ($SRC, $OUT, $CXX, $CXXFLAGS,
#     $LIB_FUZZING_ENGINE, $SANITIZER) and a stand-in for the image's
#     compile_native_go_fuzzer, written after its documented behaviour: it
#     finds the target's file by searching the package directory for the
#     target's name, needs exactly one such file with exactly one
#     "func NAME(... *testing.F)" line (where the image's helper would skip
#     the target with a message, the stand-in fails), then builds with
#     go-118-fuzz-build (from the Go module proxy, the version below) and
#     links with Debian's clang and its libFuzzer (installed with apt if
#     missing);
#   - every native fuzz target of the module must be built or listed as
#     not built, with its reason, in build.sh;
#   - every binary must run FUZZ_RUNS inputs (its seed corpus first) with
#     no crash.
#
# Not checked: the base image itself, its Go and go-118-fuzz-build
# versions, and ClusterFuzzLite's running, reporting and corpus pruning.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
GO118FUZZBUILD_VERSION="${GO118FUZZBUILD_VERSION:-v0.0.0-20250520111509-a70c2aa677fa}"
FUZZ_RUNS="${FUZZ_RUNS:-2000}"
go="${GO:-go}"

if ! command -v clang++ >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "cflite-check: installing clang (for libFuzzer)"
    apt-get install -y -qq clang >/dev/null || { apt-get update -qq && apt-get install -y -qq clang >/dev/null; }
  else
    echo "cflite-check: needs clang++ with libFuzzer (Debian: apt-get install clang)" >&2
    exit 1
  fi
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/out" "$work/src/podconform"
echo "cflite-check: go-118-fuzz-build $GO118FUZZBUILD_VERSION"
GOBIN="$work/bin" "$go" install "github.com/AdamKorcz/go-118-fuzz-build@$GO118FUZZBUILD_VERSION"

# The Dockerfile's COPY . $SRC/podconform (the files git knows, tracked or not ignored).
(cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$work/src/podconform")

cat > "$work/bin/compile_native_go_fuzzer" <<'STANDIN'
#!/usr/bin/env bash
# Stand-in for the base image's compile_native_go_fuzzer PACKAGE FUNCTION FUZZER.
set -euo pipefail
pkg=$1 fn=$2 fuzzer=$3
dir=$(go list -tags gofuzz -f '{{.Dir}}' "$pkg")
mapfile -t files < <(grep -r -l -s "$fn" "$dir" || true)
if [ "${#files[@]}" -ne 1 ]; then
  echo "compile_native_go_fuzzer: $fn: ${#files[@]} files of $dir contain the name (${files[*]:-none}); the image's helper needs exactly one" >&2
  exit 1
fi
n=$(grep "func $fn" "${files[0]}" | grep -c "testing.F" || true)
if [ "$n" -ne 1 ]; then
  echo "compile_native_go_fuzzer: $fn: $n lines of ${files[0]} match \"func $fn\" with testing.F; the image's helper needs exactly one (another target's name may start with this one)" >&2
  exit 1
fi
echo "compile_native_go_fuzzer: $fn ($pkg) -> $OUT/$fuzzer"
go-118-fuzz-build -tags gofuzz -o "$fuzzer.a" -func "$fn" "$dir"
# shellcheck disable=SC2086
$CXX $CXXFLAGS $LIB_FUZZING_ENGINE "$fuzzer.a" -o "$OUT/$fuzzer"
rm -f "$fuzzer.a" "$fuzzer.h"
STANDIN
chmod +x "$work/bin/compile_native_go_fuzzer"

build="$root/.clusterfuzzlite/build.sh"
echo "cflite-check: running .clusterfuzzlite/build.sh"
(
  cd "$work/src"
  export SRC="$work/src" OUT="$work/out" CXX=clang++ CXXFLAGS="" LIB_FUZZING_ENGINE="-fsanitize=fuzzer" \
    SANITIZER=address GO118FUZZBUILD_VERSION PATH="$work/bin:$PATH"
  bash -eu "$work/src/podconform/.clusterfuzzlite/build.sh"
)

# Every native target: built, or listed as not built.
built=$(grep -E '^compile_native_go_fuzzer ' "$build" | awk '{print $3}' | sort)
notbuilt=$(grep -E '^# not-built: ' "$build" | awk '{print $4}' | sort)
all=$(cd "$root" && for p in $("$go" list ./...); do "$go" test -list '^Fuzz' "$p" | grep '^Fuzz' || true; done | sort)
missing=$(comm -23 <(echo "$all") <(printf '%s\n%s\n' "$built" "$notbuilt" | sort))
if [ -n "$missing" ]; then
  echo "cflite-check: native fuzz targets neither built nor listed as not built in .clusterfuzzlite/build.sh: $missing" >&2
  exit 1
fi

fail=0
while read -r _ _ fn fuzzer; do
  bin="$work/out/$fuzzer"
  if [ ! -x "$bin" ]; then
    echo "cflite-check: $fn: no binary $fuzzer" >&2
    fail=1
    continue
  fi
  corpus="$work/corpus/$fuzzer"
  mkdir -p "$corpus"
  seeds=0
  if [ -f "$work/out/${fuzzer}_seed_corpus.zip" ]; then
    python3 -m zipfile -e "$work/out/${fuzzer}_seed_corpus.zip" "$corpus"
    seeds=$(ls "$corpus" | wc -l)
  fi
  if ! (cd "$work" && "$bin" -runs="$FUZZ_RUNS" -seed=1 "$corpus" >"$work/$fuzzer.log" 2>&1); then
    echo "cflite-check: $fuzzer ($fn) failed:" >&2
    tail -30 "$work/$fuzzer.log" >&2
    fail=1
    continue
  fi
  echo "cflite-check: $fuzzer ($fn): $FUZZ_RUNS runs from $seeds seeds, no crash ($(grep -o 'cov: [0-9]*' "$work/$fuzzer.log" | tail -1))"
done < <(grep -E '^compile_native_go_fuzzer ' "$build")
[ "$fail" -eq 0 ]
echo "cflite-check: ok ($(echo "$built" | wc -l) targets built and run; not built: $(echo $notbuilt))"
