# Confidence Med Spa assistant. `make run` sets up everything and starts the assistant; `make test` runs the tests.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false
ACTION_PORT ?= 5055
RASA_PORT ?= 5005
WEB_PORT ?= 8000

.PHONY: setup run train shell validate crossval test test-fast lint clean spacy

# Python 3.10: the pinned .python-version through pyenv, else python3.10 on PATH.
PYTHON310 := $(shell pyenv root >/dev/null 2>&1 && ls -d "$$(pyenv root)/versions/$$(cat .python-version)/bin/python" 2>/dev/null || ls -d $$HOME/.pyenv/versions/3.10.*/bin/python 2>/dev/null | tail -1 || command -v python3.10)

$(VENV)/.installed: requirements.txt
	@if [ -z "$(PYTHON310)" ]; then echo "Python 3.10 is needed (Rasa 3.6 supports 3.8-3.10): install it with 'pyenv install 3.10' or put python3.10 on PATH." >&2; exit 1; fi
	@test -d $(VENV) || $(PYTHON310) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip==24.0
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

build/spacy-clinic/meta.json: $(VENV)/.installed data/clinic.yml bot/nlp/spacy_pipeline.py
	$(PY) -m bot build-spacy

setup: $(VENV)/.installed build/spacy-clinic/meta.json

spacy: build/spacy-clinic/meta.json

# Rasa retrains only what changed since the last model (and nothing when nothing did).
train: setup
	$(RASA) train --fixed-model-name clinic --out models

validate: setup
	$(RASA) data validate --fail-on-warnings

run: train
	@echo "Action server :$(ACTION_PORT), Rasa :$(RASA_PORT) (REST + Socket.IO). Ctrl-C stops both."
	@trap 'kill 0' EXIT INT TERM; \
	$(RASA) run actions --actions actions --port $(ACTION_PORT) & \
	$(RASA) run --enable-api --cors "*" --port $(RASA_PORT) --model models/clinic.tar.gz & \
	wait

shell: train
	@trap 'kill 0' EXIT INT TERM; \
	$(RASA) run actions --actions actions --port $(ACTION_PORT) >/dev/null 2>&1 & \
	$(RASA) shell --model models/clinic.tar.gz

crossval: setup
	$(RASA) test nlu --cross-validation --folds 5 --nlu data/nlu --out results/crossval
	$(PY) -m bot nlu-report results/crossval > docs/nlu-report.md

lint: setup
	$(VENV)/bin/ruff check bot actions tests benchmarks

test: validate train
	$(RASA) test core --model models/clinic.tar.gz --stories tests/stories --fail-on-prediction-errors --out results/core
	$(VENV)/bin/pytest -q

clean:
	rm -rf $(VENV) build models results .rasa
