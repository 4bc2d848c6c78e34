# klimatrapport — `make run` and `make test` set up what is missing first.
SHELL := /bin/bash
GO ?= go
CHDB_VERSION := $(shell cat storage/chdb/VERSION)
CACHE_HOME := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)
CHDB_DIR := $(CACHE_HOME)/klimatrapport/chdb/$(CHDB_VERSION)
CHDB_LIB := $(CHDB_DIR)/libchdb.so
export KLIMATRAPPORT_CHDB_LIB ?= $(CHDB_LIB)
STATICCHECK_VERSION := v0.8.2
TEST_CLICKHOUSE_DIR ?= $(or $(TMPDIR),/tmp)/klimatrapport-test-clickhouse
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: all build run demo test test-cluster test-short lint bench fuzz chdb clickhouse-test-server stop-clickhouse-test-server clean

all: build

## chdb: download the pinned libchdb from npm into the cache, once.
chdb: $(CHDB_LIB)
$(CHDB_LIB):
	@command -v npm >/dev/null || { echo "npm is needed to fetch libchdb $(CHDB_VERSION)"; exit 1; }
	@echo "fetching libchdb $(CHDB_VERSION) (npm @chdb/lib-linux-x64-gnu) into $(CHDB_DIR)"
	@rm -rf $(CHDB_DIR)/.fetch && mkdir -p $(CHDB_DIR)/.fetch
	@cd $(CHDB_DIR)/.fetch && npm pack --silent @chdb/lib-linux-x64-gnu@$(CHDB_VERSION) >/dev/null
	@tar -xzf $(CHDB_DIR)/.fetch/*.tgz -C $(CHDB_DIR)/.fetch package/libchdb.so
	@mv $(CHDB_DIR)/.fetch/package/libchdb.so $@ && rm -rf $(CHDB_DIR)/.fetch

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o bin/klimatrapport ./cmd/klimatrapport

## run: the service on http://localhost:8080 with the embedded engine (data in ./var/chdb);
## the first start imports the bundled reference data (data/) into the empty database.
run: chdb build
	./bin/klimatrapport serve --db chdb://./var/chdb

## demo: the service as run does, with example members and reports (Exempeldata) added once
## the national data are in; in a database of its own (./var/demo), so the examples never
## mix with run's data.
demo: chdb build
	./bin/klimatrapport serve --demo --db chdb://./var/demo

## test: every test. The ClickHouse server suite runs against
## $$KLIMATRAPPORT_TEST_CLICKHOUSE, or a throwaway local clickhouse-server if
## one is installed; otherwise it is skipped (CI requires it).
test: chdb
	@dsn="$$KLIMATRAPPORT_TEST_CLICKHOUSE"; \
	if [ -z "$$dsn" ] && command -v clickhouse-server >/dev/null 2>&1 || [ -z "$$dsn" ] && [ -x /usr/sbin/clickhouse-server ]; then \
		dsn=$$(scripts/clickhouse-server.sh $(TEST_CLICKHOUSE_DIR)) || exit 1; \
	fi; \
	[ -n "$$dsn" ] || echo "note: no ClickHouse server; the server suite is skipped (install clickhouse-server to run it)"; \
	KLIMATRAPPORT_TEST_CLICKHOUSE="$$dsn" $(GO) test -timeout 25m -count=1 ./...

## test-cluster: the cluster suite (internal/clustersuite) against a throwaway replicated
## cluster that scripts/cluster.sh starts (ZooKeeper and two ClickHouse 18.16 replicas on
## loopback) and stops, by pid, whatever happens; prints the suite's figures.
CLUSTER_DIR ?= $(or $(TMPDIR),/tmp)/klimatrapport-test-cluster
test-cluster: chdb
	@dir=$(CLUSTER_DIR)-$$$$; trap 'scripts/cluster.sh stop '"$$dir" EXIT; \
	both=$$(scripts/cluster.sh start $$dir) || exit 1; \
	art=$${KLIMATRAPPORT_ARTIFACTS:-$$dir/artifacts}; mkdir -p $$art; \
	KLIMATRAPPORT_ARTIFACTS=$$art KLIMATRAPPORT_TEST_REQUIRE_CLUSTER=1 KLIMATRAPPORT_TEST_CLUSTER_DIR=$$dir \
	KLIMATRAPPORT_TEST_CLUSTER="$$both $$(cat $$dir/r1/dsn) $$(cat $$dir/r2/dsn)" \
		$(GO) test -count=1 -timeout 8m ./internal/clustersuite/; rc=$$?; \
	echo "--- cluster figures ---"; grep '^cluster:' $$art/figures.txt || true; exit $$rc

## test-short: the tests without the slow ones.
test-short: chdb
	$(GO) test -short -count=1 ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

## bench: every benchmark; those of the database (upload, import, storage) run on both engines, the pages' load run on chDB.
bench: chdb
	KLIMATRAPPORT_TEST_CLICKHOUSE="$${KLIMATRAPPORT_TEST_CLICKHOUSE:-$$(scripts/clickhouse-server.sh $(TEST_CLICKHOUSE_DIR))}" \
		$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./...

## fuzz: every fuzz target for FUZZTIME each (default 60s), one at a time; not part of test.
## Minimizing each interesting input (large workbooks) is capped at 20 runs, else it takes most of the time.
FUZZTIME ?= 60s
FUZZFLAGS ?= -fuzzminimizetime 20x
FUZZ_TARGETS := ./web:FuzzReadUpload ./workbook:FuzzIngest ./workbook:FuzzParse ./workbook:FuzzParseSheet ./national/smhi:FuzzReader
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t#*:} in $${t%%:*} for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) $(FUZZFLAGS) $${t%%:*}; \
	done

stop-clickhouse-test-server:
	@[ -f $(TEST_CLICKHOUSE_DIR)/pid ] && kill $$(cat $(TEST_CLICKHOUSE_DIR)/pid) || true

clean:
	rm -rf bin
