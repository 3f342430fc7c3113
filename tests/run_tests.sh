#!/usr/bin/env bash
# Runs every test program of the given build folders and sums their "N passed, N failed" lines.
# A program that crashes, or ends without its summary line, counts as one failure. Checks a
# program could not run here print a line starting "SKIP"; they are listed, never counted as
# passed.
set -u
passed=0 failed=0 skipped=0
for dir in "$@"; do
    export FW_CLI="$dir/flopwatt"  # the CLI test runs the command of the same build
    export FW_FIXTURES="$dir/tests/fixtures" # stand-in libraries built from tests/fixtures
    export FW_SOURCE_DIR="$PWD"  # committed fixture trees under tests/fixtures
    for t in "$dir"/tests/test_*; do
        [ -x "$t" ] || continue
        out=$("$t" 2>&1); rc=$?
        line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
        if [ -z "$line" ]; then
            printf '%s\n' "$out" | tail -n 20
            echo "FAIL $t: exited $rc without a summary line"
            failed=$((failed + 1))
            continue
        fi
        p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed}
        passed=$((passed + p)); failed=$((failed + f))
        if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then
            printf '%s\n' "$out" | grep -E '^FAIL' | head -n 30
            [ "$f" -eq 0 ] && failed=$((failed + 1))
        fi
        printf '%-40s %s\n' "$t" "$line"
        skips=$(printf '%s\n' "$out" | grep -E '^SKIP' || true)
        if [ -n "$skips" ]; then
            printf '%s\n' "$skips" | sed 's/^/    /'
            skipped=$((skipped + $(printf '%s\n' "$skips" | wc -l)))
        fi
    done
done
if [ "$skipped" -gt 0 ]; then
    echo "$skipped check(s) skipped, listed above: not counted as passed"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
