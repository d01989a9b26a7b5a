#!/usr/bin/env bash
# The uploader's benchmark: generates sensor databases and measures, in one run on this machine,
# the backfill through `once` against the speed of light (`sqlite3 -csv` dumping the same table),
# `once` with nothing to do, an idle pass of the daemon, and steady-state commits of 1,000 rows.
# Prints a table and writes it to bench/results/latest.md. Not a test: numbers vary with the
# machine and its neighbours, so each figure is the median of --repeat runs.
#
# usage: bench/run.sh [--quick] [--repeat N] [--no-spark]
#   --quick     200k and 1M rows instead of 1M and 10M (a few minutes instead of ~15)
#   --no-spark  skip the Spark peer (Spark local + delta-spark doing the same upload)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sizes=(1000000 10000000)
repeat=3
spark=true
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) sizes=(200000 1000000); shift ;;
    --repeat) repeat=$2; shift 2 ;;
    --no-spark) spark=false; shift ;;
    *) echo "usage: bench/run.sh [--quick] [--repeat N] [--no-spark]" >&2; exit 2 ;;
  esac
done
command -v sqlite3 >/dev/null || { echo "error: sqlite3 is needed (apt-get install sqlite3)" >&2; exit 2; }
jar="$root/uploader/target/uploader.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
# The JVM flags the shipped launchers use (systemd unit; the image caps the heap by share).
java_flags=(-XX:+UseSerialGC -Xmx144m)
work="$root/bench/work"
mkdir -p "$work" "$root/bench/results"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
uploader() { java "${java_flags[@]}" -jar "$jar" "$@"; }

