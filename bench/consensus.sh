#!/usr/bin/env bash
# Benchmarks consensus-service against etcd on this machine, one after the other, and prints both
# side by side. One command: bench/consensus.sh (needs the jars: ./mvnw -B -DskipTests package).
#
#  1. a fresh three-node consensus cluster from the jar (temp data dirs; it always fsyncs), -Xmx256m, G1;
#  2. wrk POST /api/log (100-byte payload) at 1, 16 and 64 connections, sent to the LEADER directly;
#  3. failover: kill -9 the leader while a client appends through a surviving node; the gap is the
#     time from the kill to the end of the first successful write started after it; the killed node
#     is restarted and caught up before the next kill;
#  4. heap per node (jcmd GC.heap_info, peak RSS) and a check for OutOfMemoryError;
#  5. a three-member etcd cluster (fsync on, its default), the same wrk load on POST /v3/kv/put
#     (JSON gateway, 100-byte value), sent to ITS leader directly.
#
# Knobs (environment): DURATION (20s per run), WARMUP (30s, the least: the JIT is still compiling after 15; then on
# until the compilers are quiet, at most WARMUP_MAX, 180s), CONNS ("1 16 64"), KILLS (5),
# PROFILE=1 (JFR on the leader during the last wrk run; the .jfr path is printed),
# SKIP_ETCD=1, SKIP_FAILOVER=1, BENCH_PORT_BASE (27000), KEEP=1 (keep the temp dir).
# Traffic goes to 127.0.0.1 only. Every loop is bounded in count and time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-30s}
WARMUP_MAX=${WARMUP_MAX:-180s}
CONNS=${CONNS:-1 16 64}
KILLS=${KILLS:-5}
require_jars consensus-service
command -v wrk >/dev/null || { echo "wrk is needed" >&2; exit 1; }

cleanup() {
  stop_all
  if [[ -n ${KEEP:-} ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

echo "== machine: $(nproc) cores, $(free -m | awk '/Mem:/ {print $2}') MB, $(uname -r), $("$java" -version 2>&1 | head -1)"
echo "== load before: $(load)   work dir: $work"
echo "== machine speed before: $(machine_speed)"

# ---------------------------------------------------------------- consensus-service
log "starting consensus b1..b3 on $(cport 1)-$(cport 3)"
for i in 1 2 3; do start_node "$i"; done
for i in 1 2 3; do wait_ready "$(cport "$i")"; done
leader=$(wait_leader 60)
lport=$(cport "${leader#b}")
log "leader is $leader (port $lport); warming up for at least $WARMUP at 16 connections"
wrk -t2 -c16 -d"$WARMUP" -s "$bench/wrk/append.lua" "http://127.0.0.1:$lport/api/log" >> "$work/wrk.log" 2>&1
# Then on until the JIT is quiet (etcd, compiled ahead of time, needs none of this), reading the leader's metrics
# after each step as every run does.
between_warm_steps() { raft_counters "$lport" > /dev/null; }
warm_until_compiled "${WARMUP%s}" "${WARMUP_MAX%s}" "$bench/wrk/append.lua" "http://127.0.0.1:$lport/api/log" \
  "${node_pid[b1]}" "${node_pid[b2]}" "${node_pid[b3]}"

declare -A qc_res=() etcd_res=()
echo "== consensus-service: POST /api/log to the leader $leader, $DURATION per run"
conns=($CONNS)
for c in "${conns[@]}"; do
  if [[ -n ${PROFILE:-} && $c == "${conns[-1]}" ]]; then
    "$jcmd" "${node_pid[$leader]}" JFR.start name=bench settings=profile filename="$work/leader-$leader.jfr" >/dev/null
  fi
  counters=$(raft_counters "$lport")
  wrk_run consensus "$c" "$DURATION" "$bench/wrk/append.lua" "http://127.0.0.1:$lport/api/log"
  qc_res[$c]=$wrk_result
  raft_delta "$counters" "$(raft_counters "$lport")"
  if [[ -n ${PROFILE:-} && $c == "${conns[-1]}" ]]; then
    "$jcmd" "${node_pid[$leader]}" JFR.stop name=bench >/dev/null
    mkdir -p "$repo/bench/out"; cp "$work/leader-$leader.jfr" "$repo/bench/out/"
    echo "   JFR of the leader during c=$c: $repo/bench/out/leader-$leader.jfr"
  fi
done

echo "== heap per node after the load (limit: $heap_opts)"
for i in 1 2 3; do heap_report "b$i" "${node_pid[b$i]}"; done

# ---------------------------------------------------------------- failover
gaps=()
if [[ -z ${SKIP_FAILOVER:-} ]]; then
  echo "== failover: kill -9 the leader while a client appends through a survivor ($KILLS kills)"
  client() { # url out: one append after another, each line "start_ns end_ns http_code"; stops itself after 40 s
    local end=$((SECONDS + 40)) s code
    while ((SECONDS < end)); do
      s=$(date +%s%N)
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 -X POST -H 'Content-Type: application/json' \
               -d '{"payload":"failover"}' "$1" || true)
      echo "$s $(date +%s%N) $code" >> "$2"
    done
  }
  for k in $(seq 1 "$KILLS"); do
    leader=$(wait_leader 60)
    survivor=b1; [[ $leader == b1 ]] && survivor=b2
    out="$work/failover-$k.txt"; : > "$out"
    client "http://127.0.0.1:$(cport "${survivor#b}")/api/log" "$out" &
    cpid=$!
    sleep 1.5
    t0=$(date +%s%N)
    kill -9 "${node_pid[$leader]}"
    wait "${node_pid[$leader]}" 2>/dev/null || true
    gap=""
    for _ in $(seq 1 200); do  # at most 20 s
      gap=$(awk -v t0="$t0" '$1 >= t0 && $3 == 201 { printf "%d", ($2 - t0) / 1e6; exit }' "$out")
      [[ -n $gap ]] && break
      sleep 0.1
    done
    kill "$cpid" 2>/dev/null || true; wait "$cpid" 2>/dev/null || true
    failed=$(awk -v t0="$t0" '$1 >= t0 && $3 != 201 { n++ } END { print n + 0 }' "$out")
    newleader=$(leader_id)
    printf '  kill %d: killed leader %s, client on %s: gap %s ms (%s failed answers meanwhile), new leader %s, load %s\n' \
      "$k" "$leader" "$survivor" "${gap:-none in 20s}" "$failed" "${newleader:-?}" "$(load)"
    [[ -n $gap ]] && gaps+=("$gap")
    start_node "${leader#b}"
    wait_ready "$(cport "${leader#b}")"
    sleep 2  # let it catch up before the next kill
  done
  if ((${#gaps[@]})); then
    sorted=($(printf '%s\n' "${gaps[@]}" | sort -n))
    n=${#sorted[@]}
    if ((n % 2)); then median=${sorted[n / 2]}; else median=$(( (sorted[n / 2 - 1] + sorted[n / 2]) / 2 )); fi
    echo "  failover gap over $n kills: median ${median} ms, max ${sorted[n - 1]} ms (all: ${sorted[*]})"
  fi
  echo "== heap per node after the kills"
  for i in 1 2 3; do heap_report "b$i" "${node_pid[b$i]}"; done
fi
if grep -l 'OutOfMemoryError' "$work"/n*.log 2>/dev/null; then echo "  OutOfMemoryError found in the logs above!"; else echo "  no OutOfMemoryError in any node's log"; fi
stop_all

# ---------------------------------------------------------------- etcd
if [[ -z ${SKIP_ETCD:-} ]]; then
  eport() { echo $((port_base + 110 + $1)); }   # client ports 27111..27113
  pport() { echo $((port_base + 120 + $1)); }   # peer ports 27121..27123
  cluster=""
  for i in 1 2 3; do cluster+="${cluster:+,}e$i=http://127.0.0.1:$(pport "$i")"; done
  log "starting etcd e1..e3 on $(eport 1)-$(eport 3)"
  for i in 1 2 3; do
    port_free "$(eport "$i")" && port_free "$(pport "$i")" || { echo "etcd port taken" >&2; exit 1; }
    etcd --name "e$i" --data-dir "$work/etcd-$i" \
      --listen-client-urls "http://127.0.0.1:$(eport "$i")" --advertise-client-urls "http://127.0.0.1:$(eport "$i")" \
      --listen-peer-urls "http://127.0.0.1:$(pport "$i")" --initial-advertise-peer-urls "http://127.0.0.1:$(pport "$i")" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token qc-bench \
      --logger zap --log-level warn > "$work/etcd-$i.log" 2>&1 &
    extra_pids+=($!)
  done
  endpoints="127.0.0.1:$(eport 1),127.0.0.1:$(eport 2),127.0.0.1:$(eport 3)"
  eleader=""
  for _ in $(seq 1 120); do
    eleader=$(ETCDCTL_API=3 etcdctl --endpoints="$endpoints" --command-timeout=2s endpoint status -w simple 2>/dev/null \
                | awk -F', ' '$5 == "true" { print $1; exit }' || true)
    [[ -n $eleader ]] && break
    sleep 0.5
  done
  [[ -n $eleader ]] || { echo "etcd elected no leader; see $work/etcd-*.log" >&2; exit 1; }
  log "etcd leader is $eleader; warming up for $WARMUP at 16 connections"
  wrk -t2 -c16 -d"$WARMUP" -s "$bench/wrk/etcd-put.lua" "http://$eleader/v3/kv/put" >> "$work/wrk.log" 2>&1
  echo "== etcd $(etcd --version | awk '/etcd Version/ {print $3}'): POST /v3/kv/put to the leader $eleader, $DURATION per run"
  for c in "${conns[@]}"; do
    wrk_run etcd "$c" "$DURATION" "$bench/wrk/etcd-put.lua" "http://$eleader/v3/kv/put"
    etcd_res[$c]=$wrk_result
  done
  echo "== etcd memory per member"
  for p in "${extra_pids[@]}"; do
    awk -v p="$p" '/VmHWM/ {printf "  pid %s peak RSS %d MB\n", p, $2/1024}' "/proc/$p/status" 2>/dev/null || true
  done
  stop_all
fi

# ---------------------------------------------------------------- side by side
echo
echo "== side by side (writes to the leader, 100-byte values, fsync on, $DURATION per run)"
printf '%-5s | %-34s | %-34s\n' conns "consensus-service: req/s p50 p99" "etcd: req/s p50 p99"
for c in "${conns[@]}"; do
  q=${qc_res[$c]:-} e=${etcd_res[$c]:-}
  printf '%-5s | %9s %9s ms %9s ms | %9s %9s ms %9s ms\n' "$c" \
    "$(kv rps "$q")" "$(kv p50_ms "$q")" "$(kv p99_ms "$q")" "$(kv rps "$e")" "$(kv p50_ms "$e")" "$(kv p99_ms "$e")"
done
((${#gaps[@]})) && echo "failover gap: median ${median} ms, max ${sorted[n - 1]} ms over $n kills"
echo "== load after: $(load)"
echo "== machine speed after: $(machine_speed)"
