# asyncinfer: every workflow is a target here; `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
# Optional extra index for CPU-only torch on Linux laptops, e.g.
#   make venv TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
TORCH_INDEX_URL ?=
MODEL := worker/model/artifacts/sentiment.pt
ENV ?= dev
PYTEST_ARGS ?=
BENCH_ARGS ?=
PYTEST := $(PY) -m pytest

.PHONY: help venv model up test lint unit integration bench package plan apply preflight policy-lint tf-check clean

help: ## List every target with one line each
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

venv: $(VENV_STAMP) ## Create .venv with the pinned dev, worker and tool dependencies

$(VENV_STAMP): worker/requirements.txt tests/requirements.txt local/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned, so nothing later can pull a CUDA build
	$(PY) -m pip install --quiet $(if $(TORCH_INDEX_URL),--extra-index-url $(TORCH_INDEX_URL)) -r worker/requirements.txt
	$(PY) -m pip install --quiet -r tests/requirements.txt
	$(PY) -m pip install --quiet --no-deps -e local
	$(PY) .ci/link_sources.py
	touch $@

model: $(MODEL) ## Train the demo TorchScript sentiment model (about a minute on 2 cores)

$(MODEL): worker/model/train.py $(wildcard worker/model/sentiment/*.py) | $(VENV_STAMP)
	$(PY) worker/model/train.py --out $(MODEL)

up: $(MODEL) ## Run the whole stack locally: API on 127.0.0.1:8080, AWS endpoint on 127.0.0.1:4566
	$(VENV)/bin/asyncinfer up

test: $(MODEL) ## Lint, then unit, Terraform, packaging, integration tests and the bench smoke run
	$(PYTEST) tests $(PYTEST_ARGS)

lint: $(VENV_STAMP) ## Lint only: ruff, terraform fmt, hadolint, actionlint, checkov
	$(PY) .ci/standin/tfcheck.py --only fmt
	$(PYTEST) tests/lint tests/terraform/test_tf_checkov.py $(PYTEST_ARGS)

unit: $(MODEL) ## Unit tests only (moto in-process, no network)
	$(PYTEST) tests/unit $(PYTEST_ARGS)

integration: $(MODEL) ## HTTP integration tests against a local stack they start on free ports
	$(PYTEST) tests/integration $(PYTEST_ARGS)

bench: $(MODEL) ## Run the benchmarks (about 9 min on 2 cores); writes bench/results/ (JSON, markdown, PNG)
	$(PY) -m bench $(BENCH_ARGS)

package: $(VENV_STAMP) ## Build the enqueue zip (reproducible) into build/ and print its size and sha256
	$(PY) .ci/build_enqueue_zip.py --out build/enqueue.zip

plan: package ## terraform init, validate and plan of ENV=dev|staging|prod, saved to build/plans/
	$(PY) .ci/terraform.py plan $(ENV)

apply: package ## terraform apply of exactly the plan saved by `make plan ENV=...`
	$(PY) .ci/terraform.py apply $(ENV)

preflight: $(VENV_STAMP) ## Before an apply: ENV's reservations fit the account's Lambda quota, its worker image is in ECR
	$(VENV)/bin/asyncinfer preflight --env $(ENV)

policy-lint: $(VENV_STAMP) ## parliament over every IAM policy document of the offline plans (bootstrap, dev, prod)
	$(PYTEST) tests/terraform/test_tf_policy_lint.py $(PYTEST_ARGS)

tf-check: $(VENV_STAMP) ## Offline Terraform: fmt, init/validate/plan of every root, terraform test of every module (stand-in provider)
	$(PY) .ci/standin/tfcheck.py

clean: ## Remove build outputs, the trained model and caches (keeps .venv)
	rm -rf build worker/model/artifacts .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
