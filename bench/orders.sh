#!/usr/bin/env bash
# Orders per second end to end: three consensus nodes, inventory-service and order-service from the
# jars (temp dirs, H2 files, Raft fsync on), one SKU stocked with plenty, then wrk POST /api/orders
# (one unit each) at 16 and 64 connections: throughput of 201 CONFIRMED answers, p50, p99. Then a
# run with the consensus leader killed (kill -9) in the middle and restarted later, printed as a
# per-second timeline of confirmed orders and other answers. After each run: CPU per order per process,
# and where the time went in that run (each route's mean server time, the coordinator's four steps);
# at the end, heap and the services' H2 file sizes.
#
# Knobs: DURATION (20s), WARMUP (90s, the least: after 15 s an order cost 22 ms of CPU, after 90 s 3.5 ms; then on
# until the JIT compilers are quiet, see below, at most WARMUP_MAX, 300s), CONNS ("16 64"), KILL_CONNS (16), KILL_RUN (30: seconds;
# the kill is at a third, the restart at two thirds), SKIP_KILL=1, SERVICE_HEAP_OPTS (-Xms384m -Xmx384m -XX:+UseSerialGC), PROFILE=1 (JFR on order-service,
# inventory-service and the consensus leader during the first run), THREADS=1 (each service's busiest kinds of
# thread, in CPU per order, after each run), H2_URL_OPTS (appended to both services' H2 URLs, e.g. ";PAGE_SIZE=4096"),
# BENCH_PORT_BASE (27000), KEEP=1.
# Traffic goes to 127.0.0.1 only; every loop is bounded.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-90s}
WARMUP_MAX=${WARMUP_MAX:-300s}
CONNS=${CONNS:-16 64}
KILL_CONNS=${KILL_CONNS:-16}
KILL_RUN=${KILL_RUN:-30}
require_jars consensus-service inventory-service order-service
require_tools wrk curl jq
# The services get the heap ./run.sh gives them (the 256 MB limit is the consensus nodes'); with 256 MB,
# order-service at 800 orders/s ran out of room to evacuate into and paused 50-225 ms every few minutes.
# Serial GC, as there: at 16 clients its p99 was 51-113 ms (median 72), G1's 70-154 (median 100); docs/BENCHMARKS.md.
service_heap_opts=${SERVICE_HEAP_OPTS:--Xms384m -Xmx384m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError}
order_port=$((port_base + 81))
inventory_port=$((port_base + 82))
export BENCH_SKU=bench-sku

cleanup() {
  stop_all
  if [[ -n ${KEEP:-} ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

start_service() { # name port jar args...
  local name=$1 port=$2 jar=$3
  shift 3
  port_free "$port" || { echo "port $port is taken" >&2; exit 1; }
  # shellcheck disable=SC2086
  "$java" $service_heap_opts -jar "$repo/$jar/target/$jar.jar" --server.port="$port" --logging.level.root=WARN "$@" \
    >> "$work/$name.log" 2>&1 &
  extra_pids+=($!)
}

echo "== machine: $(nproc) cores, $(free -m | awk '/Mem:/ {print $2}') MB, $(uname -r), $("$java" -version 2>&1 | head -1)"
echo "== load before: $(load)   work dir: $work"
echo "== machine speed before: $(machine_speed)"
log "starting consensus b1..b3, inventory-service :$inventory_port, order-service :$order_port"
for i in 1 2 3; do start_node "$i"; done
start_service inventory "$inventory_port" inventory-service \
  --consensus.urls="$consensus_urls" --spring.datasource.url="jdbc:h2:file:$work/inventory${H2_URL_OPTS:-}"
start_service order "$order_port" order-service \
  --consensus.urls="$consensus_urls" --inventory.url="http://127.0.0.1:$inventory_port" \
  --spring.datasource.url="jdbc:h2:file:$work/orders${H2_URL_OPTS:-}"
for p in "$(cport 1)" "$(cport 2)" "$(cport 3)" "$inventory_port" "$order_port"; do wait_ready "$p" 240; done
leader=$(wait_leader 60)
stock=100000000
curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/json' -d "{\"available\": $stock}" \
  "http://127.0.0.1:$inventory_port/api/inventory/$BENCH_SKU"
url="http://127.0.0.1:$order_port/api/orders"
log "consensus leader is $leader; stocked $BENCH_SKU with $stock; warming up for at least $WARMUP at 16 connections"
wrk -t2 -c16 -d"$WARMUP" -s "$bench/wrk/orders.lua" "$url" > /dev/null 2>&1

# Where an order's time goes: each hop's server time per route (http_server_requests) and the coordinator's
# step timers (twopc_step_latency), as totals "name|key|count|seconds" per line, taken before and after a run
# so that the means printed cover that run only (not the warm-up, when the JIT had not compiled anything yet).
hop_totals() { # name port
  curl -fsS --max-time 5 "http://127.0.0.1:$2/actuator/prometheus" 2>/dev/null | awk -v name="$1" '
    /^http_server_requests_seconds_(count|sum)\{/ && !/actuator/ {
      match($0, /method="[A-Z]+"/); m = substr($0, RSTART + 8, RLENGTH - 9)
      match($0, /uri="[^"]*"/); u = substr($0, RSTART + 5, RLENGTH - 6)
      k = m " " u; if ($0 ~ /_count\{/) c[k] += $2; else s[k] += $2 }
    /^twopc_step_latency_seconds_(count|sum)\{/ {
      match($0, /step="[a-z]+"/); k = "2PC step " substr($0, RSTART + 6, RLENGTH - 7)
      if ($0 ~ /_count\{/) c[k] += $2; else s[k] += $2 }
    END { for (k in c) printf "%s|%s|%d|%.6f\n", name, k, c[k], s[k] }'
}
all_hop_totals() { # leader id (b1..b3), or empty while there is none
  hop_totals order "$order_port"; hop_totals inventory "$inventory_port"
  if [[ -n $1 ]]; then hop_totals consensus-leader "$(cport "${1#b}")"; fi
}
print_hop_means() { # before-file after-file
  awk -F'|' 'FNR == NR { c0[$1 "|" $2] = $3; s0[$1 "|" $2] = $4; next }
    { dc = $3 - c0[$1 "|" $2]; ds = $4 - s0[$1 "|" $2]
      if (dc > 10) printf "   %-17s %-34s %8d calls, mean %7.1f ms\n", $1, $2, dc, 1000 * ds / dc }' "$1" "$2" | sort
}

# The JIT is not done when WARMUP is: on two cores shared by five JVMs, C2 still took a quarter of the CPU
# at 90 s (0.96 of 2.9 ms an order in order-service), and the first run measured the compilers.
between_warm_steps() { all_hop_totals "$(leader_id)" > /dev/null; }
warm_until_compiled "${WARMUP%s}" "${WARMUP_MAX%s}" "$bench/wrk/orders.lua" "$url" \
  "${node_pid[b1]}" "${node_pid[b2]}" "${node_pid[b3]}" "${extra_pids[@]}"

echo "== POST /api/orders (one unit), $DURATION per run; rps counts every answer, non2xx the ones that were not 201"
results=() # one per run, in the order of CONNS (which may name a count twice, to watch a warm-up end)
first=1
for c in $CONNS; do
  if [[ -n ${PROFILE:-} && -n $first ]]; then
    for j in 0 1; do "$jcmd" "${extra_pids[$j]}" JFR.start name=bench settings=profile filename="$work/svc-$j.jfr" >/dev/null; done
    profiled_leader=$(leader_id)
    "$jcmd" "${node_pid[$profiled_leader]}" JFR.start name=bench settings=profile filename="$work/leader.jfr" >/dev/null
  fi
  procs=(b1 b2 b3 inventory order)
  pids=("${node_pid[b1]}" "${node_pid[b2]}" "${node_pid[b3]}" "${extra_pids[0]}" "${extra_pids[1]}")
  cpu0=(); for p in "${pids[@]}"; do cpu0+=("$(cpu_ms "$p")"); done
  if [[ -n ${THREADS:-} ]]; then for j in 0 1; do thread_cpu_ms "${extra_pids[$j]}" > "$work/threads-$j-before"; done; fi
  run_leader=$(leader_id)
  all_hop_totals "$run_leader" > "$work/hops-before"
  wrk_run orders "$c" "$DURATION" "$bench/wrk/orders.lua" "$url"
  all_hop_totals "$run_leader" > "$work/hops-after"
  results+=("$c $wrk_result")
  n=$(kv requests "$wrk_result")
  line="           CPU per order (ms):"
  for j in "${!pids[@]}"; do
    line+=" ${procs[$j]} $(awk -v a="${cpu0[$j]}" -v b="$(cpu_ms "${pids[$j]}")" -v n="$n" 'BEGIN { printf "%.1f", (n > 0 ? (b - a) / n : 0) }')"
  done
  echo "$line (leader $(leader_id))"
  if [[ -n ${THREADS:-} ]]; then
    for j in 0 1; do
      thread_cpu_ms "${extra_pids[$j]}" > "$work/threads-$j-after"
      print_thread_cpu "${procs[$((j + 3))]}" "$work/threads-$j-before" "$work/threads-$j-after" "$n"
    done
  fi
  echo "           where the time went in this run (server time per route and hop; the coordinator's steps):"
  print_hop_means "$work/hops-before" "$work/hops-after"
  if [[ -n ${PROFILE:-} && -n $first ]]; then
    mkdir -p "$bench/out"
    for j in 0 1; do "$jcmd" "${extra_pids[$j]}" JFR.stop name=bench >/dev/null; done
    "$jcmd" "${node_pid[$profiled_leader]}" JFR.stop name=bench >/dev/null
    cp "$work/svc-0.jfr" "$bench/out/inventory-c$c.jfr"; cp "$work/svc-1.jfr" "$bench/out/order-c$c.jfr"
    cp "$work/leader.jfr" "$bench/out/consensus-leader-c$c.jfr"
    echo "   JFR during c=$c: $bench/out/order-c$c.jfr, $bench/out/inventory-c$c.jfr, $bench/out/consensus-leader-c$c.jfr"
  fi
  first=""
done

if [[ -z ${SKIP_KILL:-} ]]; then
  leader=$(wait_leader 60)
  kill_at=$((KILL_RUN / 3)) restart_at=$((2 * KILL_RUN / 3))
  echo "== leader kill: $KILL_CONNS connections for ${KILL_RUN}s; kill -9 of the consensus leader $leader at +${kill_at}s, restarted at +${restart_at}s"
  before=$(load)
  wrk -t2 -c"$KILL_CONNS" -d"${KILL_RUN}s" --timeout 10s --latency -s "$bench/wrk/orders.lua" "$url" > "$work/kill-run.txt" 2>&1 &
  wpid=$!
  start_s=$(date +%s)
  sleep "$kill_at"
  kill -9 "${node_pid[$leader]}"; wait "${node_pid[$leader]}" 2>/dev/null || true
  kill_s=$(date +%s)
  sleep $((restart_at - kill_at))
  start_node "${leader#b}"
  restart_s=$(date +%s)
  wait "$wpid" || true
  echo "   second  confirmed(201)  other   (t=0 is wrk's start; K = kill, R = restart)"
  awk -v t0="$start_s" -v k="$kill_s" -v r="$restart_s" '/^SECOND/ {
      mark = ($2 == k ? " K" : "") ($2 == r ? " R" : "")
      printf "   %+5d  %8d  %8d %s\n", $2 - t0, $3, $4, mark }' "$work/kill-run.txt"
  kill_res=$(grep '^RESULT' "$work/kill-run.txt" || true)
  echo "   whole run: ${kill_res#RESULT }  load $before -> $(load)"
  sleep 5
  pending=$(curl -fsS --max-time 10 "$url?status=PENDING" | jq length 2>/dev/null || echo "?")
  echo "   orders still PENDING 5 s after the run: $pending"
fi

echo "== stock and heap"
curl -fsS --max-time 5 "http://127.0.0.1:$inventory_port/api/inventory/$BENCH_SKU" | jq -c . || true
for i in 1 2 3; do heap_report "b$i" "${node_pid[b$i]}"; done
heap_report inv "${extra_pids[0]}"; heap_report ord "${extra_pids[1]}"
echo "== H2 files: $(cd "$work" && for f in *.mv.db; do printf '%s %s MB  ' "$f" $(( $(stat -c %s "$f") / 1048576 )); done)"
if grep -l 'OutOfMemoryError' "$work"/*.log 2>/dev/null; then echo "  OutOfMemoryError found!"; fi

echo
echo "== orders end to end (201 CONFIRMED per second, latency of every answer)"
for result in "${results[@]}"; do
  c=${result%% *}; r=${result#* }
  printf '   c=%-3s %8s orders/s  p50 %8s ms  p99 %8s ms  non-201 %s\n' "$c" "$(kv rps "$r")" "$(kv p50_ms "$r")" "$(kv p99_ms "$r")" "$(kv non2xx "$r")"
done
echo "== load after: $(load)"
echo "== machine speed after: $(machine_speed)"
