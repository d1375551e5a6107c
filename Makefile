# hubspot-associations: spec -> generated client -> overlay. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    ?= .venv
PYTHON  ?= $(VENV)/bin/python
BIN     := $(VENV)/bin
SPEC    := openapi/hubspot-crm-associations-v4.yaml
PKG     := hubspot_associations_api
GEN_OUT := generated/$(PKG)
GENERATE = PATH="$(abspath $(BIN)):$$PATH" $(BIN)/openapi-python-client generate --path $(SPEC) \
	--config generator-config.yml --custom-template-path openapi/templates --meta none --fail-on-warning --overwrite

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: install
install: $(VENV)/.installed node_modules/.installed ## Create .venv and node_modules with every pinned tool

.PHONY: generate
generate: $(VENV)/.installed ## Regenerate generated/hubspot_associations_api from the spec
	$(GENERATE) --output-path $(GEN_OUT)
	touch $(GEN_OUT)/py.typed

.PHONY: check-generated
check-generated: $(VENV)/.installed ## Fail if generated/ differs from what the spec generates
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GENERATE) --output-path "$$tmp/$(PKG)" >/dev/null && touch "$$tmp/$(PKG)/py.typed" && \
	if diff -r -x __pycache__ "$$tmp/$(PKG)" $(GEN_OUT); then echo "generated/ is up to date with $(SPEC)"; \
	else echo "generated/ differs from the spec: run 'make generate' (never edit generated/ by hand)"; exit 1; fi

.PHONY: spec-lint
spec-lint: $(VENV)/.installed node_modules/.installed ## Validate the spec (openapi-spec-validator + Redocly, warnings fail)
	$(PYTHON) -m openapi_spec_validator $(SPEC)
	@# The banner about Node 20's end of life is boxed (║); it is not a lint finding, so it is dropped first.
	@out=$$(REDOCLY_TELEMETRY=off node_modules/.bin/redocly lint $(SPEC) --format=stylish 2>&1); status=$$?; \
	out=$$(echo "$$out" | grep -v -E '^\s*(║|╔|╚)'); echo "$$out"; \
	if [ $$status -ne 0 ] || echo "$$out" | grep -qiE '\bwarning\b'; then echo "spec-lint: Redocly found problems"; exit 1; fi

.PHONY: spec-docs
spec-docs: $(VENV)/.installed node_modules/.installed ## Write spec-docs/index.html: one file, the whole reference, renders offline (Redoc inlined, system fonts)
	$(PYTHON) tools/spec_docs.py --spec $(SPEC) --redoc node_modules/redoc/bundles/redoc.standalone.js --output spec-docs/index.html

# mkdocs.yml: guides + the API reference from the docstrings, offline (no Google Fonts, no CDN); --strict fails on a
# broken link or anchor, and tools/docs_hooks.py on a public name without a reference entry. tests/test_docs_site.py
# builds and renders it too, so `make check` covers it.
.PHONY: docs
docs: $(VENV)/.installed ## Build the documentation site (guides + API reference) into site/, offline; open site/index.html
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

.PHONY: lint
lint: $(VENV)/.installed ## ruff check and format check on all Python code, generated included
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: typecheck
typecheck: $(VENV)/.installed ## mypy --strict on generated/, overlays/, tools/, examples/ and tests/
	$(BIN)/mypy generated/$(PKG) overlays/hubspot_associations tools examples tests

# pyright only measures the public API's type completeness (mypy --strict is the type checker). It is the npm package
# pinned in package-lock.json (no download at run time); the venv's python on PATH lets it resolve httpx, attrs...
.PHONY: verifytypes
verifytypes: $(VENV)/.installed node_modules/.installed ## pyright --verifytypes: every public symbol's type known (100 %)
	PATH="$(abspath $(BIN)):$$PATH" PYTHONPATH=overlays:generated node_modules/.bin/pyright \
		--verifytypes hubspot_associations --ignoreexternal

