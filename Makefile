# Makefile - builds, runs and tests EOS Hub.
#
#   make            generate the gSOAP stubs from wsdl/ and build eos-hub and eosctl (build/release)
#   make run        deps, build, private MariaDB, migrate, demo data, then eos-hub in the foreground
#   make test       deps, sanitizer build (build/asan), private test database, every suite
#   make bench      load benchmark against a -O2 hub: throughput, p99, RSS, ratios (docs/benchmarks.md)
#   make cluster-test  Galera cluster, 2 hubs and HAProxy on this machine, with kills (INSTALL)
#   make clean      remove build/ and generated/
#   make deps       install the Debian packages the project needs (as root) or print the command
#   make db-start / db-stop    the private MariaDB under var/
#
# Three build flavours share one set of rules: MODE=release (-O2 -g), MODE=asan
# (-O1 with AddressSanitizer and UndefinedBehaviorSanitizer; `make test` uses it) and
# MODE=fuzz (clang, libFuzzer, for build/fuzz/fuzz_serve).

MODE ?= release
# `make V=1` shows every command; by default one short line per file.
V ?= 0
ifeq ($(V),0)
Q := @
say = @printf '  %-6s %s\n' $(1) $(2);
else
Q :=
say =
endif
BUILD := build/$(MODE)
GEN := generated

CC ?= cc
PKG_CONFIG ?= pkg-config
GSOAP_SHARE := /usr/share/gsoap
GSOAP_PLUGIN := $(GSOAP_SHARE)/plugin
GSOAP_IMPORT := $(GSOAP_SHARE)/import

# gSOAP's flags (WITH_OPENSSL, WITH_GZIP, WITH_DOM, WITH_IPV6) change the layout of
# struct soap, so everything that includes stdsoap2.h must use the library's own.
GSOAP_CFLAGS = $(shell $(PKG_CONFIG) --cflags gsoapssl 2>/dev/null)
GSOAP_LIBS = $(shell $(PKG_CONFIG) --libs gsoapssl 2>/dev/null)
MARIADB_CFLAGS = $(shell $(PKG_CONFIG) --cflags libmariadb 2>/dev/null)
MARIADB_LIBS = $(shell $(PKG_CONFIG) --libs libmariadb 2>/dev/null)
XML_CFLAGS = $(shell $(PKG_CONFIG) --cflags libxml-2.0 2>/dev/null)
XML_LIBS = $(shell $(PKG_CONFIG) --libs libxml-2.0 2>/dev/null)
SSL_LIBS = -lssl -lcrypto
CUNIT_LIBS = -lcunit

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-Wno-format-nonliteral -Werror
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE -pthread -MMD -MP -Isrc

ifeq ($(MODE),asan)
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
else ifeq ($(MODE),fuzz)
# libFuzzer needs clang, and everything linked with it built the same way.
CC := clang
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all
else
OPT := -O2 -g
endif

# Per-layer include flags: core/ and base/ see neither gSOAP nor MariaDB, so a
# stray #include of either fails the build.
CF_PLAIN = $(BASE_CFLAGS) $(OPT) $(WARN)
CF_STORE = $(CF_PLAIN) $(MARIADB_CFLAGS)
CF_DOC = $(CF_PLAIN) $(XML_CFLAGS)
CF_SOAP = $(CF_PLAIN) $(GSOAP_CFLAGS) -I$(GEN) -I$(GSOAP_PLUGIN) -I$(GSOAP_SHARE)
# Generated code and gSOAP's plugins are not ours to fix: compile them with
# their own warnings only.
CF_GEN = $(BASE_CFLAGS) $(OPT) $(GSOAP_CFLAGS) -I$(GEN) -I$(GSOAP_PLUGIN) -I$(GSOAP_SHARE) -w

LDFLAGS_ALL = -pthread $(filter -fsanitize%,$(OPT))

# ---------------------------------------------------------------- sources

