# make run: install, migrate, load the demo workshop and serve it with Daphne.
# make test: install with the test tools and run the whole test suite.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet ".[test]"
	touch $(VENV)/.app $@

run: $(VENV)/.app
	$(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo --base-url http://127.0.0.1:$(PORT)
	$(BIN)/python manage.py serve --port $(PORT)

test: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(VENV)/.test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the translation catalogues after changing user-visible strings.
messages: $(VENV)/.app
	$(BIN)/python manage.py makemessages --no-obsolete --locale fr --locale es --ignore '.venv/*'
	$(BIN)/python manage.py makemessages --no-obsolete -d djangojs --locale fr --locale es --ignore '.venv/*' --ignore 'static/vendor/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'
