# The two commands of the README, and a few more for developers.
#   make demo   — run PatchFit on the bundled example (installs system packages if missing)
#   make test   — run the whole test suite (the command CI runs)

CONFIG ?= release
PATCHFIT = .build/$(CONFIG)/patchfit

.PHONY: demo test build deps bench clean

deps:
	@scripts/install-deps.sh

build: deps
	swift build -c $(CONFIG) --product patchfit

demo: build
	$(PATCHFIT) run Pipelines/demo.yaml
	@echo "Open Reports/demo/index.html (batch) or Reports/demo/cco-1uM/index.html (the recording's report)."

test: deps
	@scripts/install-deps.sh --test
	swift build -c $(CONFIG) --build-tests
	swift test -c $(CONFIG) --skip-build

bench: build
	$(PATCHFIT) bench ingest

clean:
	rm -rf .build