BASE_SRC := $(wildcard src/base/*.c)
CORE_SRC := $(wildcard src/core/*.c)
STORE_SRC := $(wildcard src/store/*.c)
SVC_SRC := $(wildcard src/svc/*.c)
DOC_SRC := $(wildcard src/doc/*.c)
API_SRC := $(filter-out src/api/nsmap.c,$(wildcard src/api/*.c))
HUB_SRC := $(filter-out src/hub/main.c,$(wildcard src/hub/*.c))

GEN_SRC := $(GEN)/soapC.c $(GEN)/soapServer.c $(GEN)/soapClient.c
# wsse.h pulls in SAML assertions, whose xsd:dateTime is gSOAP's custom
# struct timeval serializer: hence struct_timeval.c.
GEN_OBJ := $(BUILD)/gen/soapC.o $(BUILD)/gen/soapServer.o $(BUILD)/gen/soapClient.o \
	$(BUILD)/gen/wsseapi.o $(BUILD)/gen/smdevp.o $(BUILD)/gen/mecevp.o \
	$(BUILD)/gen/struct_timeval.o

obj = $(patsubst src/%.c,$(BUILD)/%.o,$(1))

LIB_OBJ := $(call obj,$(BASE_SRC) $(CORE_SRC) $(STORE_SRC) $(SVC_SRC) $(DOC_SRC))
SOAP_OBJ := $(call obj,$(API_SRC) $(HUB_SRC))

# The namespace table is referenced from inside libgsoapssl, after our
# archives on the link line: link it as an object, not from an archive.
NSMAP_OBJ := $(BUILD)/api/nsmap.o

HUB_BIN := $(BUILD)/eos-hub
CTL_BIN := $(BUILD)/eosctl

all: $(HUB_BIN) $(CTL_BIN)

# ---------------------------------------------------------------- generated stubs

# wsdl2h -F: with no derived complex types it changes nothing in the output,
# but it silences the blanket "ignoring type inheritance" warning that C mode
# prints for every simpleType restriction.
$(GEN)/eoshub.h: wsdl/eoshub.wsdl wsdl/eoshub.xsd wsdl/typemap.dat
	@mkdir -p $(GEN)
	wsdl2h -c -F -t wsdl/typemap.dat -o $@ wsdl/eoshub.wsdl

$(GEN)/soapStub.h: $(GEN)/eoshub.h
	soapcpp2 -c -1 -L -w -x -d $(GEN) -I$(GSOAP_IMPORT):$(GSOAP_SHARE) $< >$(GEN)/soapcpp2.log
	@touch $@

$(GEN_SRC) $(GEN)/soapH.h $(GEN)/EosHubBinding.nsmap: $(GEN)/soapStub.h

$(BUILD)/gen/%.o: $(GEN)/%.c $(GEN)/soapStub.h
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CF_GEN) -c $< -o $@

$(BUILD)/gen/%.o: $(GSOAP_PLUGIN)/%.c $(GEN)/soapStub.h
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CF_GEN) -c $< -o $@

$(BUILD)/gen/%.o: $(GSOAP_SHARE)/custom/%.c $(GEN)/soapStub.h
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CF_GEN) -c $< -o $@

# ---------------------------------------------------------------- our objects

$(BUILD)/base/%.o $(BUILD)/core/%.o: CFLAGS_LAYER = $(CF_PLAIN)
$(BUILD)/store/%.o: CFLAGS_LAYER = $(CF_STORE)
$(BUILD)/svc/%.o: CFLAGS_LAYER = $(CF_PLAIN)
$(BUILD)/doc/%.o: CFLAGS_LAYER = $(CF_DOC)
$(BUILD)/api/%.o $(BUILD)/hub/%.o $(BUILD)/tools/%.o: CFLAGS_LAYER = $(CF_SOAP)

$(BUILD)/%.o: src/%.c | $(GEN)/soapStub.h
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CFLAGS_LAYER) -c $< -o $@

$(BUILD)/libeos.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^

$(BUILD)/libeossoap.a: $(SOAP_OBJ) $(GEN_OBJ)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^

# Programs without SOAP (eosctl, unit and DB tests) do not link gSOAP.
BASE_LIBS = $(MARIADB_LIBS) $(XML_LIBS) $(SSL_LIBS) -lz -lm
ALL_LIBS = $(GSOAP_LIBS) $(BASE_LIBS)

$(HUB_BIN): $(BUILD)/hub/main.o $(NSMAP_OBJ) $(BUILD)/libeossoap.a $(BUILD)/libeos.a
	$(call say,LINK,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(ALL_LIBS)

$(CTL_BIN): $(BUILD)/tools/eosctl.o $(BUILD)/libeos.a
	$(call say,LINK,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(BASE_LIBS)

# ---------------------------------------------------------------- tests

# Programs compiled and linked in one step: their .d files add headers to the
# prerequisites, which must not reach the compiler's command line.
LINK_INPUTS = $(filter %.c %.o %.a,$^)

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/test_*.c))
DB_TESTS := $(patsubst tests/db/%.c,$(BUILD)/tests/db/%,$(wildcard tests/db/test_*.c))
API_TESTS := $(patsubst tests/api/%.c,$(BUILD)/tests/api/%,$(wildcard tests/api/test_*.c))
API_FIXTURE_SRC := $(filter-out tests/api/test_%,$(wildcard tests/api/*.c))
DB_FIXTURE_SRC := $(filter-out tests/db/test_%,$(wildcard tests/db/*.c))

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libeos.a
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)$(CC) $(CF_PLAIN) -Itests -o $@ $(LINK_INPUTS) $(CUNIT_LIBS) $(BASE_LIBS) $(LDFLAGS_ALL)

$(BUILD)/tests/db/%: tests/db/%.c $(DB_FIXTURE_SRC) $(BUILD)/libeos.a
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)$(CC) $(CF_STORE) -Itests -o $@ $(LINK_INPUTS) $(CUNIT_LIBS) $(BASE_LIBS) $(LDFLAGS_ALL)

$(BUILD)/tests/api/%: tests/api/%.c $(API_FIXTURE_SRC) $(NSMAP_OBJ) $(BUILD)/libeossoap.a $(BUILD)/libeos.a
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)$(CC) $(CF_SOAP) $(MARIADB_CFLAGS) -Itests -o $@ $(LINK_INPUTS) $(CUNIT_LIBS) $(ALL_LIBS) $(LDFLAGS_ALL)

test-binaries: all $(UNIT_TESTS) $(DB_TESTS) $(API_TESTS)

# The fuzz target (MODE=fuzz): raw bytes through the real serve path.
$(BUILD)/fuzz_serve: tests/fuzz/fuzz_serve.c $(NSMAP_OBJ) $(BUILD)/libeossoap.a $(BUILD)/libeos.a
	$(call say,FUZZ,$@)$(CC) $(CF_SOAP) $(MARIADB_CFLAGS) -fsanitize=fuzzer -o $@ $(LINK_INPUTS) \
		$(ALL_LIBS) $(LDFLAGS_ALL)

FUZZ_SECONDS ?= 300

# `make fuzz` runs the fuzzer for FUZZ_SECONDS (default 5 minutes); `make test`
# runs it for a few seconds and replays every input that ever crashed it.
fuzz: deps
	$(MAKE) MODE=fuzz build/fuzz/fuzz_serve
	scripts/fuzz build/fuzz/fuzz_serve $(FUZZ_SECONDS)

# A Galera cluster of three nodes, HAProxy and two hubs on this machine, with
# nodes and hubs killed under load (scripts/cluster, tests/cluster/run.sh).
cluster-test: deps
	$(MAKE) MODE=release all
	tests/cluster/run.sh

# `make test` re-enters make with MODE=asan so the sanitizer build sits beside
# the release one.
test: deps
	$(MAKE) MODE=asan test-binaries
	$(MAKE) MODE=fuzz build/fuzz/fuzz_serve
	scripts/run-tests build/asan

check-asan: test

# ---------------------------------------------------------------- running

deps:
	scripts/deps

db-start:
	scripts/db start

db-stop:
	scripts/db stop

run: deps
	$(MAKE) MODE=release all
	scripts/run-hub build/release

# Binaries into $(PREFIX)/bin, the WSDL and the migrations into $(PREFIX)/share/eos-hub/, where
# both programs look beside their own directory (src/base/paths.c). DESTDIR for packaging.
PREFIX ?= /usr/local
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/eos-hub/wsdl \
		$(DESTDIR)$(PREFIX)/share/eos-hub/schema
	install -m 755 $(BUILD)/eos-hub $(BUILD)/eosctl $(DESTDIR)$(PREFIX)/bin/
	install -m 644 wsdl/eoshub.wsdl wsdl/eoshub.xsd $(DESTDIR)$(PREFIX)/share/eos-hub/wsdl/
	install -m 644 schema/*.sql $(DESTDIR)$(PREFIX)/share/eos-hub/schema/

clean:
	rm -rf build $(GEN)

format-check:
	clang-format --dry-run --Werror $(shell git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h')

.PHONY: all test check-asan test-binaries deps db-start db-stop run install clean format-check fuzz \
	cluster-test

include mk/bench.mk

-include $(shell find build -name '*.d' 2>/dev/null)
