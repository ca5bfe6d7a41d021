#!/usr/bin/env bash
# Runs every Go fuzz target in the repository, one after another, each for
# DURATION (a go test -fuzztime value: 3s, 1m, 500x).
#
#   .ci/fuzz.sh 60s            every target for a minute (make fuzz)
#   .ci/fuzz.sh 3s             the short pass make test runs
#   .ci/fuzz.sh 10m Autoconfig only targets whose package or name matches
#
# `go test -fuzz` accepts one target in one package per run, so targets are
# found by grepping for `func FuzzX(` in _test.go files. A failing input is
# saved by Go under PACKAGE/testdata/fuzz/FuzzX/; commit that file and it
# becomes a regression test that every plain `go test` replays.
set -uo pipefail
cd "$(dirname "$0")/.."

dur=${1:-60s}
filter=${2:-}
GO=${GO:-go}
tags=${TAGS_TEST:-ci}

# "dir name" pairs, sorted so runs are comparable.
targets=$(grep -rE --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]*\(' . |
	grep -v '/vendor/' |
	sed -E 's#^\./(.*)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]*)\($#\1 \2#; s#^\./[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]*)\($#. \1#' |
	sort -u)
if [ -z "$targets" ]; then
	echo "fuzz: no fuzz targets found"
	exit 0
fi
count=$(printf '%s\n' "$targets" | wc -l)
echo "fuzz: $count targets, $dur each"

failed=()
start=$SECONDS
while read -r dir name; do
	[ -n "$filter" ] && ! [[ "$dir/$name" == *"$filter"* ]] && continue
	t0=$SECONDS
	log=$(mktemp)
	ok=false
	for attempt in 1 2; do
		if $GO test -tags "$tags" -run '^$' -fuzz "^${name}\$" -fuzztime "$dur" "./$dir" >"$log" 2>&1; then
			ok=true
			break
		fi
		# Go's fuzzing engine sometimes ends a short run with "context
		# deadline exceeded" and no failing input, when -fuzztime runs
		# out while it is still minimising an interesting input: a
		# failure of the engine, not of the code. Run such a target
		# once more; a real failure (a saved input) fails at once.
		if grep -q 'context deadline exceeded' "$log" &&
			[ -z "$(git status --porcelain -- "$dir/testdata/fuzz/$name" 2>/dev/null)" ]; then
			printf 'fuzz: again %-40s %s (the engine ran out of time, no failing input)\n' "$name" "./$dir"
			continue
		fi
		break
	done
	if $ok; then
		printf 'fuzz: ok    %-40s %s (%ds)\n' "$name" "./$dir" $((SECONDS - t0))
	else
		printf 'fuzz: FAIL  %-40s %s (%ds)\n' "$name" "./$dir" $((SECONDS - t0))
		sed 's/^/    /' "$log" | tail -40
		new=$(git status --porcelain -- "$dir/testdata/fuzz/$name" 2>/dev/null | awk '{print $2}')
		[ -n "$new" ] && echo "    failing input saved: $new (commit it: it becomes a regression test)"
		failed+=("$dir $name")
	fi
	rm -f "$log"
done <<<"$targets"

echo "fuzz: done in $((SECONDS - start)) s"
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: ${#failed[@]} target(s) failed:"
	printf '  %s\n' "${failed[@]}"
	exit 1
fi
