#!/usr/bin/env bash
# check-wine.sh LINUX_BINARY POSTINO_EXE SETUP_EXE: proves the Windows
# build works, by running the real Postino.exe under Wine (Debian's wine64)
# against the hermetic demo lab (detect/labtest/demolab, loopback only):
#
#   0. the network layer's Windows-specific tests pass on Windows' own
#      sockets (Winsock error codes, DNS falling back to TCP when UDP
#      fails: it does fail under Wine 8);
#   1. `Postino.exe version` runs and names the same version and commit
#      as the Linux binary;
#   2. `Postino.exe detect --json` and `check --json` print the same JSON
#      as the Linux binary against the same lab, once the timings
#      (*_ms, *_at) are removed;
#   3. the window opens under Xvfb, runs a check of the lab's address on
#      its own (POSTINO_AUTOCHECK) and a screenshot shows it rendered
#      (dist/wine-window.png, many colours, not a blank frame);
#   4. the installer installs silently per user (/S /CurrentUser) and for
#      all users (/S /AllUsers): program, uninstaller, Start-menu shortcut
#      and the "Apps & features" registry entry are there, the installed
#      program runs; its uninstaller (/S) removes all of them again.
#
# Called by `.ci/package.sh ci` (make test with CI=true) with the binaries
# it built. Needs root (the lab binds real ports on 127.0.0.x), and
# installs wine64, Xvfb, xdotool, ImageMagick, jq and MinGW when missing.
#
# Wine 8.0 lacks ProcessPrng in bcryptprimitives.dll, which every Go >=
# 1.22 Windows binary needs at start; a test-only DLL built here from
# .ci/wine/bcryptprimitives.c supplies it (into the throw-away prefix
# only). Go's Windows UDP socket setup fails under Wine 8 (WSAEOPNOTSUPP
# on an ioctl), so DNS reaches the lab through Postino's TCP fallback.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/demolab.sh
linux_bin=${1:?usage: check-wine.sh LINUX_BINARY POSTINO_EXE SETUP_EXE}
exe=${2:?}
setup=${3:?}
for f in "$linux_bin" "$exe" "$setup"; do [ -f "$f" ] || { echo "wine: $f is missing (run .ci/package.sh first)"; exit 1; }; done
[ "$(id -u)" = 0 ] || { echo "wine: run as root (the demo lab binds real ports on 127.0.0.x)"; exit 1; }

deps="wine64 wine xvfb xdotool imagemagick jq gcc-mingw-w64-x86-64"
missing=""
for p in $deps; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
	echo "wine: installing$missing"
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
fi

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	WINEPREFIX=$work/prefix wineserver -k 2>/dev/null || true
	exec 3>&- 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# step NAME COMMAND...: run and say how long it took.
step() {
	local name=$1 t0
	shift
	t0=$(date +%s%N)
	"$@"
	local ms=$((($(date +%s%N) - t0) / 1000000))
	printf 'wine: %-26s %4d.%d s\n' "$name" $((ms / 1000)) $((ms % 1000 / 100))
}
fail() { echo "wine: FAIL: $*"; exit 1; }

imagemagick() {
	local c
	for c in magick convert-im6.q16 /usr/bin/convert; do
		command -v "$c" >/dev/null && { "$c" "$@"; return; }
	done
	return 1
}

display=:99
POSTINO_DNS="" # set once the lab runs
CA=""
user=$(id -un) # Wine names the Windows profile after the Unix account
# Wine with a clean environment: only what a desktop session would set,
# DISPLAY, and the lab's DNS (the CA comes with --ca-file: on Windows
# SSL_CERT_FILE does nothing).
winerun() {
	env -i PATH="$PATH" HOME="$work/home" USER="$user" DISPLAY="$display" \
		WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n" \
		POSTINO_DNS="$POSTINO_DNS" "$@"
}

prefix() {
	mkdir -p "$work/home"
	x86_64-w64-mingw32-gcc -O2 -shared -s -o "$work/bcryptprimitives.dll" \
		.ci/wine/bcryptprimitives.c .ci/wine/bcryptprimitives.def -ladvapi32
	winerun wineboot -i >"$work/wineboot.log" 2>&1
	winerun wineserver -w
	cp "$work/bcryptprimitives.dll" "$work/prefix/drive_c/windows/system32/"
}

lab() {
	start_demolab "$work" || fail "the demo lab did not start"
	POSTINO_DNS=$DEMOLAB_DNS
	CA=$DEMOLAB_CA
	cp "$CA" "$work/prefix/drive_c/lab-ca.pem"
}

xvfb() {
	Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 50); do DISPLAY=$display xdotool getmouselocation >/dev/null 2>&1 && return; sleep 0.1; done
	fail "Xvfb did not start"
}

