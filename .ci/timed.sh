#!/usr/bin/env bash
# timed.sh NAME COMMAND...: run COMMAND and print how long it took, so a
# CI log says where its minutes went (make test uses it for each phase).
# The command's exit status is kept.
name=$1
shift
t0=$(date +%s)
status=0
"$@" || status=$?
t=$(($(date +%s) - t0))
printf 'time: %-12s %dm%02ds%s\n' "$name" $((t / 60)) $((t % 60)) "$([ $status = 0 ] || echo " (failed, exit $status)")"
exit $status
