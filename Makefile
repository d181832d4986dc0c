# Sentra — the two commands: `make demo` and `make test`. Everything installs from requirements.lock.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

DEMO_FROM ?= 2025-01-01
DEMO_TO   ?= 2025-12-31
DATA_DIR  ?= $(CURDIR)/data
BENCH_ROWS ?= 10000000

export SENTRA_DATA_DIR ?= $(DATA_DIR)

.PHONY: setup demo scale-demo test test-fast coverage lint format dev bench bench-profiles convert-warehouse lock clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

demo: setup
	$(BIN)/sentra sample --messy --out $(SENTRA_DATA_DIR)/landing --from $(DEMO_FROM) --to $(DEMO_TO)
	$(BIN)/sentra run --from $(DEMO_FROM) --to $(DEMO_TO)

# The demo year on the scale profile: PostgreSQL, PgBouncer, Redis, two Celery workers and a DuckLake,
# started here and stopped at the end or on Ctrl-C (docs/DEPLOY.md). Needs postgresql, pgbouncer, redis-server.
scale-demo: setup
	$(BIN)/python -m pipelines.scale.demo --from $(DEMO_FROM) --to $(DEMO_TO)

# Both cores: two pytest-xdist workers, each taking whole test files or groups of them (tests/conftest.py).
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup

test: setup lint
	$(PYTEST)

# The inner loop: the pure and pipeline tests of what changed since the last commit (tests/changed.py).
test-fast: setup
	@files="$$($(BIN)/python tests/changed.py)"; \
	if [ -z "$$files" ]; then echo "test-fast: nothing changed since the last commit"; \
	else $(PYTEST) -m "pure or pipeline" $$files; fi

# Line coverage of pipelines/ and models/ over the whole suite (the figure docs/BENCHMARKS.md keeps).
coverage: setup
	$(PYTEST) --cov=pipelines --cov=models --cov-report=term --cov-report=json:coverage.json

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

dev: setup
	DAGSTER_HOME=$$($(BIN)/python -m pipelines.orchestration.instance) $(BIN)/dagster dev -h 127.0.0.1 -p 3000

# Benchmarks (figures in docs/BENCHMARKS.md); timings never go into tests.
bench: setup
	$(BIN)/python -m pipelines.bench.quality --rows 1000000 --repeat 5
	$(BIN)/sentra bench --rows $(BENCH_ROWS)
	$(BIN)/python -m pipelines.bench.mutate --seeds 20 --per-file 12
	$(BIN)/python -m pipelines.bench.history --rows 1000000 --days 20
	$(BIN)/python bench/writers.py --rows 300000

# The embedded profile against the scale profile: a year of days, a 10M-row day in 10 files, instance events/s.
bench-profiles: setup
	$(BIN)/python bench/profiles.py --rows $(BENCH_ROWS) --json bench/profiles.json

# A warehouse written by DuckDB 2.0.1 (Sentra before the scale profile) converted for DuckDB 1.5.5, once.
convert-warehouse: setup
	$(BIN)/python -m pipelines.warehouse.convert $(WAREHOUSE)

# Re-pin the dependencies after changing pyproject.toml.
lock: setup
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11 --quiet

clean:
	rm -rf $(VENV) .dagster .pytest_cache .ruff_cache
