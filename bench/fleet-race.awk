# Racing writers' commits (lines: writer, log time as seconds since midnight, duration_ms,
# attempts) into one Markdown row. In delta mode each writer's first commit waited at the gate
# (daemons: it is the node joining the table, at start-up), so its duration is not a latency:
# the herd column says how long after the release the last of those first commits landed.
function sod(t,  p) { split(t, p, ":"); return p[1] * 3600 + p[2] * 60 + p[3] }
BEGIN { r = sod(rel); start = -1 }
{
  s = $2; if (s < r - 43200) s += 86400
  if (!($1 in seen)) {
    seen[$1] = 1
    if (s - r > herd) herd = s - r
    if (mode != "landing") first = 1; else first = 0
  } else first = 0
  if (!first) lat[++m] = $3 + 0
  b = s - $3 / 1000; if (start < 0 || b < start) start = b
  if (s > end) end = s
  conflicts += $4 - 1; if ($4 > 1) retried++; if ($4 > maxa) maxa = $4
}
END {
  if (mode != "landing") start = r
  for (i = 2; i <= m; i++) { v = lat[i]; for (j = i - 1; j >= 1 && lat[j] > v; j--) lat[j + 1] = lat[j]; lat[j + 1] = v }
  p50 = m ? lat[int(0.5 * m + 0.999999)] : 0; p99 = m ? lat[int(0.99 * m + 0.999999)] : 0
  w = end - start
  printf "| %s | %d | %d | %.1f | %.1f | %d | %d | %d | %d | %d | %d | %d | %.1f | %d | %s |\n",
    mode, n, NR, w, (w > 0 ? NR / w : 0), conflicts, retried, maxa, retries, p50, p99, lat[m],
    herd, failed, check
}
