#!/usr/bin/env bash
# The fleet benchmark's steps (sourced by bench/fleet.sh, which sets root, work, java, jar,
# s3proxy, repeat and the sizes). Each measurement prints one Markdown table row on stdout;
# everything else goes to stderr or to files under bench/work/fleet.
# The sizes, paths and $repeat are fleet.sh's:
# shellcheck disable=SC2154

# The JVM flags the shipped launchers use (systemd unit, run.sh's benchmark).
java_flags=(-XX:+UseSerialGC -Xmx144m)
# More flags for the daemon, and a command run with its pid before it is stopped (fleet-profile.sh).
daemon_flags=()
before_stop=:
rows_per_commit=10
pids=()

say() { echo "fleet: $*" >&2; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print 0; else print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# The q-quantile (nearest rank) of the numbers on stdin.
quantile() { sort -g | awk -v q="$1" '{a[NR]=$1} END {if (NR == 0) {print 0; exit} i=int(q*NR+0.999999); if (i<1) i=1; print a[i]}'; }

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

wait_for() { # seconds description command...
  local limit=$1 what=$2; shift 2
  local end=$((SECONDS + limit))
  until "$@"; do
    [ "$SECONDS" -lt "$end" ] || { say "timed out waiting for $what"; return 1; }
    sleep 0.2
  done
}

# The jar, the S3 server and the test classes (the synthetic table builder, the span receiver,
# the race check); rebuilt when a source is newer than the jar.
build() {
  if [ ! -f "$jar" ] || [ ! -f "$s3proxy" ] \
    || [ -n "$(find "$root/uploader/src" "$root/uploader/pom.xml" -newer "$jar" -type f | head -n 1)" ]; then
    say "building the jar and the test classes"
    (cd "$root" && mvn -B -q -DskipTests -pl uploader package) >&2
  fi
  if [ ! -f "$work/classpath.txt" ] || [ "$root/uploader/pom.xml" -nt "$work/classpath.txt" ]; then
    (cd "$root" && mvn -B -q -pl uploader dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$work/classpath.txt") >&2
  fi
  cp="$root/uploader/target/test-classes:$root/uploader/target/classes:$(cat "$work/classpath.txt")"
}

start_s3proxy() {
  s3dir="$work/s3"
  mkdir -p "$s3dir/data/bench"
  s3port=$(free_port)
  cat >"$s3dir/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$s3port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=local-identity
s3proxy.credential=local-credential
jclouds.provider=filesystem
jclouds.filesystem.basedir=$s3dir/data
EOF
  "$java" -Xmx384m -jar "$s3proxy" --properties "$s3dir/s3proxy.conf" >"$s3dir/s3proxy.log" 2>&1 &
  s3pid=$!
  wait_for 60 "S3Proxy" bash -c "echo >/dev/tcp/127.0.0.1/$s3port" 2>/dev/null
  export AWS_ACCESS_KEY_ID=local-identity AWS_SECRET_ACCESS_KEY=local-credential \
    AWS_ENDPOINT_URL="http://127.0.0.1:$s3port" AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
  say "S3Proxy on 127.0.0.1:$s3port over $s3dir/data"
}

stop_all() {
  local p
  for p in "${pids[@]}" "${s3pid:-}"; do
    if [ -n "$p" ]; then kill "$p" 2>/dev/null || true; fi
  done
  wait 2>/dev/null || true
}

make_db() { # file rows tag: rows of the SampleDatabase schema, unique to this node by the tag
  rm -f "$1" "$1-wal" "$1-shm"
  sqlite3 "$1" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
CREATE TABLE sensor_readings (id INTEGER PRIMARY KEY, ts TEXT NOT NULL, sensor_id TEXT,
  temperature REAL, humidity REAL, status TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
INSERT INTO sensor_readings (ts, sensor_id, temperature, humidity, status)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + i, 'unixepoch'), '$3-' || (i % 8),
  15 + (i % 1000) / 100.0, 30 + (i % 700) / 10.0, 'OK' FROM n;
SQL
}

add_row() {
  sqlite3 "$1" "INSERT INTO sensor_readings (ts, sensor_id, temperature, humidity, status)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'new-$RANDOM', 20, 50, 'OK')"
}

uploader() { "$java" "${java_flags[@]}" -jar "$jar" "$@"; }

# A table made with the real jar, whose version 0 (protocol and schema) the synthetic tables copy.
template() {
  local t="$work/template"
  [ -d "$t/delta/_delta_log" ] && return
  mkdir -p "$t"
  make_db "$t/sensors.db" 20 template
  uploader once --sqlite "$t/sensors.db" --table-path "$t/delta" --state-dir "$t/state" \
    --node-id template >"$t/once.log" 2>&1
}

# A synthetic table of F files, D cursors, L log files before the checkpoint and T commits after
# it, built once (bench/work/fleet/synthetic keeps it) and hard-linked into the bucket afresh for
# every measurement: the uploader only ever adds files to a table, so the links stay pristine.
synthetic() { # f d l t -> the key in bucket "bench"
  local key="t-$1-$2-$3-$4" heap=1g
  local built="$work/synthetic/$key"
  [ "$1" -lt 1000000 ] || heap=3g
  # Built by maintain: a checkpoint and its checksum (tables built before it had none).
  if [ ! -f "$built/_delta_log/_last_checkpoint" ] \
    || ! compgen -G "$built/_delta_log/*.crc" >/dev/null; then
    rm -rf "$built"
    say "building $key"
    "$java" -Xmx"$heap" -cp "$cp" io.edgeuploader.bench.SyntheticTable "$work/template/delta" \
      "$built" "$1" "$2" "$3" "$4" 2>"$work/synthetic-$key.log" | tail -n 1 >&2
    [ -f "$built/_delta_log/_last_checkpoint" ] || { say "see $work/synthetic-$key.log"; return 1; }
  fi
  rm -rf "$s3dir/data/bench/$key"
  cp -al "$built" "$s3dir/data/bench/$key"
  echo "$key"
}

# Requests and bytes so far, from the daemon's /metrics: get head list put delete copy
# read_bytes write_bytes commits.
scrape() {
  curl -sf "http://127.0.0.1:$1/metrics" | awk '
    /^uploader_store_requests_total/ {
      match($0, /request="[a-z]+"/); r[substr($0, RSTART + 9, RLENGTH - 10)] += $NF }
    /^uploader_store_bytes_total.*direction="read"/ { rb += $NF }
    /^uploader_store_bytes_total.*direction="write"/ { wb += $NF }
    /^uploader_commits_total/ { c += $NF }
    /^uploader_last_success_timestamp_seconds/ { ok += $NF }
    END { printf "%d %d %d %d %d %d %d %d %d %d\n", r["get"], r["head"], r["list"], r["put"],
      r["delete"], r["copy"], rb, wb, c, ok }'
}

# Whether the daemon on metrics port $1 finished a pass / made $2 commits.
passed() { [ "$(scrape "$1" 2>/dev/null | cut -d' ' -f10)" -gt 0 ] 2>/dev/null; }
committed() { [ "$(scrape "$1" | cut -d' ' -f9)" -ge "$2" ]; }
# Whether $2 writers logged in $1 hold their first commit at the gate.
held() { [ "$(cat "$1"/w*/once.log | grep -c 'event=commit_held')" -ge "$2" ]; }
joined() { [ "$(cat "$1"/w*/once.log | grep -c 'event=commit ')" -ge "$2" ]; }

# The commits in the logs of writers 1..$2 under $1, one line each: writer, seconds since
# midnight (UTC) of the log line, duration_ms, attempts.
commit_lines() {
  local i
  for i in $(seq "$2"); do
    { grep 'event=commit ' "$1/w$i/once.log" || true; } | awk -v w="$i" '{
      split(substr($1, 12, 12), t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3]
      d = $0; sub(/.*duration_ms=/, "", d); sub(/ .*/, "", d)
      a = $0; sub(/.*attempts=/, "", a); sub(/ .*/, "", a)
      print w, s, d, a }'
  done
}

cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / hz}' "/proc/$1/stat"; }

