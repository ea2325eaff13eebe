# Common definitions for the fork/ scripts. Sourced, never run.
# shellcheck shell=bash

set -euo pipefail
export LC_ALL=C

FORK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$FORK_DIR/.." && pwd)
BUILD_DIR=$REPO_DIR/build
# shellcheck source=upstream.conf
. "$FORK_DIR/upstream.conf"

# Downloads and apt state live outside the checkout, so a clean clone or
# `make clean` does not download the tarball again.
CACHE_DIR=${PERCORE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/percore}

# Top-level directories of the upstream tree. A repository file under one of
# them is a new file of the fork and lands at the same path in build/src;
# everything else in the repository (fork/, patches/, bench/, ...) is machinery.
TREE_DIRS="Doc Grammar Include Lib Mac Misc Modules Objects PC PCbuild Parser Programs Python Tools"

die() {
    # One line: what is wrong and what to do.
    echo "percore: error: $*" >&2
    exit 1
}

note() {
    echo "percore: $*" >&2
}

# Files of the repository that belong in the CPython tree, relative paths.
# Tracked and untracked-but-not-ignored files both count, so an edit is
# picked up before it is committed.
repo_tree_files() {
    local d
    (cd "$REPO_DIR" && for d in $TREE_DIRS; do
        [ -d "$d" ] || continue
        git ls-files --cached --others --exclude-standard -- "$d"
    done) | sort -u | while read -r f; do
        [ -f "$REPO_DIR/$f" ] && echo "$f"
    done
}

# The series: patch file names in order, comments and blank lines skipped.
series_patches() {
    [ -f "$REPO_DIR/patches/series" ] || return 0
    sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$REPO_DIR/patches/series"
}

# The new files a patch introduces: the "New-File: PATH" trailers of its
# header (before the "---" line that ends the commit message).
patch_new_files() {
    sed -n -e '/^---$/q' -e 's/^New-File: //p' "$1"
}

# A digest of what the upstream layer (upstream and its security layer) is
# assembled from: the pins and fork/security-patches, and the Debian revision
# the layer was made from where the caller names it.
upstream_digest() {
    {
        echo "$UPSTREAM_SHA256"
        echo "$SECURITY_REVISIONS"
        echo "${1:-}"
        cat "$FORK_DIR/security-patches"
        cat "$FORK_DIR"/security-fixups/*.patch 2>/dev/null || true
    } | sha256sum | cut -d' ' -f1
}

# A digest of everything build/src is assembled from.
source_digest() {
    {
        upstream_digest
        series_patches | while read -r p; do
            echo "patch $p"
            cat "$REPO_DIR/patches/$p"
        done
        repo_tree_files | while read -r f; do
            echo "file $f $(sha256sum < "$REPO_DIR/$f" | cut -d' ' -f1)"
        done
    } | sha256sum | cut -d' ' -f1
}

# A digest of the tree DIR (a git repository, such as build/src) as it is on
# disk: its HEAD commit, uncommitted edits and untracked files. It tells a
# build that nothing changed since the last one. Read-only: with
# GIT_OPTIONAL_LOCKS=0 git does not refresh (write) the index.
tree_digest() {
    local dir=$1
    {
        git -C "$dir" rev-parse HEAD
        GIT_OPTIONAL_LOCKS=0 git -C "$dir" diff --binary HEAD
        GIT_OPTIONAL_LOCKS=0 git -C "$dir" ls-files -z --others --exclude-standard |
            (cd "$dir" && xargs -0 -r sha256sum)
    } | sha256sum | cut -d' ' -f1
}

# configure_tree NAME SRC OBJ FLAGS LDFLAGS [CFLAGS]
# Configure SRC out of tree in OBJ, unless OBJ is already configured with the
# same flags by the same configure script. FLAGS are configure options
# (word-split); LDFLAGS and CFLAGS go to configure as variables.
configure_tree() {
    local name=$1 src=$2 obj=$3 flags=$4 ldflags=$5 cflags=${6:-}
    local record="$flags $ldflags${cflags:+ CFLAGS=$cflags}"
    mkdir -p "$obj"
    if [ -f "$obj/Makefile" ] && ! [ "$src/configure" -nt "$obj/config.status" ] &&
            [ "$(cat "$obj/.percore-flags" 2>/dev/null)" = "$record" ]; then
        return 0
    fi
    note "configuring $name"
    # shellcheck disable=SC2086
    if ! (cd "$obj" && "$src/configure" $flags LDFLAGS="$ldflags" \
            ${cflags:+CFLAGS="$cflags"} > configure.log 2>&1); then
        rm -f "$obj/Makefile"
        die "configure failed for $name ($(tail -1 "$obj/configure.log")); see ${obj#$REPO_DIR/}/config.log"
    fi
    echo "$record" > "$obj/.percore-flags"
}

# make_tree NAME OBJ [TARGET...]: make in OBJ with one job a core, the output
# in OBJ/build.log; on failure, the first errors and where the log is.
make_tree() {
    local name=$1 obj=$2
    shift 2
    local jobs
    jobs=$(nproc 2>/dev/null || echo 2)
    note "building $name ($jobs jobs)"
    if ! make -C "$obj" -j"$jobs" "$@" > "$obj/build.log" 2>&1; then
        grep -m5 -E 'error:|Error [0-9]' "$obj/build.log" >&2 || true
        die "the $name build failed; see ${obj#$REPO_DIR/}/build.log"
    fi
}
