# Sourced by .ci/screenshots.sh and .ci/check-wine.sh.
#
# start_demolab WORK: builds detect/labtest/demolab and starts it; it
# serves until fd 3 (kept open here, a pipe to its stdin) closes. Sets
# DEMOLAB_DNS (the lab's DNS server, for POSTINO_DNS) and DEMOLAB_CA (its
# CA file) and adds the lab's pid to the caller's pids array. Returns 1,
# with the lab's error output, when it does not start.
start_demolab() {
	local work=$1
	go build -o "$work/demolab" ./detect/labtest/demolab || return 1
	mkfifo "$work/lab.in"
	"$work/demolab" <"$work/lab.in" >"$work/lab.env" 2>"$work/lab.err" &
	pids+=($!)
	exec 3>"$work/lab.in"
	for _ in $(seq 100); do grep -q READY "$work/lab.env" 2>/dev/null && break; sleep 0.1; done
	grep -q READY "$work/lab.env" || { cat "$work/lab.err"; return 1; }
	DEMOLAB_DNS=$(sed -n 's/^POSTINO_DNS=//p' "$work/lab.env")
	DEMOLAB_CA=$(sed -n 's/^SSL_CERT_FILE=//p' "$work/lab.env")
}
