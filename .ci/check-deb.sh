#!/usr/bin/env bash
# check-deb.sh DEB: proves the Debian package, as a person would use it:
# installs it with apt (which pulls in the libraries it declares), runs
# `postino --version` and `postino check --json` against the hermetic demo
# lab (detect/labtest/demolab, loopback only), validates the desktop entry
# (desktop-file-validate) and the AppStream metainfo (appstreamcli
# validate --no-net), checks the icons and the man page, then removes it
# and checks that nothing of it is left.
#
# Called by `.ci/package.sh ci` (make test with CI=true) with the package
# it built. Needs root on Debian/Ubuntu.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/demolab.sh
deb=${1:?usage: check-deb.sh dist/postino_VERSION_amd64.deb}
[ -f "$deb" ] || { echo "deb: $deb is missing (run .ci/package.sh deb first)"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "deb: run as root (apt-get install, and the demo lab binds real ports)"; exit 1; }
fail() { echo "deb: FAIL: $*"; exit 1; }
apt() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -qq "$@"; }

missing=""
for p in desktop-file-utils appstream jq man-db; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
	echo "deb: installing$missing"
	apt update >/dev/null
	apt install --no-install-recommends $missing >/dev/null
fi

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	exec 3>&- 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

appid=io.github.postino_mail.postino
version=$(dpkg-deb -f "$deb" Version)
echo "deb: $(basename "$deb"): Depends: $(dpkg-deb -f "$deb" Depends)"
# From a clean state: an earlier install of the same version would make
# apt-get skip this one.
! dpkg -s postino >/dev/null 2>&1 || apt purge postino >/dev/null
apt install "./$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "apt-get install ./$deb failed"; }
dpkg -s postino | grep -q "^Status: install ok installed" || fail "postino is not installed"

out=$(postino --version)
echo "deb: $out"
[[ $out == "postino $version (commit "* ]] || fail "postino --version says '$out', want version $version and a commit"
[ "$(postino version)" = "$out" ] || fail "postino version and postino --version differ"

# The program the package installed, against the lab.
start_demolab "$work" || fail "the demo lab did not start"
dns=$DEMOLAB_DNS
ca=$DEMOLAB_CA
code=0
env -i PATH=/usr/bin:/bin HOME="$work" POSTINO_DNS="$dns" \
	postino check --json --ca-file "$ca" mario@studio-rossi.it >"$work/check.json" 2>"$work/check.err" || code=$?
[ "$code" = 0 ] || { cat "$work/check.err"; fail "postino check --json exited $code"; }
jq -e '(.probes | length) > 0 and .recommended != null' "$work/check.json" >/dev/null ||
	fail "postino check --json printed no probes or no recommendation"
echo "deb: postino check --json against the lab: exit 0, $(jq '.probes | length' "$work/check.json") endpoints probed"

desktop-file-validate "/usr/share/applications/$appid.desktop" || fail "desktop-file-validate"
echo "deb: desktop-file-validate: ok"
appstreamcli validate --no-net "/usr/share/metainfo/$appid.metainfo.xml" || fail "appstreamcli validate --no-net"
for size in 16 32 48 64 128 256 512; do
	[ -f "/usr/share/icons/hicolor/${size}x${size}/apps/$appid.png" ] || fail "no ${size}x${size} icon"
done
man -w postino >/dev/null || fail "man postino: no page"
MANWIDTH=80 man -P cat postino 2>/dev/null | grep -q -- "--ca-file" || fail "the man page does not describe --ca-file"
echo "deb: icons in 7 hicolor sizes, man page present"

files=$(dpkg -L postino | grep -v '/$' || true)
apt purge postino >"$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "apt-get purge postino failed"; }
! dpkg -s postino >/dev/null 2>&1 || fail "postino is still installed"
left=""
while IFS= read -r f; do [ ! -f "$f" ] || left="$left $f"; done <<<"$files"
[ -z "$left" ] || fail "files left after removal:$left"
echo "deb: removed cleanly ($(wc -l <<<"$files") paths gone)"
