#!/usr/bin/env bash
# Installs, when we are root on Debian/Ubuntu, the third-party tools the
# test suite uses to check our output. Without root the tests that need
# them print a SKIP line and the rest still runs.
set -u
pkgs="libxml2-utils libplist-utils openssl"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "test-deps: not root on Debian/Ubuntu; tests needing $pkgs skip when missing"
	exit 0
fi
missing=""
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
	echo "test-deps: installing$missing"
	apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null || echo "test-deps: install failed; dependent tests will skip"
fi
exit 0
