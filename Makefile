# xwtrace - Cisco Expressway diagnostic logs to SIP call ladders.
# Plain make: `make` builds ./xwtrace, `make check` runs every test (also under
# ASan+UBSan), `make bench` runs the benchmarks, `make fuzz` the fuzzers.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PKGS     = ncursesw libosip2 libpcre2-8 libarchive zlib libpcap libcrypto
VERSION  = 0.1.0

CFLAGS  ?= -O2 -g
XCFLAGS  = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
           -Iinclude -DXW_VERSION=\"$(VERSION)\" $(shell pkg-config --cflags $(PKGS)) -pthread
LDLIBS  += $(shell pkg-config --libs $(PKGS)) -pthread -lm

BUILD   ?= build
SRC      = $(wildcard src/*.c)
OBJ      = $(SRC:src/%.c=$(BUILD)/%.o)
LIBOBJ   = $(filter-out $(BUILD)/main.o,$(OBJ))
UNITSRC  = $(wildcard tests/unit/test_*.c)
UNITBIN  = $(UNITSRC:tests/unit/%.c=$(BUILD)/tests/%)
HDR      = $(wildcard include/*.h)

SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

.PHONY: all check check-plain check-asan unit install uninstall clean bench fuzz

all: xwtrace

xwtrace: $(BUILD)/xwtrace
	rm -f $@ && cp $< $@

$(BUILD)/xwtrace: $(OBJ)
	$(CC) $(CFLAGS) $(XCFLAGS) -o $@ $(OBJ) $(LDFLAGS) $(LDLIBS)

$(BUILD)/%.o: src/%.c $(HDR) | $(BUILD)
	$(CC) $(CFLAGS) $(XCFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIBOBJ) | $(BUILD)
	@mkdir -p $(BUILD)/tests
	$(CC) $(CFLAGS) $(XCFLAGS) -Itests/unit -o $@ $< $(LIBOBJ) $(LDFLAGS) $(LDLIBS)

$(BUILD):
	mkdir -p $(BUILD)

unit: $(UNITBIN)

# The suite runs twice: a normal build, then ASan+UBSan.
check: check-plain check-asan

check-plain: xwtrace unit
	XW=$(BUILD)/xwtrace XW_UNIT=$(BUILD)/tests tests/run.sh

check-asan:
	$(MAKE) BUILD=build-asan CC=clang CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" build-asan/xwtrace unit
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	XW=build-asan/xwtrace XW_UNIT=build-asan/tests XW_SANITIZED=1 tests/run.sh

bench: xwtrace
	tests/bench/run.sh

fuzz:
	tests/fuzz/run.sh $(FUZZ_SECONDS)

install: xwtrace
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 xwtrace $(DESTDIR)$(PREFIX)/bin/xwtrace
	install -m 644 man/xwtrace.1 $(DESTDIR)$(PREFIX)/share/man/man1/xwtrace.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/xwtrace $(DESTDIR)$(PREFIX)/share/man/man1/xwtrace.1

clean:
	rm -rf build build-asan build-fuzz xwtrace
