# The cost model: S3 requests and bytes per node per day, and $ per node per month at S3 Standard
# list prices (us-east-1: PUT/COPY/POST/LIST $0.005 per 1,000, GET/HEAD $0.0004 per 1,000,
# DELETE free, data in free), for fleets of 1,000 and 10,000 nodes passing every 1 and 5 minutes.
# Inputs (-v): the measured per-pass counts of a direct pass on the largest table (big="get head
# list put delete copy read_b write_b"), of the smallest table (small=...), with a longer tail
# after the checkpoint (tail="T get ... write_b") and with a longer log (longlog="L get ... write_b"),
# of a landing pass (landing=...), and the sustainable fleet commits/s measured (ceiling).
function load(s, a,  n) { n = split(s, a, " "); return n }
function dollars(put, get) { return (put * 0.005 + get * 0.0004) / 1000 }
function row(what, fleet, iv, pass, put, get, rb, wb,  month) {
  month = 30 * pass * dollars(put, get)
  printf "| %s | %d | %d min | %.0f | %.0f | %.0f | %.1f | %.1f | %.3f | %.0f |%s |\n", what, fleet,
    iv, pass, pass * put, pass * get, pass * wb / 1048576, pass * rb / 1048576, month,
    month * fleet, note
}
BEGIN {
  load(big, B); load(small, S); load(tail, T); load(longlog, L); load(landing, G)
  # Extra requests and bytes read per commit since the checkpoint, and LIST pages per log file.
  tailN = T[1]; gpt = (T[2] - S[1]) / (tailN - 3); rpt = (T[8] - S[7]) / (tailN - 3)
  logN = L[1]; lpf = (L[4] - S[3]) / logN
  printf "| pass | fleet | interval | passes/node/day | PUT+LIST/node/day | GET+HEAD/node/day |"
  printf " MB written/node/day | MB read/node/day | $/node/month | $/fleet/month | note |\n"
  printf "|---|---|---|---|---|---|---|---|---|---|---|\n"
  split("1000 10000", fleets, " "); split("1 5", ivs, " ")
  for (f = 1; f <= 2; f++) for (i = 1; i <= 2; i++) {
    fleet = fleets[f]; iv = ivs[i]; pass = 1440 / iv
    demand = fleet / (iv * 60)
    note = demand > ceiling ? " over the measured ceiling: " sprintf("%.0f", demand) " commits/s wanted" : ""
    # Direct, as measured: the largest synthetic table, 3 commits after its checkpoint.
    row("direct, short log", fleet, iv, pass, B[4] + B[3] + B[6], B[1] + B[2], B[7], B[8])
    # Direct on the fleet's own log: a maintainer checkpointing every 10 minutes leaves on average
    # half of 10 minutes' fleet commits after the checkpoint, each read by every pass; with log
    # retention cut to 1 day, a day of fleet commits stays in _delta_log, listed by every pass.
    t = demand * 600 / 2; l = demand * 86400
    get = B[1] + B[2] + t * gpt; list = B[3] + l * lpf
    row("direct, fleet log", fleet, iv, pass, B[4] + list + B[6], get, B[7] + t * rpt, B[8])
    row("direct, fleet log, 1 LIST", fleet, iv, pass, B[4] + B[3] + B[6], get, B[7] + t * rpt, B[8])
    # Landing: the node's own requests, plus the ingester's: one GET per file, a LIST per 1,000.
    note = ""
    row("landing", fleet, iv, pass, G[4] + G[3] + G[6] + 0.001, G[1] + G[2] + 1, G[7] + G[8], G[8])
  }
}
