# Two commands for a fresh Debian machine as root: `make demo` and `make test` (README.md).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk chromium gettext poppler-utils
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install system-deps migrate lint format messages check-messages serve worker beat clean

demo: install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input -v0
	DEBUG=1 $(BIN)/python manage.py compilemessages_all
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  湘西州农村产权流转交易平台 is serving on http://$(HOST):$(PORT)/"
	@echo "  Logins (password demo12345): staff station storage household bidder1 bidder2 bidder3 insurer forestry auditor admin"
	@echo ""
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(MAKE) --no-print-directory lint
	DEBUG=0 TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run -v1
	DEBUG=1 $(BIN)/python manage.py compilemessages_all --check
	$(BIN)/pytest -n $${PYTEST_WORKERS:-2} --dist loadgroup $(PYTEST_ARGS)

install: system-deps $(STAMP)

system-deps:
	@bash scripts/system-deps.sh $(APT_PACKAGES)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages:
	DEBUG=1 $(BIN)/python manage.py makemessages_all

serve:
	$(BIN)/gunicorn marketplace.wsgi -k gthread -w $${WEB_CONCURRENCY:-2} --threads $${WEB_THREADS:-4} -b $(HOST):$(PORT)

worker:
	$(BIN)/celery -A marketplace worker -l info

beat:
	$(BIN)/celery -A marketplace beat -l info

clean:
	rm -rf $(VENV) var
