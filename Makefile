# Two commands on a fresh machine: `make run` (the local stack) and `make test` (every test).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
FONT   := chalicelib/assets/poster-font.otf
# System packages: the CJK font the poster font is cut from, and zbar to decode QR codes in tests.
NOTO   := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
ZBAR   := /usr/lib/$(shell uname -m)-linux-gnu/libzbar.so.0

.PHONY: run test demo bench lint-template clean

$(NOTO) $(ZBAR):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk libzbar0

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "pip==26.2.1"
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# The poster font: a fontTools subset of Noto Sans CJK SC, small enough for the Lambda bundle.
$(FONT): infra/build_font.py | $(STAMP) $(NOTO)
	$(PY) infra/build_font.py

run: $(STAMP) $(FONT)
	$(PY) -m chalicelib.local run

test: $(STAMP) $(FONT) $(ZBAR)
	$(PY) -m pytest -q
	$(MAKE) lint-template

demo: $(STAMP) $(FONT)
	$(PY) -m chalicelib.local demo

bench: $(STAMP) $(FONT)
	$(PY) bench/checkout_bench.py
	$(PY) bench/streams_bench.py
	$(PY) bench/poster_bench.py

# Package the app with the infra/ resources merged in and validate the CloudFormation with cfn-lint.
lint-template: $(STAMP) $(FONT)
	$(PY) infra/build_resources.py --check
	rm -rf build/package
	AWS_DEFAULT_REGION=us-east-1 $(VENV)/bin/chalice package --stage dev --merge-template infra/resources.json build/package
	$(VENV)/bin/cfn-lint build/package/sam.json

clean:
	rm -rf $(VENV) build .pytest_cache $(FONT) chalicelib/assets/poster-font.chars