# The daemon (`run --interval 1`) on the node in $2: after its first pass, one warm-up pass and
# then $repeat passes with one new row each; per pass the request and byte deltas, CPU, the
# upload_pass span's wall time and the commit's own time. Prints:
# pass_ms cpu_ms commit_ms hwm_kb get head list put delete copy read_b write_b
daemon_passes() { # --table-path|--landing-path url node_dir
  local flag=$1 url=$2 nd=$3 mport sport dpid rpid i
  mport=$(free_port); sport=$(free_port)
  : >"$nd/spans.txt"
  "$java" -Xmx64m -cp "$cp" io.edgeuploader.bench.SpanRecorder "$sport" "$nd/spans.txt" \
    >"$nd/spans.log" 2>&1 &
  rpid=$!; pids+=("$rpid")
  wait_for 60 "the span receiver" grep -q listening "$nd/spans.log"
  "$java" "${java_flags[@]}" "${daemon_flags[@]}" -jar "$jar" run --interval 1 --metrics-port "$mport" --otlp-endpoint "http://127.0.0.1:$sport" \
    --sqlite "$nd/sensors.db" "$flag" "$url" --state-dir "$nd/state" --node-id bench-node \
    >"$nd/daemon.log" 2>&1 &
  dpid=$!; pids+=("$dpid")
  echo "$dpid" >"$nd/daemon.pid"
  # Always called in a command substitution, so this trap is the subshell's, not fleet.sh's.
  # shellcheck disable=SC2064 # these processes, now
  trap "kill $dpid $rpid 2>/dev/null || true" EXIT
  wait_for 600 "the daemon's first pass" passed "$mport"
  local before after c0 c1 n
  n=$(scrape "$mport" | cut -d' ' -f9)
  add_row "$nd/sensors.db"; n=$((n + 1))
  wait_for 600 "the warm-up commit" committed "$mport" "$n"
  : >"$nd/passes.txt"
  for i in $(seq "$repeat"); do
    sleep 1.5 # the pass's metrics are in (the success timestamp comes after the commit)
    before=$(scrape "$mport"); c0=$(cpu_ms "$dpid")
    add_row "$nd/sensors.db"; n=$((n + 1))
    wait_for 600 "commit $i" committed "$mport" "$n"
    sleep 1.5
    after=$(scrape "$mport"); c1=$(cpu_ms "$dpid")
    echo "$before $after $c0 $c1" >>"$nd/passes.txt"
  done
  local hwm
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$dpid/status")
  "$before_stop" "$dpid"
  sleep 6 # spans go out in batches every 5 s
  kill "$dpid"; wait "$dpid" 2>/dev/null || true
  sleep 1
  kill "$rpid"; wait "$rpid" 2>/dev/null || true
  local pass commit
  pass=$(awk '$1 == "upload_pass" && $3 == 1 {print $2}' "$nd/spans.txt" | tail -n "$repeat" | median)
  commit=$(grep 'event=commit' "$nd/daemon.log" | tail -n "$repeat" | sed 's/.*duration_ms=\([0-9]*\).*/\1/' | median)
  # Per pass: after - before for each counter (fields 1-8 then 11-18 of the line), CPU 21-22.
  local cols=""
  for k in 1 2 3 4 5 6 7 8; do
    cols+=" $(awk -v k="$k" '{print $(k + 10) - $k}' "$nd/passes.txt" | median)"
  done
  local cpu
  cpu=$(awk '{print $22 - $21}' "$nd/passes.txt" | median)
  echo "$pass $cpu $commit $hwm$cols"
}