.PHONY: test
test: $(VENV)/.installed ## Run pytest (cassettes replay, emulator in-process and over loopback)
	$(BIN)/pytest

# The runtime tests on the dependency versions users get, each in a venv of its own that holds the package (no
# extras) and the test tools only (tools/dependency_bounds.py reads both lists from pyproject.toml): the lowest
# version each range allows, and the newest releases (re-resolved on every run). RUNTIME_TESTS: the test files that
# exercise httpx, httpcore, anyio and attrs through the SDK (no CLI, emulator, generator or Redis).
RUNTIME_TESTS := tests/test_client.py tests/test_async_client.py tests/test_http.py tests/test_bounds.py \
	tests/test_bounds_properties.py tests/test_errors.py tests/test_response.py tests/test_policy.py \
	tests/test_properties.py tests/test_pacing.py tests/test_logging.py tests/test_generated.py \
	tests/test_hostile_headers.py tests/test_tls.py tests/test_batch_client.py tests/test_batch_reading.py \
	tests/test_readback_properties.py tests/test_error_depth.py
VENV_PIP = PIP_DISABLE_PIP_VERSION_CHECK=1 $(1)/bin/python -m pip install --quiet

.venv-lowest/.installed: pyproject.toml tools/dependency_bounds.py
	rm -rf .venv-lowest && python3 -m venv .venv-lowest
	$(PYTHON) tools/dependency_bounds.py lowest > .venv-lowest/constraints.txt
	$(call VENV_PIP,.venv-lowest) -c .venv-lowest/constraints.txt -e . \
		$$($(PYTHON) tools/dependency_bounds.py test-tools --any-version)
	touch $@

.PHONY: test-lowest
test-lowest: $(VENV)/.installed .venv-lowest/.installed ## Runtime tests on the lowest versions pyproject.toml allows (.venv-lowest)
	@.venv-lowest/bin/python -m pip list --format=freeze | grep -iE '^(httpx|httpcore|anyio|attrs|sniffio|h11)=='
	.venv-lowest/bin/python -m pytest -q -p no:cacheprovider $(RUNTIME_TESTS)

.PHONY: test-newest
test-newest: $(VENV)/.installed ## Runtime tests on the newest releases of every runtime dependency (.venv-newest)
	test -x .venv-newest/bin/python || python3 -m venv .venv-newest
	$(call VENV_PIP,.venv-newest) --upgrade --upgrade-strategy eager -e . $$($(PYTHON) tools/dependency_bounds.py test-tools)
	@.venv-newest/bin/python -m pip list --format=freeze | grep -iE '^(httpx|httpcore|anyio|attrs|sniffio|h11)=='
	.venv-newest/bin/python -m pytest -q -p no:cacheprovider $(RUNTIME_TESTS)

.PHONY: schemathesis
schemathesis: $(VENV)/.installed ## Schemathesis vs the emulator with our spec, on every API version's paths: no 5xx, statuses/types/bodies conform
	$(PYTHON) tools/schemathesis_emulator.py

.PHONY: dist
dist: $(VENV)/.installed ## Build the sdist and wheel into dist/ (pinned setuptools, no network) and twine check --strict them
	rm -f dist/hubspot_associations-*
	$(PYTHON) -m build --no-isolation --outdir dist .
	$(BIN)/twine check --strict dist/hubspot_associations-*

.PHONY: check
check: check-generated spec-lint spec-diff lint typecheck verifytypes dist test test-lowest test-newest schemathesis ## Everything CI runs: the README's test command

# The demo needs only the runtime and the cli extra: a fresh clone gets its own small venv (seconds, not the dev
# toolchain's minutes); a checkout with the dev venv already installed uses that one.
DEMO_VENV ?= .venv-demo
DEMO_ENV  := $(if $(wildcard $(VENV)/.installed),$(VENV),$(DEMO_VENV))

