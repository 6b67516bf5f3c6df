# Two commands set everything up on a fresh machine with Python 3.11+ and git:
#   make run    install, migrate, load the demo workshops, serve with a Celery worker and beat
#   make test   install the test tools and run the whole suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails point at the address the server listens on (override for a public name).
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test install lint format worker clean

# Running needs only the project's own dependencies; the test tools come with `make test`.
$(VENV)/.installed-run: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed: $(VENV)/.installed-run
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# load_demo creates only what is missing: chairs' edits and changed passwords survive a rerun.
# The banner is printed once the site answers, after the worker's and the server's start-up lines.
run: export SITE_URL := $(SITE_URL)
run: $(VENV)/.installed-run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@$(VENV)/bin/celery -A config --quiet worker --beat --loglevel=WARNING --concurrency=2 \
		--schedule=var/celerybeat-schedule & worker=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT) & server=$$!; \
	trap 'kill $$server $$worker 2>/dev/null; wait $$server $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) -m config.wait_until_up http://$(HOST):$(PORT)/ 120 || echo "  The server did not answer within 120 s."; \
	echo ""; \
	echo "  Workshop CFP is running at http://$(HOST):$(PORT)/"; \
	echo "  Demo logins (password demo-pass-2026 unless changed): admin@demo.test, chair@demo.test,"; \
	echo "  reviewer1@demo.test ... reviewer6@demo.test, areachair1@demo.test, areachair2@demo.test,"; \
	echo "  author1@demo.test ... author8@demo.test"; \
	echo "  E-mail is written to var/outbox/. Stop with Ctrl-C."; \
	echo ""; \
	wait $$server

test: install
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache
