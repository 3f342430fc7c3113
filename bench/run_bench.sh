#!/usr/bin/env bash
# make bench: install what the machine lacks, build, tune when no tuned profile matches
# this machine, describe the machine, run the suite, write the result file and print the
# summary.
#
#   make bench                      # the default suite (at most 15 minutes on 2 cores)
#   make bench TUNE=0               # never tune first: the library's defaults are measured
#   make bench QUICK=1              # the two-minute subset
#   make bench PREC=d THREADS=1 IMPL=flopwatt,openblas CLASSES=square SIZES=512,1024
#   make bench BENCH_ARGS="--energy none --results /tmp/r"   # any flopwatt bench option
#
# Packages are installed with apt-get (Debian, Ubuntu) or dnf (Fedora, RHEL, Amazon Linux)
# as root or through sudo without a password; otherwise the exact command is printed and
# the run goes on with what is there (only jansson is indispensable).
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}

# Debian package, dnf package, how to tell it is present, and whether the run needs it.
deps=(
    "gcc gcc cmd:cc required"
    "make make cmd:make required"
    "pkg-config pkgconf-pkg-config cmd:pkg-config required"
    "libjansson-dev jansson-devel pc:jansson required"
    "libhwloc-dev hwloc-devel pc:hwloc optional"
    "libopenblas0-pthread openblas lib:libopenblas.so.0 optional"
    "libblis4-openmp blis lib:libblis.so.4 optional"
    "libpapi-dev papi-devel pc:papi optional"
)

present() {
    case "$1" in
    cmd:*) command -v "${1#cmd:}" >/dev/null 2>&1 ;;
    pc:*) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "${1#pc:}" ;;
    lib:*) { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q "${1#lib:}" ;;
    esac
}

if command -v apt-get >/dev/null 2>&1; then
    pm=apt
elif command -v dnf >/dev/null 2>&1; then
    pm=dnf
else
    pm=none
fi

missing=() missing_required=0
for d in "${deps[@]}"; do
    read -r deb rpm check need <<<"$d"
    present "$check" && continue
    [ "$pm" = dnf ] && missing+=("$rpm") || missing+=("$deb")
    [ "$need" = required ] && missing_required=1
done

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        sudo=()
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo=(sudo)
    else
        sudo=(none)
    fi
    # Only packages this release knows: names differ between Debian and Ubuntu releases,
    # and a fresh machine may have no package lists until the first update.
    known_packages() {
        known=()
        for p in "${missing[@]}"; do
            apt-cache show "$p" >/dev/null 2>&1 && known+=("$p")
        done
        true
    }
    [ "$pm" = apt ] && known_packages
    show="${missing[*]}"
    [ "$pm" = apt ] && install="apt-get install -y" || install="dnf install -y"
    if [ "$pm" = none ]; then
        echo "make bench: no apt-get or dnf here; install by hand: $show" >&2
    elif [ "${sudo[0]:-}" = none ]; then
        echo "make bench: missing $show; to install, run: sudo $install $show" >&2
    else
        echo "make bench: installing $show" >&2
        if [ "$pm" = apt ]; then
            if [ ${#known[@]} -lt ${#missing[@]} ]; then
                ${sudo[@]+"${sudo[@]}"} apt-get update -qq >&2
                known_packages
            fi
            [ ${#known[@]} -gt 0 ] &&
                ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive \
                    apt-get install -y --no-install-recommends "${known[@]}" >&2
        else
            ${sudo[@]+"${sudo[@]}"} dnf install -y --setopt=strict=0 "${missing[@]}" >&2
        fi || echo "make bench: the install failed; run: sudo $install $show" >&2
    fi
fi

make --no-print-directory -j"$(nproc 2>/dev/null || echo 2)" BUILD="$BUILD" lib cli >&2 || {
    [ "$missing_required" = 1 ] && echo "make bench: the build needs the packages above" >&2
    exit 2
}
FLOPWATT=$BUILD/flopwatt

# The suite measures the library as a user gets it, with the tuned profile of this machine:
# when none matches (tune --check exits 1), tune first on the quick budget (one minute).
if [ "${TUNE:-1}" != 0 ]; then
    "$FLOPWATT" tune --check
    rc=$?
    if [ "$rc" = 1 ]; then
        "$FLOPWATT" tune --quick
        rc=$?
        case "$rc" in
        0) ;;
        1) echo "make bench: tuning left some classes untuned (see above); the suite runs" \
                "with what was tuned" >&2 ;;
        *) exit "$rc" ;;
        esac
    elif [ "$rc" != 0 ]; then
        exit "$rc"
    fi
fi

args=()
case "${QUICK:-0}" in 0 | "") ;; *) args+=(--quick) ;; esac
[ -n "${PREC:-}" ] && args+=(--prec "$PREC")
[ -n "${CLASSES:-}" ] && args+=(--classes "$CLASSES")
[ -n "${SIZES:-}" ] && args+=(--sizes "$SIZES")
[ -n "${THREADS:-}" ] && args+=(--threads "$THREADS")
[ -n "${IMPL:-}" ] && args+=(--impl "$IMPL")
[ -n "${KERNEL:-}" ] && args+=(--kernel "$KERNEL")
[ -n "${RESULTS:-}" ] && args+=(--results "$RESULTS")
[ -n "${ENERGY:-}" ] && args+=(--energy "$ENERGY")

info=(--no-measure) # the suite measures the peak itself and stores it with the results
"$FLOPWATT" info "${info[@]}" || exit $?
echo
# shellcheck disable=SC2086 # BENCH_ARGS is a list of options
exec "$FLOPWATT" bench ${args[@]+"${args[@]}"} ${BENCH_ARGS:-} "$@"