make_db() { # file rows
  [ -f "$1" ] && return
  echo "generating $2 rows in $1" >&2
  sqlite3 "$1" <<SQL
PRAGMA journal_mode=WAL;
CREATE TABLE readings (id INTEGER PRIMARY KEY, ts TEXT NOT NULL, sensor_id TEXT,
  temperature REAL, humidity REAL, pressure REAL, status TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
INSERT INTO readings (ts, sensor_id, temperature, humidity, pressure, status)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + i / 10, 'unixepoch'),
       'sensor-' || (i % 16), 15 + (i % 1000) / 100.0, 30 + (i % 700) / 10.0,
       1000 + (i % 50) / 10.0, CASE WHEN i % 97 = 0 THEN 'WARN' ELSE 'OK' END
FROM n;
SQL
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

rows_table=""
for size in "${sizes[@]}"; do
  db="$work/sensors-$size.db"
  make_db "$db" "$size"
  rows=$(sqlite3 "$db" 'SELECT count(*) FROM readings') # earlier runs' steady-state rows count too
  dumps=(); onces=(); rss=()
  for _ in $(seq "$repeat"); do
    /usr/bin/time -o "$work/time" -f '%e' sqlite3 -csv "$db" 'SELECT * FROM readings' >/dev/null
    dumps+=("$(cat "$work/time")")
    rm -rf "$work/table-$size" "$work/state-$size"
    /usr/bin/time -o "$work/time" -f '%e %M' java "${java_flags[@]}" -jar "$jar" once \
      --sqlite "$db" --table-path "$work/table-$size" --state-dir "$work/state-$size" \
      --node-id bench >/dev/null 2>"$work/once.log"
    onces+=("$(cut -d' ' -f1 "$work/time")")
    rss+=("$(cut -d' ' -f2 "$work/time")")
  done
  dump=$(printf '%s\n' "${dumps[@]}" | median)
  once=$(printf '%s\n' "${onces[@]}" | median)
  peak=$(printf '%s\n' "${rss[@]}" | sort -g | tail -n 1)
  bytes=$(du -sb "$work/table-$size" | cut -f1)
  rows_table+=$(awk -v r="$rows" -v d="$dump" -v o="$once" -v p="$peak" -v b="$bytes" 'BEGIN {
    printf "| %d | %.2f s | %.0f | %.2f s | %.0f | %.2fx | %d MB | %.1f MB |\n",
      r, o, r / o, d, r / d, d / o, p / 1024, b / 1048576 }')$'\n'
done

# The peer to beat: the same upload as a Spark user would write it, on the first size.
spark_row=""
if $spark; then
  small=${sizes[0]}
  db="$work/sensors-$small.db"
  n=$(sqlite3 "$db" 'SELECT count(*) FROM readings')
  rm -rf "$work/spark-table"
  (cd "$root" && mvn -B -q verify -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=SparkPeerBenchIT -Dfailsafe.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
    -Dbench.sqlite="$db" -Dbench.table="$work/spark-table" -Dbench.rows="$n" >"$work/spark.log" 2>&1)
  peer=$(grep -ho 'spark-peer: [0-9]* rows [0-9.]* s' "$root"/interop/target/failsafe-reports/*SparkPeerBenchIT*-output.txt "$work/spark.log" 2>/dev/null | head -n 1 | awk '{print $4}')
  rm -rf "$work/table-peer" "$work/state-peer"
  /usr/bin/time -o "$work/time" -f '%e' java "${java_flags[@]}" -jar "$jar" once --sqlite "$db" \
    --table-path "$work/table-peer" --state-dir "$work/state-peer" --node-id bench >/dev/null 2>&1
  ours=$(cat "$work/time")
  spark_row=$(awk -v r="$n" -v p="$peer" -v o="$ours" 'BEGIN {
    printf "| Spark peer on %d rows (local[2] + delta-spark 3.3, SQLite through JDBC, session start included) | %.2f s; uploader %.2f s: %.1fx faster |", r, p, o, p / o }')
fi

big=${sizes[-1]}
db="$work/sensors-$big.db"
# `once` with nothing to do: process wall time, start-up included.
empties=()
for _ in $(seq "$repeat"); do
  /usr/bin/time -o "$work/time" -f '%e' java "${java_flags[@]}" -jar "$jar" once --sqlite "$db" \
    --table-path "$work/table-$big" --state-dir "$work/state-$big" --node-id bench >/dev/null 2>&1
  empties+=("$(cat "$work/time")")
done
empty=$(printf '%s\n' "${empties[@]}" | median)

# The same with an application class-data sharing archive (what the Dockerfile image does): a
# training run of `demo` records the classes, later JVMs map them instead of loading them.
small=${sizes[0]}
rm -rf "$work/cds-demo" "$work/uploader.jsa"
java "${java_flags[@]}" -XX:ArchiveClassesAtExit="$work/uploader.jsa" -jar "$jar" demo \
  --dir "$work/cds-demo" --rows 1000 >/dev/null 2>&1
cds_flags=("${java_flags[@]}" -XX:SharedArchiveFile="$work/uploader.jsa")
cds_empties=(); cds_onces=()
for _ in $(seq "$repeat"); do
  /usr/bin/time -o "$work/time" -f '%e' java "${cds_flags[@]}" -jar "$jar" once --sqlite "$db" \
    --table-path "$work/table-$big" --state-dir "$work/state-$big" --node-id bench >/dev/null 2>&1
  cds_empties+=("$(cat "$work/time")")
  rm -rf "$work/table-cds" "$work/state-cds"
  /usr/bin/time -o "$work/time" -f '%e' java "${cds_flags[@]}" -jar "$jar" once \
    --sqlite "$work/sensors-$small.db" --table-path "$work/table-cds" --state-dir "$work/state-cds" \
    --node-id bench >/dev/null 2>&1
  cds_onces+=("$(cat "$work/time")")
done
cds_empty=$(printf '%s\n' "${cds_empties[@]}" | median)
cds_once=$(printf '%s\n' "${cds_onces[@]}" | median)

# The daemon on the large database: CPU per idle pass over 20 passes with nothing new, then
# steady state: 1,000 new rows before each of 10 passes, timing each commit (warm JVM).
log="$work/daemon.log"
java "${java_flags[@]}" -jar "$jar" run --interval 1 --sqlite "$db" --table-path "$work/table-$big" \
  --state-dir "$work/state-$big" --node-id bench >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
until grep -q 'event=loop_started' "$log"; do sleep 0.2; done
sleep 5 # past the first pass and the JIT's warm-up
t0=$(cpu_ticks "$pid"); sleep 20; t1=$(cpu_ticks "$pid")
idle_ms=$(awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", (b - a) * 1000 / hz / 20}')
before=$(grep -c 'event=commit' "$log" || true)
for i in $(seq 10); do
  sqlite3 "$db" "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 1000)
    INSERT INTO readings (ts, sensor_id, temperature, humidity, pressure, status)
    SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 1800000000 + $i * 1000 + v, 'unixepoch'), 'sensor-x',
      20, 50, 1000, 'OK' FROM n;"
  until [ "$(grep -c 'event=commit' "$log")" -ge $((before + i)) ]; do sleep 0.1; done
done
kill "$pid"; wait "$pid" 2>/dev/null || true
trap - EXIT
inc_commit=$(grep 'event=commit' "$log" | tail -n 10 | grep -o 'duration_ms=[0-9]*' | cut -d= -f2 | median)

report="$root/bench/results/latest.md"
{
  echo "# Benchmark results"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GB,"
  echo "$(java -version 2>&1 | head -n 1), sqlite3 $(sqlite3 --version | cut -d' ' -f1), JVM flags: ${java_flags[*]}; medians of $repeat runs."
  echo
  echo "Backfill into a new local Delta table (\`once\`, JVM start included) against \`sqlite3 -csv\` dumping the same table to /dev/null:"
  echo
  echo "| rows | once wall | rows/s | sqlite3 dump | rows/s | uploader/sqlite3 | peak RSS | table size |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s' "$rows_table"
  echo
  echo "| on the ${big}-row database | |"
  echo "|---|---|"
  echo "| \`once\` with nothing to do (process wall) | ${empty} s |"
  echo "| the same with an AppCDS archive (\`-XX:SharedArchiveFile\`, as in the Dockerfile image) | ${cds_empty} s |"
  echo "| backfill of the ${small}-row table with the AppCDS archive | ${cds_once} s |"
  echo "| idle daemon pass, CPU per pass | ${idle_ms} ms |"
  echo "| steady state: a commit of 1,000 rows in the running daemon | ${inc_commit} ms |"
  [ -z "$spark_row" ] || echo "$spark_row"
} | tee "$report"
