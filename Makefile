# The PSF Policies site: `make help` lists every target.
#
# The first target that needs Python creates .venv from requirements.txt;
# nothing else is installed by hand.
#
# Every variable a person may set (`make html BUILDDIR=...`, or the
# environment) is taken as written: make expands nothing in it
# (`override X := $(value X)`), and it reaches the commands only through the
# environment (`export`), never through a recipe's text, so no value can run a
# command in make or in the shell. A recipe quotes a path or single value
# ("$$BUILDDIR", one argument, whatever it holds); it leaves an option list or
# a command unquoted ($$SPHINXOPTS, $$PYTHON) under `set -f`, so the shell
# splits it into words at whitespace and does nothing else: `;`, `$(...)`,
# backticks, quotes and `*` stay text inside the words. The variables only the
# Makefile sets are `override`, so the command line cannot replace them.

# make also exports each variable set on its command line to every recipe, and
# expands it to do so: `make html FOO='$(shell ...)'` would run that command
# though nothing here reads FOO. Each is made plain text first, still exported.
override COMMAND_LINE := $(foreach name,$(.VARIABLES),$(if $(filter command line,$(origin $(name))),$(name)))
$(foreach name,$(COMMAND_LINE),$(eval override $(name) := $$(value $(name))))
export $(COMMAND_LINE)

# The Python that creates .venv (and `make lock`'s scratch environment): a
# command, e.g. PYTHON=python3.11 or PYTHON="/usr/bin/env python3".
override PYTHON := $(or $(value PYTHON),python3)
# A path make also names files with (`$(VENVDIR)/.installed`): make splits a
# rule's names at spaces and reads `:` and `;` in them, so those are refused.
override VENVDIR := $(or $(value VENVDIR),.venv)
override BUILDDIR := $(or $(value BUILDDIR),_build)
# Only from the command line (make test SOURCEDIR=...), as ever.
override SOURCEDIR := $(or $(if $(filter SOURCEDIR,$(COMMAND_LINE)),$(value SOURCEDIR)),source)
override SPHINXOPTS := $(value SPHINXOPTS)
# Options for tools/linkcheck.py, e.g. LINKCHECKOPTS="--max-seconds 300".
override LINKCHECKOPTS := $(value LINKCHECKOPTS)
# Strict: warnings are errors, all of them reported, every reference checked.
override STRICT := -W --keep-going -n
# A command, e.g. SPHINXBUILD="/usr/bin/python3 -m sphinx"; only from the
# command line, as ever. The default is one word: VENVDIR holds no space.
override SPHINXBUILD := $(or $(if $(filter SPHINXBUILD,$(COMMAND_LINE)),$(value SPHINXBUILD)),$(VENVDIR)/bin/sphinx-build)
# One process: on this project's 2-core machines `-j auto` measured no faster,
# and much slower when the cores are busy (make bench); on a machine with idle
# cores, `make html SPHINXJOBS=auto` reads and writes in parallel.
override SPHINXJOBS := $(or $(value SPHINXJOBS),1)
override SPHINXFLAGS := -c . $(STRICT) -j "$$SPHINXJOBS" $$SPHINXOPTS
# The build date (YYYY-MM-DD; today in UTC when empty): a notice version dated
# after it is upcoming. conf.py's policy_today checks it.
override TODAY := $(value TODAY)
override TODAYFLAG := $(if $(TODAY),-D "policy_today=$$TODAY")
override PORT := $(or $(value PORT),8000)
override BENCHFLAGS := $(value BENCHFLAGS)
# Processes that share the tests of `make test` and `make test-fast`
# (pytest-xdist's -n): a number, or auto for one per core.
override TESTJOBS := $(or $(value TESTJOBS),2)
# Paper size of the PDFs: letter or a4 (the pdf extension refuses others).
override PAPER := $(or $(value PAPER),letter)
# Where make html and make pdf keep each PDF by its content, outside BUILDDIR
# so that make clean keeps them: a PDF whose content did not change is copied
# from there, never rendered again (CI restores the folder between runs).
override PDFCACHE := $(or $(value PDFCACHE),.cache/pdf)
export PYTHON VENVDIR BUILDDIR SOURCEDIR SPHINXOPTS LINKCHECKOPTS SPHINXBUILD \
	SPHINXJOBS TODAY PORT BENCHFLAGS TESTJOBS PAPER PDFCACHE

