# frontlines: every target creates what it needs (virtual env, packages) by itself.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    := out

.PHONY: venv run serve test eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

run: venv
	@mkdir -p $(OUT)
	$(BIN)/frontlines ingest examples/reports.jsonl --db $(OUT)/example.db
	$(BIN)/frontlines export --db $(OUT)/example.db --format jsonl --out $(OUT)/example.events.jsonl
	$(BIN)/frontlines export --db $(OUT)/example.db --format acled-csv --out $(OUT)/example.acled.csv
	$(BIN)/frontlines export --db $(OUT)/example.db --format geojson --out $(OUT)/example.geojson
	$(BIN)/frontlines export --db $(OUT)/example.db --format relations-jsonl --out $(OUT)/example.relations.jsonl
	$(BIN)/frontlines network --db $(OUT)/example.db --format graphml --out $(OUT)/example.network.graphml
	$(BIN)/frontlines events --db $(OUT)/example.db
	@echo "Database: $(OUT)/example.db"
	@echo "Exports:  $(OUT)/example.events.jsonl $(OUT)/example.acled.csv $(OUT)/example.geojson $(OUT)/example.relations.jsonl $(OUT)/example.network.graphml"
	@echo "Web UI:   $(BIN)/frontlines serve --db $(OUT)/example.db   then open http://127.0.0.1:8000/"

serve: venv
	$(BIN)/frontlines serve --db $(OUT)/example.db

test: venv
	$(BIN)/python -m pytest -q

eval: venv
	$(BIN)/python scripts/run_eval.py

bench: venv
	$(BIN)/python scripts/bench.py --write
	$(BIN)/python scripts/bench_api.py --write

clean:
	rm -rf $(OUT) build .pytest_cache
