# Quizroom. `make run` starts the server on :8080; `make test` runs the whole suite.
GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
PKGS        := ./...

.PHONY: run test deps bench lint fmt bank vet

# Built, then run in the recipe's place (exec): Ctrl+C reaches the server,
# which drains and stops cleanly, and make reports no error for it (go run
# exits 1 when interrupted, whatever its program did).
run:
	$(GO) build -o bin/quizroom ./cmd/quizroom
	exec ./bin/quizroom serve $(ARGS)

# The whole suite: vet, then every test under the race detector. Browser tests
# need chromium and integration tests redis-server: `deps` installs them with
# apt-get when they are missing.
test: deps vet
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

deps:
	@.ci/deps

vet:
	$(GO) vet $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./game/...
	$(GO) run ./cmd/quizload bench -out docs/benchmarks.md

# lint fails when go.mod/go.sum are not what `go mod tidy` makes of them: the
# require block is how a reader sees which libraries the project chose.
lint: vet
	$(GO) mod tidy -diff
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "not gofmt-formatted:"; echo "$$unformatted"; exit 1; fi
	$(GO) run $(STATICCHECK) $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

# Regenerates the embedded default bank from the seed notes and the overlay.
bank:
	$(GO) run ./cmd/quizroom bank build -o game/bank/default/bank.json game/bank/default/backend-interview-questions.txt game/bank/default/overlay.json
