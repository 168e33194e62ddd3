# mk/bench.mk - `make bench` and the benchmark's own programs (see docs/benchmarks.md).
# Included by the Makefile; owned by the performance work.

bench:
	@echo "make bench: not yet available" >&2; exit 1

.PHONY: bench
