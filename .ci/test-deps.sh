#!/usr/bin/env bash
# Installs, when we are root on Debian/Ubuntu, the third-party tools the
# test suite uses to check our output (xmllint, plistutil, openssl; nginx
# and Apache httpd run the domain files' web server snippets) and the
# real servers of the integration suite (Dovecot, Postfix, NSD; see
# .ci/realservers.sh, which `make test` starts before the Go tests and
# stops after them). Without root the tests that need them print a SKIP
# line and the rest still runs.
set -u
cd "$(dirname "$0")/.."
pkgs="libxml2-utils libplist-utils openssl nginx-light apache2-bin"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "test-deps: not root on Debian/Ubuntu; tests needing $pkgs or the real servers skip"
	exit 0
fi
missing=""
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
	echo "test-deps: installing$missing"
	{ apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null &&
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $missing >/dev/null; } ||
		echo "test-deps: install failed; dependent tests will skip"
fi
# CI (CI=true) also builds and proves the packages (.ci/package.sh ci):
# Fyne's cgo headers, dpkg-dev (dpkg-shlibdeps), MinGW-w64 and NSIS for
# the Windows build and installer, ImageMagick (the .ico, screenshots),
# Wine, Xvfb and xdotool to run Postino.exe, jq to compare its JSON, and
# the desktop-file and AppStream validators.
if [ "${CI:-}" = true ]; then
	ci_pkgs="gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev
		libxxf86vm-dev libwayland-dev libxkbcommon-dev dpkg-dev gcc-mingw-w64-x86-64 nsis imagemagick
		wine64 wine xvfb xdotool jq desktop-file-utils appstream man-db"
	missing=""
	for p in $ci_pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
	if [ -n "$missing" ]; then
		echo "test-deps: installing for the package checks:$missing"
		t0=$(date +%s)
		{ apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null &&
			DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null; } ||
			echo "test-deps: install failed; the package checks will fail"
		echo "test-deps: package tools installed in $(($(date +%s) - t0)) s"
	fi
fi
# The servers' own packages. A failure here is not fatal: `make test`
# then cannot start the servers either, says so, and their tests print
# one SKIP line each while everything else runs.
bash .ci/realservers.sh install || echo "test-deps: real servers not installed"
exit 0
