# percore: CPython 3.11.2 with a per-interpreter GIL. See README.rst.
#
#   make            fetch upstream, assemble build/src, build the release
#                   configuration (PGO + LTO), install to build/install
#   make dev        the quick build (no PGO, no LTO) of build/src into
#                   build/dev-obj, installed to build/dev: the edit-build-test loop
#   make demo       the above, then the threads-vs-interpreters demo
#   make test       the above, then the regression suite and the repo's own tests
#   make check-c-globals  the above, then fail on a C global that is not listed
#                   as safe (or still to fix) in Tools/c-analyzer/cpython/
#                   ignored.tsv or ignored-percore.tsv, or on a percore list
#                   that fork/c-globals-inventory would rewrite
#   make check-tsan build/src with ThreadSanitizer in build/tsan-obj (not installed),
#                   then the stress tests of fork/sanitizer-tests.txt under it
#   make check-asan the same with AddressSanitizer, in build/asan-obj
#   make bench      benchmarks, side by side with the baseline build
#   make baseline   3.11.2 with the security layer (no percore series), same
#                   release configuration, into build/baseline
#   make export     write build/src's commits back to patches/ and the new files,
#                   and README.rst's feature map
#   make check      the repository rules (no upstream file committed, series
#                   order and numbers agree, headers, feature map current, ...)
#   make docs       build/src/Doc to HTML in build/docs/html, failing on warnings
#   make install PREFIX=/some/dir
#   make clean      remove build/ (refused while build/src holds unexported work)

SHELL := /bin/bash
PYTHON := build/install/bin/python3
BASELINE_PYTHON := build/baseline/bin/python3

.PHONY: all dev deps demo test check-c-globals check-tsan check-asan bench baseline baseline-modules export check docs install clean

all: deps
	@fork/build percore

dev: deps
	@fork/build percore --quick

deps:
	@fork/deps

demo: all
	@$(PYTHON) bench/demo.py

test: all
	@fork/test $(PYTHON)

check-c-globals: all
	@$(MAKE) -s -C build/obj check-c-globals
	@fork/c-globals-inventory --check

# Sanitizer builds of build/src; they fail on a failed test or any report.
check-tsan: deps
	@fork/sanitize tsan

check-asan: deps
	@fork/sanitize asan

bench: all baseline
	@$(PYTHON) bench/run.py --baseline $(BASELINE_PYTHON)

baseline: deps
	@fork/build baseline

# Regenerate fork/stdlib-extensions.txt from the baseline build.
baseline-modules: baseline
	@fork/check-modules --write build/baseline

export:
	@fork/export

check:
	@fork/check

docs:
	@fork/docs

install: all
	@test -n "$(PREFIX)" || { echo "percore: error: say where: make install PREFIX=/some/dir" >&2; exit 1; }
	@fork/install "$(PREFIX)"

clean:
	@if [ -d build/src/.git ] && ! fork/export --check; then \
	    echo "percore: error: build/src holds work not exported; run 'make export' first, or rm -rf build" >&2; exit 1; fi
	rm -rf build
