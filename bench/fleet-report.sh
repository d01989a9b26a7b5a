#!/usr/bin/env bash
# bench/results/fleet.md from one run of bench/fleet.sh (sourced by it): the tables, the targets
# of issue 12 judged on this run's numbers, and the cost model.
# The sizes, paths and measured rows are fleet.sh's:
# shellcheck disable=SC2154

# A field of the single-node line for table f d l t (see single_node: f d l t join once_wall
# once_cpu once_rss pass cpu commit hwm get head list put delete copy read_b write_b).
point() { awk -v f="$1" -v d="$2" -v l="$3" -v t="$4" '$1 == f && $2 == d && $3 == l && $4 == t' "$work/single.txt" | tail -n 1; }
counts() { point "$@" | awk '{print $13, $14, $15, $16, $17, $18, $19, $20}'; }
# The same for the longer-log point, whose F includes its L small commits' files.
log_counts() { awk -v d="$1" -v l="$2" '$2 == d && $3 == l && $4 == 3 {print $13, $14, $15, $16, $17, $18, $19, $20}' "$work/single.txt" | tail -n 1; }

targets() {
  local lo hi
  lo=$(point "${files[0]}" "${nodes[0]}" 0 3); hi=$(point "${files[-1]}" "${nodes[-1]}" 0 3)
  echo "$lo" "$hi" | awk -v lf="${files[0]}" -v ld="${nodes[0]}" -v hf="${files[-1]}" -v hd="${nodes[-1]}" '
    function yes(c) { return c ? "**holds**" : "**does not hold**" }
    { req_lo = $13 + $14 + $15 + $16 + $17 + $18; req_hi = $33 + $34 + $35 + $36 + $37 + $38
      printf "| bytes written by the pass at F=%d, D=%d | %.1f KB | <= 64 KB | %s |\n", hf, hd, $40 / 1024, yes($40 <= 65536)
      printf "| pass wall at F=%d, D=%d over F=%d, D=%d (daemon, upload_pass span) | %.0f / %.0f ms = %.2fx | <= 2x | %s |\n", hf, hd, lf, ld, $29, $9, $29 / $9, yes($29 <= 2 * $9)
      printf "| the same for a fresh process (`once`) | %.2f / %.2f s = %.2fx | (<= 2x) | %s |\n", $26, $6, $26 / $6, yes($26 <= 2 * $6)
      printf "| daemon peak RSS (VmHWM) at F=%d, D=%d | %.0f MB | <= 200 MB | %s |\n", hf, hd, $32 / 1024, yes($32 <= 204800)
      printf "| store requests per pass, F=%d vs F=%d | %d vs %d | not growing with F | %s |\n", lf, hf, req_lo, req_hi, yes(req_hi <= req_lo) }'
  awk -F'|' '$2 ~ /delta|daemons/ && $3 + 0 == 8' "$work/rows-race.md" | awk -F'|' '
    function yes(c) { return c ? "**holds**" : "**does not hold**" }
    { w = $2 ~ /delta/ ? "N=8 `once` writers with a backlog" : "N=8 daemons, a commit per pass"
      printf "| %s: slowest commit | %d ms (first commits after the release: %.1f s) | <= 10 s | %s |\n", w, $13, $14, yes($13 <= 10000 && $14 <= 10)
      printf "| %s: p99 commit latency | %d ms | <= 3 s | %s |\n", w, $12, yes($12 <= 3000)
      printf "| %s: every event=commit names its version; every row once | %s | all | %s |\n", w, $16, yes($16 ~ / ok *$/) }'
}

