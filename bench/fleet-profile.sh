#!/usr/bin/env bash
# Where a node's steady-state pass on a big shared table spends its CPU and memory: the daemon of
# bench/fleet.sh with Java Flight Recorder and native memory tracking, on the synthetic table of
# F files and D cursors (built as fleet.sh builds it). Prints the share of CPU samples under each
# step of a pass, the hottest frames, and the JVM's memory by kind. For evidence, not for CI.
#
# usage: bench/fleet-profile.sh [F] [D] [PASSES]   (default 1000000 10000 10)
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
f=${1:-1000000}; d=${2:-10000}; repeat=${3:-10}
files=("$f"); nodes=("$d")
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
java="$JAVA_HOME/bin/java"
jar="$root/uploader/target/uploader.jar"
s3proxy="$root/uploader/target/test-servers/s3proxy.jar"
work="$root/bench/work/fleet"
out="$work/profile"
mkdir -p "$work" "$out"
# shellcheck source=fleet-lib.sh
. "$root/bench/fleet-lib.sh"

# Recording starts after start-up and the first passes, so samples are steady-state passes.
daemon_flags=(-XX:NativeMemoryTracking=summary -Xlog:gc:file="$out/gc.log")
snapshot() {
  "$JAVA_HOME/bin/jcmd" "$1" VM.native_memory summary >"$out/nmt.txt"
  "$JAVA_HOME/bin/jcmd" "$1" JFR.stop name=passes filename="$out/passes.jfr" >/dev/null
}
start_recording() {
  "$JAVA_HOME/bin/jcmd" "$1" JFR.start name=passes settings=profile >/dev/null
}
before_stop=snapshot

build
start_s3proxy
trap stop_all EXIT
template
key=$(synthetic "$f" "$d" 0 3)
nd="$work/nodes/profile-$key"
rm -rf "$nd"; mkdir -p "$nd"
make_db "$nd/sensors.db" 100 "profile-$key"
"$java" "${java_flags[@]}" -jar "$jar" once --sqlite "$nd/sensors.db" --table-path "s3a://bench/$key" \
  --state-dir "$nd/state" --node-id bench-node >"$nd/join.log" 2>&1
# Record from the warm-up commit on: the samples are the measured passes, not start-up.
rm -f "$nd/daemon.log"
( wait_for 900 "the warm-up commit" grep -qs 'event=commit' "$nd/daemon.log" \
  && start_recording "$(cat "$nd/daemon.pid")" ) &
result=$(daemon_passes --table-path "s3a://bench/$key" "$nd")
echo "pass_ms cpu_ms commit_ms hwm_kb get head list put delete copy read_b write_b: $result"

"$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample "$out/passes.jfr" >"$out/samples.txt"
echo
echo "CPU samples under each step of a pass (a sample counts for every step on its stack):"
awk '
  /jdk.ExecutionSample/ { if (n++) tally(); stack = "" }
  /line:/ { stack = stack "\n" $1 }
  function tally(  k) { for (k in steps) if (index(stack, steps[k])) hit[k]++ }
  BEGIN {
    steps["load the snapshot (TableManager.loadSnapshot)"] = "SnapshotBuilderImpl.build"
    steps["protocol and metadata"] = "ProtocolMetadataLogReplay"
    steps["domain metadata replay"] = "DomainMetadata"
    steps["txn replay (getLatestTransactionVersion)"] = "getLatestTransactionVersion"
    steps["the cursors of every source (DeltaVersion.sources)"] = "DeltaVersion.sources"
    steps["Cursor.fromJson"] = "Cursor.fromJson"
    steps["Parquet reading"] = "org.apache.parquet"
    steps["JSON reading (Jackson)"] = "com.fasterxml.jackson"
    steps["DeltaSink.latest (table load)"] = "DeltaSink.latest"
    steps["DeltaSink.append (commit)"] = "DeltaSink.append"
    steps["TransactionImpl.commit"] = "TransactionImpl.commit"
    steps["S3A / AWS SDK"] = "software.amazon"
  }
  END { tally(); printf "%d samples\n", n; for (k in hit) printf "%6.1f%%  %s\n", 100 * hit[k] / n, k }
' "$out/samples.txt" | sort -k1 -g -r
echo
echo "Hottest frames (top of stack):"
awk '/stackTrace = \[/ { getline; sub(/line:.*/, ""); print }' "$out/samples.txt" | sort | uniq -c | sort -rn | head -n 15
echo
echo "JVM memory (native memory tracking; committed is what RSS holds):"
grep -E "^(Total|-) " "$out/nmt.txt" | sed 's/^-  *//' | head -n 20
grep -E 'Pause' "$out/gc.log" | tail -n 3
