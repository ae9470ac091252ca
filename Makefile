# One way to run things: the README, CI and developers call these targets.
SHELL := /bin/bash
PORT ?= 3000

.PHONY: run run-scaled scaled-stop test-scaled load faults test setup setup-scaled setup-test lint types lock format unit e2e bench-frontend eval-search bench-search test-postgres compliance conformance translations clean

run: setup                     ## install, migrate, seed, build and serve on http://localhost:$(PORT)
	PORT=$(PORT) bash scripts/run.sh

run-scaled: setup-scaled       ## PostgreSQL + Redis + $(or $(YW_WORKERS),3) granian workers behind nginx, flow sandboxes, on http://localhost:$(PORT)
	source scripts/env.sh && PORT=$(PORT) python -m scripts.scaled run

scaled-stop:                   ## stop the PostgreSQL and Redis that scaled mode started
	source scripts/env.sh && python -m scripts.scaled stop

test-scaled: setup-test        ## only the scaled e2e pass of make test (nginx, workers, Redis, PostgreSQL)
	source scripts/env.sh && YIWANG_E2E_MODE=scaled python -m pytest e2e -p no:cacheprovider

load: setup-test               ## clients at p95 <= 200 ms, events/s, MB per client: embedded vs scaled, paced and busy (last line JSON)
	source scripts/env.sh && python -m scripts.load_bench

faults: setup-test             ## kill a worker, restart the app, stop Redis and PostgreSQL under load
	source scripts/env.sh && python -m scripts.faults all

test:                          ## install everything; lint, i18n, unit tests, e2e embedded then scaled
	bash scripts/test.sh

setup:
	bash scripts/setup.sh

setup-scaled:
	bash scripts/setup.sh --scaled

setup-test:
	bash scripts/setup.sh --test

lint: setup-test
	source scripts/env.sh && ruff check . && ruff format --check .

types: setup-test              ## pyright over app, components, themes and scripts (zero errors)
	source scripts/env.sh && pyright

lock:                          ## refresh requirements/*.txt (hashed pins) from pyproject.toml; UPGRADE=1 for newer releases
	bash scripts/lock.sh

format: setup-test
	source scripts/env.sh && ruff check --fix . && ruff format .

unit: setup-test
	source scripts/env.sh && YW_TEST_POSTGRES=1 python -m pytest tests

e2e: setup-test
	source scripts/env.sh && python -m pytest e2e -p no:cacheprovider

bench-frontend: setup-test     ## bytes, requests, FCP/LCP/CLS per page under Slow 4G
	source scripts/env.sh && python -m scripts.bench_frontend

eval-search: setup             ## MRR and recall@3 per query type on the labelled set (last line JSON)
	source scripts/env.sh && python -m app.search.evaluate

bench-search: setup            ## build the index over N synthetic items and time mixed queries (ITEMS=1000000)
	source scripts/env.sh && python -m scripts.bench_search --items $${ITEMS:-1000000}

test-postgres: setup-test      ## the search index and the encryption migration on a throwaway PostgreSQL cluster
	source scripts/env.sh && YW_TEST_POSTGRES=1 python -m pytest tests/search/test_postgres.py tests/security/test_encryption_migration.py

compliance: setup-test         ## the full a11y / elder-mode matrix -> reports/compliance/index.html
	source scripts/env.sh && python -m e2e.compliance.run

conformance: setup-test        ## per province: catalogue elements, functions with e2e evidence, a11y figures -> reports/conformance/<p>/ (last line JSON; PATHS=folders)
	source scripts/env.sh && python -m conformance $(PATHS)

translations: setup            ## re-extract messages and merge them into every locale
	source scripts/env.sh && python -m scripts.i18n extract update compile

clean:
	rm -rf .web .states reports
