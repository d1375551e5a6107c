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
