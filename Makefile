# The two commands: `make run` and `make test`. Everything else is what they are made of.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run test serve worker deps dev-deps setup lint typecheck pytest messages clean trial-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip "setuptools<81" wheel

# xstatic-bootstrap ships only an sdist that needs pkg_resources: build it without isolation
# against the setuptools<81 installed above (docs/decisions/0002-static-assets.md).
$(VENV)/.deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --no-build-isolation -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt $(VENV)/.deps
	$(BIN)/pip install --quiet --no-build-isolation -r requirements-dev.txt
	touch $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

# The trial server runs with DEBUG off, as in production: visitors get the site's own translated
# error pages, never Django's debug pages. It keeps a generated secret key in data/ (git-ignored)
# and serves static files through WhiteNoise from data/static (collectstatic).
data/secret_key:
	@mkdir -p data
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

# It is a deployment in the settings' eyes (DEBUG off, a real key), so it names its e-mail backend on
# purpose: the masked console (addresses, links and tokens hidden) into data/worker.log.
TRIAL_EMAIL_BACKEND := hkcq.core.mail.RedactedConsoleBackend
setup run trial-check: export EMAIL_BACKEND ?= $(TRIAL_EMAIL_BACKEND)
setup: export SECRET_KEY = $(shell cat data/secret_key 2>/dev/null)
setup: deps data/secret_key
	$(BIN)/python manage.py compile_translations
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py load_defaults
	$(BIN)/python manage.py create_demo_accounts --force

## make run: install, migrate, load the default data, create demo accounts, serve on PORT.
# Links in e-mails are absolute (SITE_URL): point them at this server unless SITE_URL is set.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: export SECRET_KEY = $(shell cat data/secret_key 2>/dev/null)
run: setup
	@echo ""
	@echo "  The platform is starting on http://127.0.0.1:$(PORT)/  (Ctrl+C stops it)"
	@echo "  Sign in with one of the demo accounts above at http://127.0.0.1:$(PORT)/en/account/sign-in/"
	@echo ""
	SECRET_KEY=$$(cat data/secret_key) $(BIN)/python manage.py db_worker --queue-name default >data/worker.log 2>&1 & \
	  WORKER=$$!; trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	  SECRET_KEY=$$(cat data/secret_key) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The settings load as `make run` gives them (core/tests/test_deploy.py runs this).
trial-check: export SECRET_KEY = trial-check-key-not-used-to-serve-anything-0123456789abcdef
trial-check:
	$(BIN)/python manage.py check

## make worker: the background-task worker (e-mail and other queued work).
worker: deps
	$(BIN)/python manage.py db_worker

## make test: ruff, mypy, the import contract (lint-imports) and the whole test suite (on DATABASE_URL when set, else SQLite).
test: export DJANGO_SETTINGS_MODULE := config.settings_test
test: dev-deps
	$(BIN)/python manage.py compile_translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	ALLOW_INSECURE_SECRET_KEY=1 $(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

messages: dev-deps
	cd hkcq && ../$(BIN)/python ../manage.py makemessages -l zh_Hant -l zh_Hans --no-obsolete --no-location --ignore "static/*"
	$(BIN)/python manage.py compile_translations

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
