#!/usr/bin/env bash
# make screenshots: run the real Postino window under Xvfb against the
# loopback demo provider (detect/labtest/demolab: DNS, CA, autoconfig, IMAP,
# SMTP, POP3 on 127.0.0.x) and save PNGs into docs/screenshots/:
#
#   check.png     a finished check (sources, live grid, recommendation)
#   details.png   the Details of one row
#   health.png    the Domain health tab (MX, SPF, DKIM, DMARC, ...)
#   export.png    the export dialog (every format, the profile's options)
#   italiano.png  the same window in Italian (LANG=it_IT.UTF-8)
#   batch.png     the Batch tab after preparing profiles for a small list
#
# `.ci/screenshots.sh bench` (make bench-gui) runs the same window with
# POSTINO_AUTOCHECK against the same lab instead, RUNS times, and prints
# what the window measures of itself (POSTINO_GUI_TIMINGS; see
# docs/performance.md): launch to first frame, the engine's own check
# time and when the window painted the finished check, and the resident
# set size, during the check and BENCH_AFTER (3s) after it, by mapping
# (/proc/PID/smaps: Go heap, C heap, libLLVM, ...); then the same check by
# the command line, for comparison. BENCH_ENV adds variables (GOGC=50).
# The address checked is BENCH_ADDRESS, by default the lab's office
# whose settings are only guessed: a 24-endpoint check (16 answer, 8
# refuse), the one issue 16's targets are about.
#
# Needs root (the lab binds the real ports 993, 465, ... on 127.0.0.x),
# Xvfb, xdotool and ImageMagick:
#   apt-get install -y xvfb xdotool imagemagick   (plus `make system-deps`)
# Nothing leaves the machine: the app's only DNS server is the lab's and
# its only trusted CA is the lab's (POSTINO_DNS, SSL_CERT_FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/demolab.sh

for tool in Xvfb xdotool import; do
	command -v "$tool" >/dev/null || { echo "screenshots: $tool is missing (apt-get install -y xvfb xdotool imagemagick)"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "screenshots: run as root (the demo lab binds real ports on 127.0.0.x)"; exit 1; }

mode=${1:-shots}
out=docs/screenshots
mkdir -p "$out"
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	exec 3>&- 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

echo "screenshots: building (a cold cgo build of Fyne takes a few minutes)"
# The tags every shipped binary has (.ci/app-tags); POSTINO_TAGS= measures
# a build without them.
go build -tags "${POSTINO_TAGS-$(sed '/^#/d; /^$/d' .ci/app-tags | paste -sd, -)}" -o "$work/postino" "${POSTINO_MAIN:-.}"

# The lab serves until fd 3 closes (cleanup).
start_demolab "$work" || { echo "screenshots: the demo lab did not start"; exit 1; }
POSTINO_DNS=$DEMOLAB_DNS
SSL_CERT_FILE=$DEMOLAB_CA