report() {
  echo "# Fleet benchmark results"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
  echo "$(free -g | awk '/Mem:/ {print $2}') GB, $("$java" -version 2>&1 | head -n 1), JVM flags ${java_flags[*]},"
  echo "S3Proxy 4.1 (filesystem backend) on 127.0.0.1; medians of $repeat passes; $(cat "$work/minutes.txt") minutes in all$($quick && echo ', --quick')."
  echo "**The machine was shared** with other builds and test suites (load average at the start"
  echo "$(cat "$work/load-start.txt"), at the end $(cut -d' ' -f1-3 /proc/loadavg)): wall times are noisy, CPU times and request counts are not."
  echo
  echo "## One node's steady-state pass with 1 new row"
  echo
  echo "Synthetic shared tables (bench/work/fleet/synthetic: F add actions and D node cursors in one"
  echo "commit, L small commits, a Kernel checkpoint, T small commits after it). The node is a real"
  echo "source of the table (its first commit is the \"join\" column). Daemon columns: \`run --interval 1\`,"
  echo "per pass with one new row: wall from its \`upload_pass\` span, CPU of the process, the commit's"
  echo "\`duration_ms\`, and the deltas of \`uploader_store_requests_total\` / \`uploader_store_bytes_total\`."
  echo "\`once\` columns: a fresh JVM per pass (cron-style), wall, CPU (user+sys) and peak RSS from /usr/bin/time."
  echo
  echo "| F files | D cursors | L | T | pass ms | CPU ms | commit ms | RSS MB | KB written | KB read | GET | HEAD | LIST | PUT | DELETE | COPY | join s | once s | once CPU s | once RSS MB |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$work/rows-single.md"
  echo
  echo "The same pass with a longer tail after the checkpoint (T) and a longer log before it (L):"
  echo
  echo "| F files | D cursors | L | T | pass ms | CPU ms | commit ms | RSS MB | KB written | KB read | GET | HEAD | LIST | PUT | DELETE | COPY | join s | once s | once CPU s | once RSS MB |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$work/rows-extra.md"
  echo
  echo "## Racing writers"
  echo
  echo "N \`once\` processes, each uploading $commits commits of $rows_per_commit rows to one table (a copy of"
  echo "F=${files[0]}, D=${nodes[0]}), released together: every first commit waits at the commit gate"
  echo "(\`EDGE_UPLOADER_HOLD_FIRST_COMMIT_UNTIL\`) until all N are ready. Latencies are \`duration_ms\`"
  echo "of the commits after the first (reading the rows to landing, lost races and waits included);"
  echo "\"herd\" is when the last first commit landed after the release. No maintainer ran: the tail after the"
  echo "checkpoint grows by every commit. Check: RaceCheck (every row once by node and id; each"
  echo "\`event=commit\` version holds that writer's txn at its sequence number)."
  echo
  echo "\"daemons\": N \`run --interval 1\` daemons on a copy of the same table, each database getting one"
  echo "row a second for $daemon_seconds s (N commits/s offered, one commit per pass: a fleet's steady state);"
  echo "latencies exclude each daemon's first commit (it joins the table at start-up)."
  echo
  echo "| mode | N | commits | window s | commits/s | conflicts | commits retried | max attempts | pass retries | p50 ms | p99 ms | max ms | herd s | failed | check |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$work/rows-race.md"
  echo
  echo "## Landing mode"
  echo
  echo "| mode | pass ms | CPU ms | commit ms | RSS MB | KB written | KB read | GET | HEAD | LIST | PUT | DELETE | COPY |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$work/rows-landing.md"
  echo
  echo "| mode | N | files | window s | files/s | conflicts | commits retried | max attempts | pass retries | p50 ms | p99 ms | max ms | first s | failed | check |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$work/rows-landing-race.md"
  echo
  echo "## Targets (issue 12, items 1 and 2), on this run"
  echo
  echo "| target | measured | wanted | verdict |"
  echo "|---|---|---|---|"
  targets
  echo
  echo "## Cost model"
  echo
  cost_model
}

cost_model() {
  local big small tail log landing ceiling
  big=$(counts "${files[-1]}" "${nodes[-1]}" 0 3)
  small=$(counts "${files[0]}" "${nodes[0]}" 0 3)
  tail="${tails[-1]} $(counts "${files[0]}" "${nodes[0]}" 0 "${tails[-1]}")"
  log="${logs[-1]} $(log_counts "${nodes[0]}" "${logs[-1]}")"
  landing=$(awk '{print $5, $6, $7, $8, $9, $10, $11, $12}' "$work/landing-single.txt")
  # The sustainable ceiling: the best fleet commits/s at a p99 within 3 s with every check ok.
  ceiling=$(awk -F'|' '$2 ~ /delta|daemons/ && $12 + 0 <= 3000 && $16 ~ / ok *$/ {if ($6 + 0 > c) c = $6 + 0} END {print c + 0}' "$work/rows-race.md")
  echo "Per pass, measured above: direct on F=${files[-1]}, D=${nodes[-1]}: \`$big\` (GET HEAD LIST PUT"
  echo "DELETE COPY bytes-read bytes-written); landing: \`$landing\`. Each commit after the checkpoint"
  echo "adds the GETs and bytes measured at T=${tails[-1]}; each 1,000 log files add the LISTs measured at L=${logs[-1]}."
  echo "Sustainable direct ceiling on this machine: **$ceiling commits/s** (best racing run with p99 <= 3 s)."
  echo
  echo "Assumptions: S3 Standard us-east-1 list prices (PUT/COPY/POST/LIST \$0.005 per 1,000;"
  echo "GET/HEAD \$0.0004 per 1,000; DELETE free; data in free); storage, Databricks and the data"
  echo "files' own reads are not counted; 30-day months; one pass per interval, each with new rows;"
  echo "no lost races (above the ceiling there are, and every retry costs a pass's reads again)."
  echo "\"fleet log\": a maintainer checkpoints every 10 minutes (a pass reads on average half of 10"
  echo "minutes of fleet commits after the checkpoint) and \`delta.logRetentionDuration\` is 1 day (a day of"
  echo "fleet commits in \`_delta_log\`, all listed by every pass, 1,000 keys per LIST). \"1 LIST\": the same"
  echo "with the log listed from the checkpoint on (S3 ListObjectsV2 start-after). Landing: the node's"
  echo "requests plus the ingester's (Auto Loader: one GET per file, a LIST per 1,000 files)."
  echo
  awk -v big="$big" -v small="$small" -v tail="$tail" -v longlog="$log" -v landing="$landing" \
    -v ceiling="$ceiling" -f "$root/bench/fleet-cost.awk"
}