# One node's steady-state pass on a shared table; prints a table row.
single_node() { # f d l t
  local key nd url
  # Each small commit (L before the checkpoint, T after it) adds a file of its own: F includes them.
  [ "$1" -gt $(($3 + $4)) ] || set -- $(($1 + $3)) "$2" "$3" "$4"
  key=$(synthetic "$@") || return 1
  url="s3a://bench/$key"
  nd="$work/nodes/$key"
  rm -rf "$nd"; mkdir -p "$nd"
  make_db "$nd/sensors.db" 100 "bench-$key"
  say "$key: the node's first commit (a new source)"
  /usr/bin/time -o "$nd/time" -f '%e' "$java" "${java_flags[@]}" -jar "$jar" once \
    --sqlite "$nd/sensors.db" --table-path "$url" --state-dir "$nd/state" --node-id bench-node \
    >"$nd/join.log" 2>&1 || { say "join failed, see $nd/join.log"; return 1; }
  local join walls=() cpus=() rss=() i
  join=$(cat "$nd/time")
  say "$key: $repeat passes of once (a fresh JVM each)"
  for i in $(seq "$repeat"); do
    add_row "$nd/sensors.db"
    /usr/bin/time -o "$nd/time" -f '%e %U %S %M' "$java" "${java_flags[@]}" -jar "$jar" once \
      --sqlite "$nd/sensors.db" --table-path "$url" --state-dir "$nd/state" --node-id bench-node \
      >>"$nd/once.log" 2>&1
    read -r w u s m <"$nd/time"
    walls+=("$w"); cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')"); rss+=("$m")
  done
  say "$key: the daemon's passes"
  local d
  d=$(daemon_passes --table-path "$url" "$nd")
  local ow oc om
  ow=$(printf '%s\n' "${walls[@]}" | median)
  oc=$(printf '%s\n' "${cpus[@]}" | median)
  om=$(printf '%s\n' "${rss[@]}" | sort -g | tail -n 1)
  echo "$1 $2 $3 $4 $join $ow $oc $om $d" >>"$work/single.txt"
  echo "$d" | awk -v f="$1" -v dd="$2" -v l="$3" -v t="$4" -v j="$join" -v ow="$ow" -v oc="$oc" -v om="$om" '{
    printf "| %s | %s | %s | %s | %.0f | %.0f | %.0f | %.0f | %.1f | %.1f | %d | %d | %d | %d | %d | %d | %.1f | %.2f | %.2f | %.0f |\n",
      f, dd, l, t, $1, $2, $3, $4 / 1024, $12 / 1024, $11 / 1024, $5, $6, $7, $8, $9, $10, j, ow, oc, om / 1024 }'
}

