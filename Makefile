# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Every file that decides what gets installed; a change to any of them reinstalls.
INSTALL_INPUTS := pyproject.toml setup.py constraints.txt requirements-hashed.txt
STAMP := $(VENV)/.installed-$(shell cat $(INSTALL_INPUTS) | cksum | cut -d' ' -f1)
FLASK := $(BIN)/flask --app wsgi
# The markup checkers the tests run (vnu.jar, axe-core), pinned by their lock file.
CHECKERS := tests/markup
CHECKERS_STAMP := $(CHECKERS)/node_modules/.installed-$(shell cat $(CHECKERS)/package-lock.json | cksum | cut -d' ' -f1)
CATALOGS := src/materiality/translations

.PHONY: run test install checkers translations extract-messages bench lint clean

# The hashed font first (see requirements-hashed.txt), then everything else at the
# versions in constraints.txt.
$(STAMP): $(INSTALL_INPUTS)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip -c constraints.txt
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-hashed.txt
	$(BIN)/python -m pip install --quiet -e '.[test,prod]' -c constraints.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP) translations checkers

## The Nu HTML checker and axe-core for tests/test_markup.py and its browser twin, from
## the npm registry at the versions in tests/markup/package-lock.json (without npm, those
## tests skip and say why).
checkers:
	@if [ -f $(CHECKERS_STAMP) ]; then :; \
	elif command -v npm >/dev/null; then \
	  npm ci --prefix $(CHECKERS) --ignore-scripts --no-audit --no-fund --loglevel=error \
	  && touch $(CHECKERS_STAMP); \
	else echo "npm is missing: the markup tests will skip (apt-get install npm)"; fi

## Compile the zh_CN and en catalogs (done by every install).
translations: $(STAMP)
	$(BIN)/pybabel compile --statistics -d $(CATALOGS) 2>&1 | grep -v '^$$' || true

## Refresh the catalogs from the code and templates after adding UI strings.
extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --ignore-dirs=".*" -k _l -k lazy_gettext -o $(CATALOGS)/messages.pot --no-location --sort-output --project materiality .
	$(BIN)/pybabel update -i $(CATALOGS)/messages.pot -d $(CATALOGS) --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python -c "$$FILL_ENGLISH"

# msgids are English, so the en catalog repeats them: complete by construction.
define FILL_ENGLISH
from babel.messages.pofile import read_po, write_po
path = '$(CATALOGS)/en/LC_MESSAGES/messages.po'
catalog = read_po(open(path, 'rb'))
for message in catalog:
    if message.id:
        message.string = message.id
        message.flags.discard('fuzzy')
write_po(open(path, 'wb'), catalog, width=76)
endef
export FILL_ENGLISH

## The app with demo data on the embedded SQLite default, at http://127.0.0.1:5000
run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) create-user admin@example.org --role admin --skip-existing
	@echo "Log in at http://127.0.0.1:5000 as admin@example.org"
	$(FLASK) run --host 127.0.0.1 --port 5000

## The whole suite (PostgreSQL too when TEST_DATABASE_URL is set; browser tests when chromium is
## present), in one process per core (pytest-xdist; PYTEST_WORKERS=0 runs it in this one).
PYTEST_WORKERS ?= auto
test: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## Speed and memory figures (see benchmarks/README.md).
bench: install
	$(BIN)/python benchmarks/run_all.py

lint: install
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info $(CHECKERS)/node_modules
