# circle: developer entry points. `make help` lists them.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

REPO := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
# Tools installed by scripts/tools.sh are linked into .local/bin; cargo may live in ~/.cargo/bin.
export PATH := $(REPO)/.local/bin:$(HOME)/.cargo/bin:$(PATH)

# Kubernetes version the manifests are validated against (kubernetes-validate -k).
K8S_VERSION ?= 1.34.0
K8S_MANIFESTS := $(filter-out k8s/kustomization.yaml,$(wildcard k8s/*.yaml))

# Evaluates the database environment (starting the local Postgres when DATABASE_URL is unset);
# fails the recipe when scripts/db.sh fails.
DB_ENV = db_env="$$(scripts/db.sh up)"; eval "$$db_env"

.PHONY: help run test lint schema schema-check fmt-check clippy buf-lint k8s-validate tools build bench placement-proof db-up db-down db-env db-status clean-db

help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sort | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

run: ## Start the whole suite locally (Postgres, six services); Ctrl-C stops it
	scripts/run.sh

test: ## Run every test against Postgres (local server unless DATABASE_URL is set)
	$(DB_ENV); \
	if cargo nextest --version >/dev/null 2>&1; then \
	  cargo nextest run --workspace --no-fail-fast; \
	else \
	  cargo test --workspace --no-fail-fast; \
	fi

lint: buf-lint fmt-check clippy k8s-validate schema-check ## buf lint, rustfmt, clippy -D warnings, manifests, schema.rs drift

buf-lint: ## Lint proto/ with buf (STANDARD rules)
	scripts/tools.sh buf
	buf lint

fmt-check: ## Check Rust formatting
	cargo fmt --all -- --check

clippy: ## Clippy on every crate and target, warnings are errors
	cargo clippy --workspace --all-targets -- -D warnings

k8s-validate: ## Validate k8s/*.yaml against the Kubernetes schemas
	scripts/tools.sh kubernetes-validate
	kubernetes-validate --strict --quiet -k $(K8S_VERSION) $(K8S_MANIFESTS)
	echo "k8s manifests valid for Kubernetes $(K8S_VERSION): $(notdir $(K8S_MANIFESTS))"

schema: ## Regenerate services/*/src/schema.rs with diesel print-schema
	scripts/schema.sh

schema-check: ## Fail when a services/*/src/schema.rs differs from diesel print-schema
	scripts/schema.sh --check

tools: ## Install grpcurl, buf and kubernetes-validate into .local/bin
	scripts/tools.sh

build: ## Build every crate (debug)
	cargo build --workspace

bench: ## Benchmarks (release): matchmaking vs random and greedy groupings; GetProfile vs bare Echo through the edge; tribe chat, racing joins and discovery over 100k tribes
	cargo bench -p circle-matching --bench matching
	$(DB_ENV); cargo run --release -p circle-e2e --bin profile-bench
	$(DB_ENV); cargo run --release -p circle-e2e --bin tribe-bench

placement-proof: ## Prove the matching benchmark places as many people as any grouping can (1k, 10k, 100k; exact set packing with HiGHS)
	python3 -c 'import highspy' 2>/dev/null || pip install --quiet highspy
	cargo build --release -p circle-matching --example placement_proof
	target/release/examples/placement_proof 1000 1 target/placement-1k.txt && python3 scripts/most_placed.py target/placement-1k.txt
	target/release/examples/placement_proof 10000 3 target/placement-10k.txt && python3 scripts/most_placed.py target/placement-10k.txt
	target/release/examples/placement_proof 100000 6 target/placement-100k.txt && python3 scripts/most_placed.py target/placement-100k.txt

db-up: ## Start/prepare Postgres and print the export lines (eval "$$(make -s db-up)")
	@scripts/db.sh up

db-down: ## Stop the local Postgres
	scripts/db.sh down

db-env: ## Print the database export lines without starting anything
	@scripts/db.sh env

db-status: ## Show the state of the database server, roles and extensions
	scripts/db.sh status

clean-db: ## Stop the local Postgres and delete its data (.local/pg)
	env -u DATABASE_URL scripts/db.sh down
	rm -rf .local/pg
