# mk/bench.mk - `make bench` and the benchmark's own programs (see docs/benchmarks.md).
# Included by the Makefile; owned by the performance work.
#
#   make bench            release build, private MariaDB, database eoshub_bench (made afresh),
#                         bench data, eos-hub and eos-bench-echo on free ports, then
#                         `eos-bench suite`: one table of throughput, p99, hub RSS and ratios
#   make bench-binaries   only build eos-bench and eos-bench-echo (MODE as usual)
#
# eos-bench (src/tools/bench_*.c) links the hub's libraries: the generated client stubs for
# the SOAP scenarios, svc/store for db-submit and the bench data. eos-bench-echo is the bare
# gSOAP server of bench/echo.wsdl, generated into generated/bench/ with its own file prefix
# (soapcpp2 -p benchEcho); it defines the same gSOAP functions as the hub's stubs, so it is a
# program of its own and never shares a link with them.
# `make test` builds both too (test-binaries), for tests/bench/test_bench.sh.

BENCH_GEN := $(GEN)/bench
BENCH_BIN := $(BUILD)/eos-bench
BENCH_ECHO_BIN := $(BUILD)/eos-bench-echo

BENCH_SRC := $(filter-out src/tools/bench_echo_server.c,$(wildcard src/tools/bench_*.c))
BENCH_OBJ := $(call obj,$(BENCH_SRC))
BENCH_ECHO_OBJ := $(BUILD)/tools/bench_echo_server.o $(BUILD)/bench-gen/benchEchoC.o \
	$(BUILD)/bench-gen/benchEchoServer.o

# ---------------------------------------------------------------- the echo server's stubs

# Server side only (-S); C (-c), SOAP 1.1 (-1), no lib, no WSDL/XSD/samples (-L -w -x).
$(BENCH_GEN)/echo.h: bench/echo.wsdl bench/typemap.dat
	@mkdir -p $(BENCH_GEN)
	wsdl2h -c -t bench/typemap.dat -o $@ bench/echo.wsdl 2>$(BENCH_GEN)/wsdl2h.log

$(BENCH_GEN)/benchEchoStub.h: $(BENCH_GEN)/echo.h
	soapcpp2 -c -1 -L -w -x -S -p benchEcho -d $(BENCH_GEN) -I$(GSOAP_IMPORT):$(GSOAP_SHARE) \
		$< >$(BENCH_GEN)/soapcpp2.log 2>&1
	@touch $@

$(BENCH_GEN)/benchEchoC.c $(BENCH_GEN)/benchEchoServer.c $(BENCH_GEN)/benchEchoH.h \
	$(BENCH_GEN)/EchoBinding.nsmap: $(BENCH_GEN)/benchEchoStub.h

# Generated code: its own warnings only. Our echo server: our warnings, and only the bench
# stubs on the include path (not generated/, whose soapH.h is the hub's).
CF_BENCH_GEN = $(BASE_CFLAGS) $(OPT) $(GSOAP_CFLAGS) -I$(BENCH_GEN) -w
CF_BENCH_ECHO = $(CF_PLAIN) $(GSOAP_CFLAGS) -I$(BENCH_GEN)

$(BUILD)/bench-gen/%.o: $(BENCH_GEN)/%.c $(BENCH_GEN)/benchEchoStub.h
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CF_BENCH_GEN) -c $< -o $@

$(BUILD)/tools/bench_echo_server.o: CFLAGS_LAYER = $(CF_BENCH_ECHO)
$(BUILD)/tools/bench_echo_server.o: $(BENCH_GEN)/benchEchoStub.h

# The bench's data loader and db-submit use store/stmt.h, which includes mysql.h.
$(BUILD)/tools/bench_data.o $(BUILD)/tools/bench_db.o: CFLAGS_LAYER = $(CF_SOAP) $(MARIADB_CFLAGS)

# ---------------------------------------------------------------- programs

$(BENCH_BIN): $(BENCH_OBJ) $(NSMAP_OBJ) $(BUILD)/libeossoap.a $(BUILD)/libeos.a
	$(call say,LINK,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(ALL_LIBS)

$(BENCH_ECHO_BIN): $(BENCH_ECHO_OBJ)
	$(call say,LINK,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(GSOAP_LIBS) $(SSL_LIBS) -lz

bench-binaries: all $(BENCH_BIN) $(BENCH_ECHO_BIN)

test-binaries: $(BENCH_BIN) $(BENCH_ECHO_BIN)

# ---------------------------------------------------------------- make bench

# Always -O2 without sanitizers (MODE=release), whatever MODE the caller set.
bench: deps
	$(MAKE) MODE=release bench-binaries
	scripts/bench build/release

.PHONY: bench bench-binaries