# N writers committing as fast as they can: each `once` uploads $2 commits of $rows_per_commit
# rows, all released together (delta: the commit gate holds each first commit until every writer
# is ready). Prints a table row.
race() { # n commits delta|landing
  local n=$1 c=$2 mode=$3 rd url dir key gate i
  rd="$work/race/$mode-$n"
  rm -rf "$rd"; mkdir -p "$rd"
  gate="$rd/go"
  if [ "$mode" = delta ]; then
    key=$(synthetic "${files[0]}" "${nodes[0]}" 0 3) || return 1
    rm -rf "$s3dir/data/bench/race-$n"
    mv "$s3dir/data/bench/$key" "$s3dir/data/bench/race-$n"
    url="s3a://bench/race-$n"; flag=--table-path
  else
    rm -rf "$s3dir/data/bench/landing-$n"
    url="s3a://bench/landing-$n"; flag=--landing-path
  fi
  dir="$s3dir/data/bench/${url#s3a://bench/}"
  local wpids=() checks=()
  for i in $(seq "$n"); do
    mkdir -p "$rd/w$i"
    make_db "$rd/w$i/sensors.db" $((c * rows_per_commit)) "race-$mode-$n-$i"
    EDGE_UPLOADER_HOLD_FIRST_COMMIT_UNTIL=$gate "$java" "${java_flags[@]}" -jar "$jar" once \
      --batch-rows "$rows_per_commit" --sqlite "$rd/w$i/sensors.db" "$flag" "$url" \
      --state-dir "$rd/w$i/state" --node-id "racer-$i" >"$rd/w$i/once.log" 2>&1 &
    wpids+=($!); pids+=($!)
    checks+=("racer-$i=$rd/w$i/once.log=$rd/w$i/sensors.db")
  done
  local release
  if [ "$mode" = delta ]; then
    wait_for 600 "$n writers at the gate" held "$rd" "$n"
  fi
  release=$(date -u +%H:%M:%S.%N)
  touch "$gate"
  local failed=0 p
  for p in "${wpids[@]}"; do wait "$p" || failed=$((failed + 1)); done
  local check
  check=$("$java" -Xmx512m -cp "$cp" io.edgeuploader.bench.RaceCheck "$mode" "$dir" "${checks[@]}" 2>/dev/null | tail -n 1) || true
  say "$mode N=$n: $check"
  local retries
  retries=$(cat "$rd"/w*/once.log | grep -c 'event=pass_failed' || true)
  commit_lines "$rd" "$n" >"$rd/commits.txt"
  awk -v mode="$mode" -v n="$n" -v rel="$release" -v failed="$failed" -v retries="$retries" \
    -v check="$check" -f "$root/bench/fleet-race.awk" "$rd/commits.txt"
}