# network_tests: the network package's tests that matter on Windows,
# cross-compiled (pure Go, seconds) and run under Wine. Not the whole
# package: under Wine 8 no UDP socket can be opened, so the lab's DNS
# server cannot start in-process.
network_tests() {
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$work/network.test.exe" ./detect/network
	winerun wine "$work/network.test.exe" -test.v -test.count=1 \
		-test.run '^(TestWinsockDialErrorsAreClassified|TestRefusedPortIsRefusedOnWindows|TestDNSFallsBackToTCPWhenUDPFails)$' \
		>"$work/network.test.log" 2>&1 || { cat "$work/network.test.log"; fail "the network tests failed under Wine"; }
	grep -c -- '--- PASS' "$work/network.test.log" | xargs printf 'wine: network tests under Wine: %s passed\n'
}

version() {
	local lv wv
	lv=$("$linux_bin" --version)
	wv=$(winerun wine "$exe" --version | tr -d '\r') || fail "Postino.exe --version did not run"
	echo "wine: linux   $lv"
	echo "wine: windows $wv"
	# Same version and commit; the platform differs, of course.
	[ "${lv%%, *}" = "${wv%%, *}" ] || fail "the two builds disagree on version or commit"
	[[ $wv == *windows/amd64* ]] || fail "Postino.exe does not say windows/amd64"
}

# normalise FILE: the JSON without what differs from run to run
# (timings: every *_ms and *_at field) and what each operating system
# words its own way: the path of the local override directory
# (%APPDATA%\postino\isp vs ~/.config/postino/isp) and the system's
# message after a socket call ("connect: connection refused" vs
# "connectex: Connection refused."); the error_code beside it must match.
normalise() {
	jq -S 'walk(
		if type == "object" then
			with_entries(select(.key | test("_(ms|at)$") | not))
			| if .trust == "local" and (.url | type) == "string" then .url |= sub(".*[\\\\/]"; "LOCAL-DIR/") else . end
		elif type == "string" then sub("(connect|connectex): [^:]*$"; "connect: SYSTEM-MESSAGE")
		else . end)' "$1"
}

# same_json NAME ARGS...: run ARGS with both binaries, compare. Wine's
# socket emulation now and then fails a call Windows would not
# ("wsasend: winapi error #10038", not a socket): such a run is Wine's,
# so it is said and run once more; any other difference fails at once.
same_json() {
	if same_json_once "$@"; then
		return
	fi
	grep -q 'winapi error' "$work/$1.windows.json" "$work/$1.windows.err" || fail "$1: Postino.exe printed other JSON than the Linux build"
	echo "wine: $1: Wine's sockets failed a call ($(cat "$work/$1.windows.json" "$work/$1.windows.err" | grep -o 'winapi error #[0-9]*' | sort -u | tr '\n' ' ')); once more"
	same_json_once "$@" || fail "$1: Postino.exe printed other JSON than the Linux build"
}

# same_json_once NAME ARGS...: one comparison; returns 1 when the JSON
# differs (after printing the difference), fails on anything else.
same_json_once() {
	local name=$1 lcode=0 wcode=0
	shift
	env -i PATH="$PATH" HOME="$work/home" POSTINO_DNS="$POSTINO_DNS" \
		"$linux_bin" "$@" --ca-file "$CA" >"$work/$name.linux.json" 2>"$work/$name.linux.err" || lcode=$?
	winerun wine "$exe" "$@" --ca-file 'C:\lab-ca.pem' >"$work/$name.windows.json" 2>"$work/$name.windows.err" || wcode=$?
	normalise "$work/$name.linux.json" >"$work/$name.linux.norm" || { cat "$work/$name.linux.err"; fail "$name: the Linux output is not JSON"; }
	normalise "$work/$name.windows.json" >"$work/$name.windows.norm" || { cat "$work/$name.windows.err"; fail "$name: the Windows output is not JSON"; }
	if [ "$lcode" != "$wcode" ]; then
		grep -q 'winapi error' "$work/$name.windows.json" "$work/$name.windows.err" && return 1
		fail "$name: exit $lcode on Linux, $wcode under Wine"
	fi
	[ "$lcode" = 0 ] || fail "$name: exit $lcode (want 0)"
	if ! diff -u "$work/$name.linux.norm" "$work/$name.windows.norm" >"$work/$name.diff"; then
		head -60 "$work/$name.diff"
		return 1
	fi
	echo "wine: $name --json: identical to the Linux build ($(wc -l <"$work/$name.linux.norm") lines, timings removed)"
}