$(DEMO_VENV)/.installed: pyproject.toml
	python3 -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet --no-compile -e ".[cli]"
	touch $@

.PHONY: demo
demo: $(DEMO_ENV)/.installed ## The main job: emulator + one association of each kind + a 2,000-row bulk run under faults (~45 s with its install)
	$(DEMO_ENV)/bin/python examples/demo.py

BASE ?= HEAD~1
RELEASED_SPEC := openapi/released/$(notdir $(SPEC))
.PHONY: spec-diff
spec-diff: $(VENV)/.installed ## What changed in the spec since BASE (default HEAD~1; fetched in a shallow clone, else the last released spec); exit 1 on unacknowledged breaks
	$(PYTHON) tools/spec_diff.py --base $(BASE) --spec $(SPEC) --released $(RELEASED_SPEC)

# tools/vendor.py is stdlib-only (Python >= 3.11): it runs without `make install`, e.g. in a consumer's CI.
VENDOR_PY := $(if $(wildcard $(PYTHON)),$(PYTHON),python3)

.PHONY: vendor
vendor: ## Copy the SDK into DEST/hubspot_associations with relative imports (DEST=myapp/_vendor)
	@test -n "$(DEST)" || { echo "usage: make vendor DEST=path/to/your/package/_vendor"; exit 2; }
	$(VENDOR_PY) tools/vendor.py write "$(DEST)"

.PHONY: vendor-check
vendor-check: ## Fail if the vendored copy in DEST is stale against this checkout
	@test -n "$(DEST)" || { echo "usage: make vendor-check DEST=path/to/your/package/_vendor"; exit 2; }
	@$(VENDOR_PY) tools/vendor.py check "$(DEST)"

.PHONY: record
record: $(VENV)/.installed ## Re-record tests/cassettes against the offline emulator (review the diff before committing)
	HUBSPOT_RECORD=emulator $(BIN)/pytest tests/test_cassettes.py

.PHONY: record-live
record-live: $(VENV)/.installed ## Re-record the cassettes real HubSpot can produce (a test portal; never in CI)
	@test -n "$$HUBSPOT_ACCESS_TOKEN" -a -n "$$HUBSPOT_RECORD_FROM_ID" -a -n "$$HUBSPOT_RECORD_TO_ID" || \
	{ echo "record-live needs HUBSPOT_ACCESS_TOKEN, HUBSPOT_RECORD_FROM_ID (a contact id), HUBSPOT_RECORD_TO_ID (a company id)"; exit 1; }
	HUBSPOT_RECORD=live $(BIN)/pytest tests/test_cassettes.py

.PHONY: bench
bench: $(VENV)/.installed ## Benchmarks vs raw httpx and HubSpot's official client (bulk on batches too); results.md + docs/performance.md table
	$(PYTHON) bench/run.py --readme
	$(PYTHON) -m bench.bulk_batches --scale 1 --slow-rows 1000

.PHONY: bench-cold
bench-cold: $(VENV)/.installed ## Only cold first call, import and per call (~2 min); updates docs/performance.md's table too
	$(PYTHON) bench/run.py --only import,cold,per_call --readme

.PHONY: bench-verify
bench-verify: $(VENV)/.installed ## bulk 20,000 rows, 37 removed out of band, verify finds exactly them, remove 500 (~1 min)
	$(PYTHON) -m bench.verify_remove

.PHONY: bench-shared-window
bench-shared-window: $(VENV)/.installed ## Issue 24's scenarios: a bulk run on a window others use, no Redis (time x10, ~5 min)
	$(PYTHON) -m bench.shared_window --scale 10

.PHONY: bench-shared-limit
bench-shared-limit: $(VENV)/.installed ## 4 shard processes on batches of 100, one Redis budget vs 4 own pacers (needs redis-server; ~40 s)
	$(PYTHON) -m bench.shared_limit
