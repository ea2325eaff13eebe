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

# A digest of everything build/src is assembled from.
source_digest() {
    {
        echo "$UPSTREAM_SHA256"
        series_patches | while read -r p; do
            echo "patch $p"
            cat "$REPO_DIR/patches/$p"
        done
        repo_tree_files | while read -r f; do
            echo "file $f $(sha256sum < "$REPO_DIR/$f" | cut -d' ' -f1)"
        done
    } | sha256sum | cut -d' ' -f1
}