# The first free display from :99 (others may run their own Xvfb).
for n in $(seq 99 140); do
	[ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || { display=:$n; break; }
done
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do xdotool -v >/dev/null 2>&1 && DISPLAY=$display xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done

# run_app LANG THEME CONFIGDIR: start Postino with a clean environment
# (only DISPLAY, a private config dir, the language, the theme variant a
# desktop would choose, and the lab's DNS and CA).
run_app() {
	env -i PATH="$PATH" HOME="$work/home" DISPLAY="$display" XDG_CONFIG_HOME="$3" \
		LANG="$1" LC_ALL="$1" FYNE_THEME="$2" POSTINO_DNS="$POSTINO_DNS" SSL_CERT_FILE="$SSL_CERT_FILE" \
		"$work/postino" >"$work/app.log" 2>&1 &
	app=$!
	pids+=($app)
	wid=$(DISPLAY=$display xdotool search --sync --onlyvisible --name Postino | head -1)
	DISPLAY=$display xdotool windowmove "$wid" 0 0 windowsize "$wid" 900 600
	sleep 2
}

# bench: the window checks the demo address by itself and reports its
# timings on stderr, then quits.
# smaps_breakdown FILE: the resident set of a /proc/PID/smaps copy by
# what holds it, in MB, largest first. go-heap is Go's heap arenas (the
# window writes an address on its heap first: Go randomises where the
# heap lives); [heap] is C's malloc (Mesa's, mostly);
# other anonymous mappings are C's large mallocs, thread stacks and Go's
# runtime metadata; files are named.
smaps_breakdown() {
	awk '
		/^go-heap-hint / { hint = $2; next }
		/^[0-9a-f]+-[0-9a-f]+ / {
			addr = $1; sub(/-.*/, "", addr); name = (NF >= 6) ? $6 : ""
			# Anonymous mappings in the 4 GB around an address on the Go
			# heap (same hex digits but the last 8) are its arenas.
			if (name == "") key = (length(addr) == length(hint) && substr(addr, 1, length(addr) - 8) == substr(hint, 1, length(hint) - 8)) ? "go-heap" : "anon-other"
			else if (name == "[heap]") key = "c-heap-brk"
			else if (name ~ /^\[/) key = name
			else { n = split(name, p, "/"); key = p[n] }
			next
		}
		/^Rss:/ { rss[key] += $2; total += $2 }
		END {
			for (k in rss) if (rss[k] >= 1024) printf "%s=%.1f\n", k, rss[k] / 1024
			printf "TOTAL=%.1f\n", total / 1024
		}' "$1" | sort -t= -k2 -rn | tr '\n' ' '
	echo
}

if [ "$mode" = bench ]; then
	mkdir -p "$work/home/.cache"
	for i in $(seq "${RUNS:-3}"); do
		cfg=$(mktemp -d -p "$work")
		launch=$(date +%s%3N)
		env -i PATH="$PATH" HOME="$work/home" DISPLAY="$display" XDG_CONFIG_HOME="$cfg" LANG=en_US.UTF-8 \
			POSTINO_DNS="$POSTINO_DNS" SSL_CERT_FILE="$SSL_CERT_FILE" \
			POSTINO_AUTOCHECK="${BENCH_ADDRESS:-anna@ufficio-bianchi.it}" POSTINO_GUI_TIMINGS="$launch" \
			POSTINO_GUI_SMAPS="$work/smaps" POSTINO_GUI_AFTER="${BENCH_AFTER:-3s}" ${BENCH_ENV:-} \
			timeout 60 "$work/postino" >"$work/bench.out" 2>"$work/bench.err" || true
		grep '^bench-gui' "$work/bench.err" || { cat "$work/bench.err"; echo "bench-gui: run $i reported nothing"; exit 1; }
		for when in first-frame during after; do
			[ ! -f "$work/smaps.$when" ] || echo "bench-gui rss_mb_by_mapping($when): $(smaps_breakdown "$work/smaps.$when")"
		done
	done
	start=$(date +%s%N)
	env -i PATH="$PATH" HOME="$work/home" POSTINO_DNS="$POSTINO_DNS" SSL_CERT_FILE="$SSL_CERT_FILE" \
		"$work/postino" check "${BENCH_ADDRESS:-anna@ufficio-bianchi.it}" >/dev/null 2>&1 || true
	echo "bench-gui cli_check_ms=$(( ($(date +%s%N) - start) / 1000000 )) (postino check, whole process)"
	exit 0
fi

# type_and_check ADDRESS PASSWORD: the address entry has focus at start;
# with no recent address yet its drop-down button is disabled (skipped
# by Tab), so one Tab reaches the password.
type_and_check() {
	DISPLAY=$display xdotool type --delay 20 "$1"
	DISPLAY=$display xdotool key Tab
	DISPLAY=$display xdotool type --delay 20 "$2"
	DISPLAY=$display xdotool key Return
	sleep "${SETTLE:-8}" # the whole check takes about a second on loopback
}

shot() { DISPLAY=$display import -window "$wid" "$out/$1"; echo "screenshots: $out/$1"; }

# click X Y: window-relative click.
click() { DISPLAY=$display xdotool mousemove --window "$wid" "$1" "$2" click 1; sleep 1; }

mkdir -p "$work/home/.cache" "$work/cfg-en" "$work/cfg-it"

run_app en_US.UTF-8 light "$work/cfg-en"
type_and_check mario@studio-rossi.it demo-password
shot check.png
click "${ROW_X:-250}" "${ROW_Y:-485}" # the POP3 row with the expired certificate
shot details.png
click "${HEALTH_TAB_X:-175}" "${HEALTH_TAB_Y:-110}" # the Domain health tab, prefilled with the domain
click "${HEALTH_ENTRY_X:-300}" "${HEALTH_ENTRY_Y:-192}"
DISPLAY=$display xdotool key Return
sleep "${SETTLE:-8}"
shot health.png
click "${CHECK_TAB_X:-45}" "${CHECK_TAB_Y:-110}"   # back to the finished check
click "${EXPORT_X:-762}" "${EXPORT_Y:-65}"         # Export…
sleep 2
shot export.png
kill "$app"; wait "$app" 2>/dev/null || true

run_app it_IT.UTF-8 dark "$work/cfg-it"
type_and_check mario@studio-rossi.it demo-password
shot italiano.png
kill "$app"; wait "$app" 2>/dev/null || true

# The Batch tab: a list with three users at the demo provider, one at a
# domain without mail, a bad row and a duplicate.
printf 'email;nome;lingua\nmario@studio-rossi.it;Mario Rossi;it\nanna.bianchi@studio-rossi.it;Anna Bianchi;it\nluca@studio-rossi.it;Luca Verdi;en\ngiulia@esempio-chiuso.it;Giulia;it\nnon-un-indirizzo;;\nmario@studio-rossi.it;;\n' >"$work/utenti.csv"
mkdir -p "$work/cfg-batch"
run_app en_US.UTF-8 light "$work/cfg-batch"
click "${BATCH_TAB_X:-290}" "${BATCH_TAB_Y:-110}"
click "${BATCH_LIST_X:-400}" "${BATCH_LIST_Y:-155}"
DISPLAY=$display xdotool type --delay 10 "$work/utenti.csv"
DISPLAY=$display xdotool key Return
sleep 1
click "${BATCH_RUN_X:-80}" "${BATCH_RUN_Y:-535}"
sleep "${SETTLE:-8}"
shot batch.png
kill "$app"; wait "$app" 2>/dev/null || true
