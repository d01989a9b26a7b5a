#!/usr/bin/env bash
# The fleet benchmark (issue 12): what one node's pass costs on a table a whole fleet shares, how
# many commits a second racing writers get through one Delta log, and the same for landing mode,
# all against S3Proxy on 127.0.0.1 with the real uploader.jar. Writes bench/results/fleet.md,
# cost model included. Not a test: every figure is the median of --repeat passes on a shared
# machine; ratios are taken within one run.
#
# usage: bench/fleet.sh [--quick] [--repeat N] [--skip-single] [--report]
#   --quick   F in {10k, 100k}, D in {100, 1k}, N up to 8: about 15 minutes instead of ~40
#   --skip-single  measure racing writers and landing only; keep the last run's single-node rows
#   --report  write bench/results/fleet.md again from the last run's measurements (same options)
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
shopt -s inherit_errexit # a failed step inside $(...) stops the run too
root=$(cd "$(dirname "$0")/.." && pwd)
files=(10000 100000 1000000)
nodes=(100 1000 10000)
writers=(1 2 4 8 16)
landing_writers=(1 4 16)
daemon_writers=(1 2 4 8 16)
daemon_seconds=60 # how long the daemons' databases get a row a second
commits=10 # commits per racing writer
tails=(100 1000) # extra points: commits since the last checkpoint, at the smallest F and D
# Extra points: files in _delta_log before the checkpoint. Not 100k: S3Proxy's filesystem backend
# takes minutes to list a directory that large, so one `once` took over 5 minutes there.
logs=(10000)
repeat=3
quick=false
measure=true
single=true
while [ $# -gt 0 ]; do
  case "$1" in
    --quick)
      quick=true; files=(10000 100000); nodes=(100 1000); writers=(1 2 4 8)
      landing_writers=(1 8); commits=5; daemon_writers=(2 8); daemon_seconds=30; tails=(100); logs=(10000); shift ;;
    --repeat) repeat=$2; shift 2 ;;
    --report) measure=false; shift ;;
    --skip-single) single=false; shift ;;
    *) echo "usage: bench/fleet.sh [--quick] [--repeat N] [--skip-single] [--report]" >&2; exit 2 ;;
  esac
done
for tool in sqlite3 curl; do
  command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 2; }
done
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
java="$JAVA_HOME/bin/java"
jar="$root/uploader/target/uploader.jar"
s3proxy="$root/uploader/target/test-servers/s3proxy.jar"
work="$root/bench/work/fleet"
mkdir -p "$work" "$root/bench/results"
# shellcheck source=fleet-lib.sh
. "$root/bench/fleet-lib.sh"
# shellcheck source=fleet-report.sh
. "$root/bench/fleet-report.sh"

build
if $measure; then
start_s3proxy
trap stop_all EXIT
template

started=$(date +%s)
cut -d' ' -f1-3 /proc/loadavg >"$work/load-start.txt"
rm -f "$work"/rows-race.md "$work"/rows-landing*.md
# 1. One node's steady-state pass on shared tables of F files and D node cursors.
if $single; then
  rm -f "$work"/single.txt "$work"/rows-single.md "$work"/rows-extra.md
  for f in "${files[@]}"; do
    for d in "${nodes[@]}"; do single_node "$f" "$d" 0 3 >>"$work/rows-single.md"; done
  done
  for t in "${tails[@]}"; do single_node "${files[0]}" "${nodes[0]}" 0 "$t" >>"$work/rows-extra.md"; done
  for l in "${logs[@]}"; do single_node "${files[0]}" "${nodes[0]}" "$l" 3 >>"$work/rows-extra.md"; done
fi
# 2. N writers committing as fast as they can to one table.
for n in "${writers[@]}"; do race "$n" "$commits" delta >>"$work/rows-race.md"; done
for n in "${daemon_writers[@]}"; do race_daemons "$n" "$daemon_seconds" >>"$work/rows-race.md"; done
# 3. Landing mode: one node's pass, and files/s from N writers.
landing_single >>"$work/rows-landing.md"
for n in "${landing_writers[@]}"; do race "$n" "$commits" landing >>"$work/rows-landing-race.md"; done
echo $(( ($(date +%s) - started + 59) / 60 )) >"$work/minutes.txt"
fi

report > "$root/bench/results/fleet.md"
cat "$root/bench/results/fleet.md"
