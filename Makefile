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
	@[ -d ../shared/data ] || { echo "make test: the tests read the public recordings in ../shared/data, beside this repository; there is none at $$(cd .. && pwd)/shared/data" >&2; exit 1; }
	@scripts/install-deps.sh --test
	swift build -c $(CONFIG) --build-tests
	swift test -c $(CONFIG) --skip-build

bench: build
	$(PATCHFIT) bench ingest

clean:
	rm -rf .build