# N daemons (`run --interval 1`) on one table, each node's database getting a row a second for
# $2 seconds: the fleet's steady state (one commit per pass) at N commits/s offered. Prints a row.
race_daemons() { # n seconds
  local n=$1 secs=$2 rd key url i checks=() dpids=()
  rd="$work/race/daemons-$n"
  rm -rf "$rd"; mkdir -p "$rd"
  key=$(synthetic "${files[0]}" "${nodes[0]}" 0 3) || return 1
  rm -rf "$s3dir/data/bench/daemons-$n"
  mv "$s3dir/data/bench/$key" "$s3dir/data/bench/daemons-$n"
  url="s3a://bench/daemons-$n"
  for i in $(seq "$n"); do
    mkdir -p "$rd/w$i"
    make_db "$rd/w$i/sensors.db" "$rows_per_commit" "daemon-$n-$i"
    "$java" "${java_flags[@]}" -jar "$jar" run --interval 1 --sqlite "$rd/w$i/sensors.db" \
      --table-path "$url" --state-dir "$rd/w$i/state" --node-id "racer-$i" >"$rd/w$i/once.log" 2>&1 &
    dpids+=($!); pids+=($!)
    checks+=("racer-$i=$rd/w$i/once.log=$rd/w$i/sensors.db")
  done
  wait_for 600 "$n daemons joining" joined "$rd" "$n"
  local release s
  release=$(date -u +%H:%M:%S.%N)
  for s in $(seq "$secs"); do
    for i in $(seq "$n"); do add_row "$rd/w$i/sensors.db"; done
    sleep 1
  done
  sleep 20 # the last rows' passes
  local p
  for p in "${dpids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${dpids[@]}"; do wait "$p" 2>/dev/null || true; done
  local check retries
  check=$("$java" -Xmx512m -cp "$cp" io.edgeuploader.bench.RaceCheck delta "$s3dir/data/bench/daemons-$n" "${checks[@]}" 2>/dev/null | tail -n 1) || true
  say "daemons N=$n: $check"
  retries=$(cat "$rd"/w*/once.log | grep -c 'event=pass_failed' || true)
  commit_lines "$rd" "$n" >"$rd/commits.txt"
  awk -v mode="daemons" -v n="$n" -v rel="$release" -v failed=0 -v retries="$retries" \
    -v check="$check" -f "$root/bench/fleet-race.awk" "$rd/commits.txt"
}

# Landing mode's steady-state pass: the same daemon measurement into a landing zone.
landing_single() {
  local nd="$work/nodes/landing"
  rm -rf "$nd" "$s3dir/data/bench/landing-single"; mkdir -p "$nd"
  make_db "$nd/sensors.db" 100 bench-landing
  say "landing: the daemon's passes"
  local d
  d=$(daemon_passes --landing-path "s3a://bench/landing-single" "$nd")
  echo "$d" >"$work/landing-single.txt"
  echo "$d" | awk '{
    printf "| landing | %.0f | %.0f | %.0f | %.0f | %.1f | %.1f | %d | %d | %d | %d | %d | %d |\n",
      $1, $2, $3, $4 / 1024, $12 / 1024, $11 / 1024, $5, $6, $7, $8, $9, $10 }'
}
