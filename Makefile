# Common tasks; `make help` lists them.
export GOTOOLCHAIN := local

.PHONY: help dev test test-postgres lint build

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

dev: ## run the whole product with demo data (embedded Temporal, API, worker)
	go run ./cmd/handover dev --demo

test: ## run every test (SQLite; PostgreSQL too when HANDOVER_TEST_POSTGRES_URL is set)
	go test -timeout 30m ./...

test-postgres: ## run every test on SQLite and the local PostgreSQL
	HANDOVER_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable go test -timeout 30m ./...

lint: ## gofmt, go vet and workflowcheck over the workflows
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	go vet ./...
	go tool workflowcheck ./workflows/...

build: ## build the handover binary
	go build -o handover ./cmd/handover