window() {
	winerun POSTINO_AUTOCHECK=mario@studio-rossi.it POSTINO_CA_FILE='C:\lab-ca.pem' \
		wine "$exe" >"$work/window.log" 2>&1 &
	pids+=($!)
	local wid
	wid=$(DISPLAY=$display timeout 60 xdotool search --sync --onlyvisible --name Postino | head -1) || {
		echo "wine: the window's output:"
		tail -40 "$work/window.log"
		fail "no Postino window appeared within 60 s"
	}
	sleep 10 # the window renders, the check against the lab finishes
	DISPLAY=$display import -window "$wid" dist/wine-window.png
	local colours
	colours=$(imagemagick dist/wine-window.png -format '%k' info:)
	echo "wine: window screenshot dist/wine-window.png, $colours colours"
	# A blank or black frame has one or two colours; text, icons and
	# anti-aliasing give hundreds.
	[ "$colours" -ge 100 ] || fail "the window looks blank ($colours colours)"
	winerun wine taskkill /f /im Postino.exe >/dev/null 2>&1 || true
	winerun wineserver -w
}

# installed MODE: the install of MODE (CurrentUser or AllUsers) is there.
installed() {
	local mode=$1 dir hive menu
	case $mode in
	CurrentUser)
		dir="$work/prefix/drive_c/users/$user/AppData/Local/Programs/Postino"
		menu="$work/prefix/drive_c/users/$user/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Postino.lnk"
		hive=HKCU
		;;
	AllUsers)
		dir="$work/prefix/drive_c/Program Files/Postino"
		menu="$work/prefix/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/Postino.lnk"
		hive=HKLM
		;;
	esac
	INSTALLED_DIR=$dir
	INSTALLED_MENU=$menu
	INSTALLED_KEY="$hive\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\io.github.postino_mail.postino"
}

install_and_uninstall() {
	local mode=$1 win_dir reg
	installed "$mode"
	winerun wine "$setup" /S "/$mode" >"$work/setup.log" 2>&1 || fail "/S /$mode: the installer failed"
	winerun wineserver -w
	for f in Postino.exe Uninstall.exe LICENSE.txt; do
		[ -f "$INSTALLED_DIR/$f" ] || fail "/$mode: $INSTALLED_DIR/$f was not installed"
	done
	[ -f "$INSTALLED_MENU" ] || fail "/$mode: no Start-menu shortcut at $INSTALLED_MENU"
	reg=$(winerun wine reg query "$INSTALLED_KEY" 2>/dev/null | tr -d '\r')
	for want in "DisplayName.*Postino" "DisplayVersion.*$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)" \
		"Publisher.*Postino authors" "UninstallString.*Uninstall.exe" "QuietUninstallString.*/S" "DisplayIcon.*Postino.exe"; do
		grep -q "$want" <<<"$reg" || { echo "$reg"; fail "/$mode: the Apps & features entry lacks $want"; }
	done
	winerun wine "$INSTALLED_DIR/Postino.exe" version | grep -q '^postino ' || fail "/$mode: the installed Postino.exe does not run"
	echo "wine: /S /$mode installed $(du -sh "$INSTALLED_DIR" | cut -f1) in ${INSTALLED_DIR#"$work/prefix/"}, shortcut and Apps & features entry present"

	# Uninstall as deployment tools do: run the registered QuietUninstallString.
	local quiet exe_path args
	quiet=$(sed -n 's/^ *QuietUninstallString *REG_SZ *//p' <<<"$reg")
	[[ $quiet =~ ^\"([^\"]+)\"\ (.*)$ ]] || fail "/$mode: cannot read QuietUninstallString '$quiet'"
	exe_path=${BASH_REMATCH[1]}
	args=${BASH_REMATCH[2]}
	# shellcheck disable=SC2086 # the registered arguments, e.g. /CurrentUser /S
	winerun wine "$exe_path" $args >"$work/uninstall.log" 2>&1 || fail "/$mode: the uninstaller failed"
	winerun wineserver -w # the uninstaller re-runs itself from a temporary copy
	[ ! -e "$INSTALLED_DIR" ] || { ls -la "$INSTALLED_DIR"; fail "/$mode: $INSTALLED_DIR is still there after uninstalling"; }
	[ ! -e "$INSTALLED_MENU" ] || fail "/$mode: the Start-menu shortcut is still there after uninstalling"
	! winerun wine reg query "$INSTALLED_KEY" >/dev/null 2>&1 || fail "/$mode: the Apps & features entry is still there"
	echo "wine: /S uninstall removed program, shortcut and Apps & features entry"
}

t0=$(date +%s)
step "wine prefix" prefix
step "demo lab" lab
step "xvfb" xvfb
step "network tests" network_tests
step "version" version
step "detect --json" same_json detect detect mario@studio-rossi.it --json
step "check --json" same_json check check mario@studio-rossi.it --json
step "window" window
step "installer per user" install_and_uninstall CurrentUser
step "installer all users" install_and_uninstall AllUsers
echo "wine: all Windows checks passed in $(($(date +%s) - t0)) s"
