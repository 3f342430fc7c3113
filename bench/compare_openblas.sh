#!/usr/bin/env bash
# flopwatt against OpenBLAS in one run (flopwatt compare): square, skinny and small GEMM and
# GEMV, interleaved, verified, with the machine's measured FMA peak and read bandwidth.
# The markdown report goes to stdout and to $BUILD/compare_openblas.md; progress to stderr.
#
#   bench/compare_openblas.sh [--threads 1,2] [--only square,gemv] [--strict] ...
#   QUICK=1 bench/compare_openblas.sh     # the one-minute subset
#
# Builds $BUILD/flopwatt (BUILD defaults to build) unless FLOPWATT names a binary already.
# Needs OpenBLAS as libopenblas.so.0 (Debian: libopenblas0-pthread); --lib PATH for another.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
if [ -z "${FLOPWATT:-}" ]; then
    make --no-print-directory BUILD="$BUILD" lib cli >&2 || exit 2
    FLOPWATT=$BUILD/flopwatt
fi
args=()
case "${QUICK:-0}" in 0 | "") ;; *) args+=(--quick) ;; esac
out=$(dirname "$FLOPWATT")/compare_openblas.md
"$FLOPWATT" compare ${args[@]+"${args[@]}"} "$@" | tee "$out"
status=${PIPESTATUS[0]}
echo "report saved to $out" >&2
exit "$status"
