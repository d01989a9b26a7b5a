#!/usr/bin/env bash
# Memory of the container image on a small device: the heap the JVM allows itself, the resident
# set of an idle `run` daemon, and the peak resident set of a 1M-row backfill (`once`), for the
# image's own settings and with extra JVM options (JAVA_TOOL_OPTIONS), as the README reports.
#
#   bench/memory.sh IMAGE [RAM [JAVA_TOOL_OPTIONS]]
#     RAM: the device's memory the JVM sizes itself for (e.g. 512m), as a container memory limit
#     would; default: this machine's. The image's entrypoint is used as shipped.
#
# Needs podman (the project's settings: deploy/podman/checkout-env.sh) and sqlite3. Measured from
# the host in /proc: the container's java is the entrypoint, so its PID is the container's.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bench/memory.sh IMAGE [RAM [JAVA_TOOL_OPTIONS]]" >&2; exit 2; }
image=$1
ram=${2:-}
extra=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck disable=SC1091 # the settings script is checked on its own
. "$root/deploy/podman/checkout-env.sh"
work="$root/bench/work/memory"
mkdir -p "$work"
rows=${ROWS:-1000000}
db="$work/sensors-$rows.db"
if [ ! -f "$db" ]; then
  sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
CREATE TABLE readings (id INTEGER PRIMARY KEY, ts TEXT NOT NULL, sensor_id TEXT,
  temperature REAL, humidity REAL, pressure REAL, status TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO readings (ts, sensor_id, temperature, humidity, pressure, status)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + i / 10, 'unixepoch'),
       'sensor-' || (i % 16), 15 + (i % 1000) / 100.0, 30 + (i % 700) / 10.0,
       1000 + (i % 50) / 10.0, CASE WHEN i % 97 = 0 THEN 'WARN' ELSE 'OK' END
FROM n;
SQL
fi
options="${ram:+-XX:MaxRAM=$ram }$extra"
name="uploader-memory-$$"

# Starts the image detached with the database's directory, the table and state; prints its PID.
start() {
  podman run -d --pull=never --name "$name" --user 0:0 ${options:+-e "JAVA_TOOL_OPTIONS=$options"} \
    -v "$work:/data" -v "$work/lake:/lake" -v "$work/state:/state" "$image" "$@" \
    --sqlite "/data/$(basename "$db")" --table-path /lake/readings --node-id memory >/dev/null
  podman inspect --format '{{.State.Pid}}' "$name"
}
kb() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status" 2>/dev/null || true; }
stop() { podman rm --force --time 10 "$name" >/dev/null 2>&1 || true; }
trap stop EXIT

heap=$(podman run --rm --pull=never ${options:+-e "JAVA_TOOL_OPTIONS=$options"} --entrypoint java \
  "$image" -XX:+UseSerialGC -XX:MaxRAMPercentage=60 -XX:+PrintFlagsFinal -version 2>/dev/null |
  awk '$2 == "MaxHeapSize" {printf "%d", $4 / 1048576}')

# The backfill: the peak resident set (VmHWM) just before the process ends.
rm -rf "$work/lake" "$work/state"
mkdir -p "$work/lake" "$work/state"
started=$SECONDS
pid=$(start once)
peak=0
while [ -e "/proc/$pid" ]; do
  now=$(kb "$pid" VmHWM)
  [ -n "$now" ] && [ "$now" -gt "$peak" ] && peak=$now
  sleep 0.1
done
seconds=$((SECONDS - started))
podman logs "$name" 2>&1 | grep -q "uploaded $rows rows" || { podman logs "$name" >&2; exit 1; }
stop

# Idle: the daemon after its first pass over the table the backfill left up to date.
pid=$(start run --interval 3600)
sleep 20
idle=$(kb "$pid" VmRSS)
stop

printf '| %s | %s | max heap %s MB | idle RSS %s MB | %s-row backfill peak RSS %s MB (%s s) |\n' \
  "${ram:-host RAM}" "${options:-as shipped}" "$heap" "$((idle / 1024))" "$rows" "$((peak / 1024))" \
  "$seconds"