# A path that starts with `-` would be read as an option by the tools it is
# given to (write ./-x); VENVDIR names files in the rules below.
$(foreach name,VENVDIR BUILDDIR SOURCEDIR,$(if $(filter -%,$(firstword $($(name)))),\
	$(error $(name) must not start with '-' (write ./$($(name)) for such a path))))
$(if $(or $(filter-out 1,$(words $(VENVDIR))),$(findstring :,$(VENVDIR)),$(findstring ;,$(VENVDIR))),\
	$(error VENVDIR is a file name in make's rules: it cannot hold a space, ':' or ';' (got '$(VENVDIR)')))

# This file, for `make help` (a MAKEFILE_LIST given on the command line is
# text too, never expanded).
override THIS_MAKEFILE := $(lastword $(value MAKEFILE_LIST))
export THIS_MAKEFILE

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this list of targets
	@echo "Usage: make <target>   (other names are passed to sphinx-build -M, e.g. make text)"
	@grep -hE '^[a-zA-Z_-]+:.*## ' -- "$$THIS_MAKEFILE" | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-16s %s\n", $$1, $$2}'

$(VENVDIR)/.installed: requirements.txt
	set -f; $$PYTHON -m venv "$$VENVDIR"
	"$$VENVDIR/bin/python" -m pip install --quiet --upgrade pip
	"$$VENVDIR/bin/python" -m pip install --quiet --requirement requirements.txt
	touch "$$VENVDIR/.installed"

.PHONY: venv
venv: $(VENVDIR)/.installed ## Create the virtual environment from requirements.txt

.PHONY: html
html: venv ## Build the site into _build/html (URLs as on the live site; TODAY=YYYY-MM-DD; PDFCACHE=.cache/pdf)
	@# TODAY and the git clone first: Sphinx would report their mistakes as crashes.
	@"$$VENVDIR/bin/python" -m tools.check_build_inputs -- "$$SOURCEDIR"
	@# The published site carries a PDF of each notice (off in every other build).
	@# The command is not echoed: Sphinx's own lines say what it does.
	@set -f; $$SPHINXBUILD -b dirhtml $(SPHINXFLAGS) $(TODAYFLAG) -D policy_pdf_publish=1 \
		-D "policy_pdf_cache_dir=$$PDFCACHE" -- "$$SOURCEDIR" "$$BUILDDIR/html"
	@# The pages link to folders (/python.org/Privacy-Notice/), which a browser
	@# opening the files shows as folder listings: they need a server.
	@echo "To look at the pages: make serve, then open http://127.0.0.1:$$PORT/"

.PHONY: pdf
pdf: venv ## Build a PDF of every notice into _build/pdf (PAPER=a4 for A4)
	@# TODAY and the git clone first: Sphinx would report their mistakes as crashes.
	@"$$VENVDIR/bin/python" -m tools.check_build_inputs -- "$$SOURCEDIR"
	@set -f; $$SPHINXBUILD -b pdf $(SPHINXFLAGS) $(TODAYFLAG) -D "policy_pdf_paper=$$PAPER" \
		-D "policy_pdf_cache_dir=$$PDFCACHE" -- "$$SOURCEDIR" "$$BUILDDIR/pdf"

.PHONY: serve
serve: venv ## Preview on 127.0.0.1 (PORT=8000), rebuilding on save and reloading the browser
	"$$VENVDIR/bin/python" -m tools.serve --port "$$PORT" -- "$$SOURCEDIR" "$$BUILDDIR/html"

.PHONY: bench
bench: venv ## Benchmark build speed and the rest against the stock setup (BENCHFLAGS=--help)
	set -f; "$$VENVDIR/bin/python" -m benchmarks.run $$BENCHFLAGS

# On TESTJOBS processes, each module's tests in one of them, the browser
# tests all in one (tests/conftest.py).
.PHONY: test
test: venv ## Run the test suite, on TESTJOBS processes (2)
	"$$VENVDIR/bin/python" -m pytest -n "$$TESTJOBS" --dist loadfile

.PHONY: test-fast
test-fast: venv ## Run the tests but the browser and PDF ones, on TESTJOBS processes (2)
	"$$VENVDIR/bin/python" -m pytest -m "not browser and not pdf" -n "$$TESTJOBS" --dist loadfile

.PHONY: lint
lint: venv ## Run every lint check, report all findings as path:line: rule: message
	"$$VENVDIR/bin/python" -m tools.lint --builddir "$$BUILDDIR/lint"

.PHONY: format
format: venv ## Rewrite source/ to fix the Markdown lint findings that can be fixed
	"$$VENVDIR/bin/python" -m tools.typography -- "$$SOURCEDIR"
	@# pymarkdown exits 3 when it fixed a file, which is what was asked. Its
	@# heading-level fix (md001) would change the page: a person decides that.
	"$$VENVDIR/bin/pymarkdown" --config pyproject.toml -d md001 fix -r -- "$$SOURCEDIR" || [ $$? -eq 3 ]

# Git revisions compared by `make redline` and `make check-addresses`, taken
# as written: a branch may be named `a';b` or hold a `$`. make expands nothing
# in them (override ... $(value ...)), and they reach the tools only through
# the environment, never through a recipe's text, so no value reaches a shell.
override BASE := $(value BASE)
override HEAD := $(or $(value HEAD),HEAD)
redline check-addresses: export BASE := $(BASE)
redline check-addresses: export HEAD := $(HEAD)
override REQUIRE_BASE = $(if $(BASE),,$(error BASE is required: make $@ BASE=<git revision> [HEAD=<revision>]))

.PHONY: redline
redline: venv ## Redline of the notices from BASE to HEAD, into _build/redline
	$(REQUIRE_BASE)
	"$$VENVDIR/bin/python" -m tools.redline --base="$$BASE" --head="$$HEAD" --out "$$BUILDDIR/redline"

.PHONY: check-addresses
check-addresses: venv ## Fail if a page or #id that existed at BASE is gone at HEAD
	$(REQUIRE_BASE)
	"$$VENVDIR/bin/python" -m tools.check_addresses --base="$$BASE" --head="$$HEAD"

# A checkout of the MkDocs site that `make import` brings over.
override SRC := $(value SRC)
export SRC

.PHONY: import
import: venv ## Import every page and file of an MkDocs site into source/ (SRC=<checkout>); report in _build/import
	$(if $(SRC),,$(error SRC is required: make import SRC=<checkout of an MkDocs site>))
	"$$VENVDIR/bin/python" -m tools.mkdocs_import --report-dir "$$BUILDDIR/import" -- "$$SRC"

.PHONY: linkcheck
linkcheck: venv ## Check every link and processor URL (network); report in _build/linkcheck/
	set -f; "$$VENVDIR/bin/python" -m tools.linkcheck --builddir "$$BUILDDIR" $$LINKCHECKOPTS

.PHONY: screenshots
screenshots: html ## PNGs of every page (desktop/phone, light/dark) in _build/screenshots
	"$$VENVDIR/bin/python" -m tools.screenshots "$$BUILDDIR/html" "$$BUILDDIR/screenshots"

.PHONY: lock
lock: ## Re-pin requirements.txt from requirements.in, in a scratch environment
	rm -rf -- "$$BUILDDIR/lock-venv"
	set -f; $$PYTHON -m venv "$$BUILDDIR/lock-venv"
	"$$BUILDDIR/lock-venv/bin/python" -m pip install --quiet --requirement requirements.in
	"$$BUILDDIR/lock-venv/bin/python" -m pip freeze --exclude-editable > requirements.txt
	rm -rf -- "$$BUILDDIR/lock-venv"

.PHONY: clean
clean: ## Remove the build output
	rm -rf -- "$$BUILDDIR"

.PHONY: clean-venv
clean-venv: ## Remove the virtual environment
	rm -rf -- "$$VENVDIR"

# Files make might try to remake through the catch-all below: they are sources.
Makefile requirements.txt requirements.in: ;

# Any other target is a Sphinx builder (dirhtml, text, epub, ...). Its name
# is what was typed after `make`: it reaches sphinx-build as BUILDER.
%: export BUILDER = $@
%: venv
	set -f; $$SPHINXBUILD -M "$$BUILDER" "$$SOURCEDIR" "$$BUILDDIR" $(SPHINXFLAGS)
