# Two commands on a fresh machine: `make run` (the local stack) and `make test` (every test).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test demo bench lint-template clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "pip==26.2.1"
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m chalicelib.local run

test: $(STAMP)
	$(PY) -m pytest -q
	$(MAKE) lint-template

demo: $(STAMP)
	$(PY) -m chalicelib.local demo

bench: $(STAMP)
	$(PY) bench/checkout_bench.py
	$(PY) bench/streams_bench.py

# Package the app with the infra/ resources merged in and validate the CloudFormation with cfn-lint.
lint-template: $(STAMP)
	$(PY) infra/build_resources.py --check
	rm -rf build/package
	AWS_DEFAULT_REGION=us-east-1 $(VENV)/bin/chalice package --stage dev --merge-template infra/resources.json build/package
	$(VENV)/bin/cfn-lint build/package/sam.json

clean:
	rm -rf $(VENV) build .pytest_cache
