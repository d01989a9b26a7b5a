#!/usr/bin/env bash
# The chaos soak, long: an application writing (bursts, equal timestamps, deleting uploaded
# rows), the `run` daemon on a local S3 server, random SIGKILLs of the daemon and outages of the
# server; at the end every row must be in the Delta table exactly once. The test suite runs the
# same soak for 45 s; this runs it for MINUTES (default 30) and prints what it did:
#   chaos: 1800 s, N rows written, N deleted after upload, N SIGKILLs, N S3 outages, N commits, seed S
# Rerun a failure with its seed: CHAOS_SEED=S chaos/run.sh MINUTES
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
seed_arg=()
[ -n "${CHAOS_SEED:-}" ] && seed_arg=("-Dchaos.seed=$CHAOS_SEED")
mvn -B -q -pl uploader verify -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ChaosIT -Dchaos.seconds=$((minutes * 60)) "${seed_arg[@]}"
grep -h '^chaos:' uploader/target/failsafe-reports/io.edgeuploader.ChaosIT-output.txt 2>/dev/null || true
