# Postino — make targets. See README.md and docs/testing.md.
#
#   make run    install the system packages Fyne needs (when root/sudo) and start the app
#   make test   vet, gofmt, every test with the race detector against real
#               Dovecot/Postfix/NSD when root on Debian, a short fuzz pass, and
#               with CI=true every package built once and proven: the .deb
#               installed and run, Postino.exe and its installer under Wine
#   make package-linux | package-deb | package-windows | package-macos
#               dist/Postino.tar.xz | dist/postino_VERSION_amd64.deb |
#               dist/Postino.exe + dist/Postino-setup-VERSION.exe |
#               dist/Postino-VERSION.dmg (on a Mac); see README, Packages

GO        ?= go
TAGS_TEST ?= ci
FYNE_DEPS  = gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
             libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev
GOFILES    = $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go')

.PHONY: run build test vet fmt-check unit bench fuzz fuzz-smoke screenshots bench-gui system-deps test-deps \
        realservers-start realservers-stop \
        package-linux package-deb package-windows package-macos clean

# The app's build tags live in .ci/app-tags (why each), read by the
# packages and the screenshots too: every binary shipped is the one run.
TAGS_APP  ?= $(shell sed '/^\#/d; /^$$/d' .ci/app-tags | paste -sd, -)

run: system-deps
	$(GO) run -tags $(TAGS_APP) .

build:
	$(GO) build -tags $(TAGS_APP) -o bin/postino .

# system-deps installs what a cgo build of Fyne needs, only when missing,
# and only when we may (root, or sudo without a password prompt).
system-deps:
	@missing=""; for p in $(FYNE_DEPS); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if ! command -v apt-get >/dev/null; then echo "Please install:$$missing"; exit 1; fi; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; \
		elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
		else echo "Missing system packages:$$missing — run 'sudo make run' once, or install them yourself."; exit 1; fi; \
		echo "Installing:$$missing"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# test-deps installs the tools the suite uses to cross-check our output
# (xmllint, plistutil, openssl) and the real servers of the integration
# suite (Dovecot, Postfix, NSD), when running as root on Debian/Ubuntu.
# Elsewhere those tests print one SKIP line each.
test-deps:
	@bash .ci/timed.sh test-deps bash .ci/test-deps.sh

vet:
	@bash .ci/timed.sh vet $(GO) vet -tags $(TAGS_TEST) ./...

fmt-check:
	@out="$$(gofmt -l $(GOFILES))"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

unit:
	$(GO) test -race -tags $(TAGS_TEST) -count=1 ./...

# test: the real servers run only around the Go tests and are stopped by
# the trap whether the tests pass, fail or are interrupted. Servers that
# cannot start (no root, no apt, a broken mirror) do not stop the suite:
# their tests print one SKIP line each. After the unit tests every fuzz
# target runs briefly on its seed corpus (fuzz-smoke). In CI (CI=true) the
# packages are built last (.ci/package.sh ci): each binary once, then the
# tarball, the .deb and the Windows installer from it, then the .deb is
# installed and run (.ci/check-deb.sh) and Postino.exe and its installer
# run under Wine (.ci/check-wine.sh), so a change that breaks a real
# build or a package fails CI. Each step prints its time.
test: test-deps vet fmt-check
	@trap 'bash .ci/realservers.sh stop' EXIT; trap 'exit 130' INT TERM; \
	bash .ci/timed.sh realservers bash .ci/realservers.sh start || echo "realservers: not started; the real-server tests will SKIP"; \
	bash .ci/timed.sh unit $(MAKE) --no-print-directory unit && \
	bash .ci/timed.sh fuzz-smoke $(MAKE) --no-print-directory fuzz-smoke
	@if [ "$$CI" = true ]; then bash .ci/timed.sh packages bash .ci/package.sh ci; fi

realservers-start:
	@bash .ci/realservers.sh start

realservers-stop:
	@bash .ci/realservers.sh stop

bench:
	$(GO) test -tags $(TAGS_TEST) -run '^$$' -bench . -benchtime 1x ./detect/...

FUZZTIME ?= 60s
fuzz:
	@bash .ci/fuzz.sh $(FUZZTIME)

fuzz-smoke:
	@bash .ci/fuzz.sh 3s

screenshots:
	@bash .ci/screenshots.sh

# bench-gui: the real window under Xvfb against the demo lab (same script
# as screenshots): first frame, engine vs window check time, RSS.
bench-gui:
	@bash .ci/screenshots.sh bench

# Packages go to dist/. None of them writes FyneApp.toml or anything
# else in the tree (.ci/package.sh checks).
package-linux: system-deps
	@bash .ci/package.sh linux

package-deb: system-deps
	@bash .ci/package.sh deb

package-windows:
	@bash .ci/package.sh windows

package-macos:
	@bash .ci/package.sh macos

clean:
	rm -rf bin dist
