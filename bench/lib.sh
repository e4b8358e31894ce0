# Shared by the bench scripts: find the JDK, start and stop consensus nodes, find the leader.
# Sourced, not run. Every wait is bounded in time.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench="$repo/bench"
export BENCH_WRK_DIR="$bench/wrk"
JAVA_HOME=${JAVA_HOME:-$("$repo/scripts/java-home.sh")}
export JAVA_HOME
java="$JAVA_HOME/bin/java"
jcmd="$JAVA_HOME/bin/jcmd"

# Ports apart from the defaults (9001-9003, 8081-8082), and node ids b1-b3 rather than n1-n3, so that a run
# neither collides with ./run.sh or tests on the same machine nor is hit by their "pkill -f --consensus.node-id=n1".
# Override the ports with BENCH_PORT_BASE.
port_base=${BENCH_PORT_BASE:-27000}
cport() { echo $((port_base + $1)); }          # consensus node i -> 27001..27003
peers="b1=http://127.0.0.1:$(cport 1),b2=http://127.0.0.1:$(cport 2),b3=http://127.0.0.1:$(cport 3)"
consensus_urls="http://127.0.0.1:$(cport 1),http://127.0.0.1:$(cport 2),http://127.0.0.1:$(cport 3)"
# G1 for the consensus nodes, as ./run.sh runs them: with Serial GC the leader's p99 at 64 connections was 54 ms,
# not 30-34 (docs/BENCHMARKS.md, "Serial GC for the services"). The services run Serial (bench/orders.sh).
heap_opts=${BENCH_HEAP_OPTS:--Xms256m -Xmx256m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError}

work=$(mktemp -d "${TMPDIR:-/tmp}/qc-bench.XXXXXX")
declare -A node_pid=()
extra_pids=()

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# How fast this machine is at the moment, apart from the project: on shared vCPUs one build's figures moved by half
# within an hour (docs/BENCHMARKS.md), so runs compare only when these lines are alike. One core hashing 256 MB,
# and 200 writes of 4 KB each synced to the work dir's disk (dd oflag=dsync), as a commit is.
machine_speed() {
  local TIMEFORMAT=%R hash_s sync_s
  hash_s=$( { time head -c 268435456 /dev/zero | sha256sum >/dev/null; } 2>&1 )
  sync_s=$(dd if=/dev/zero of="$work/sync-probe" bs=4k count=200 oflag=dsync 2>&1 | awk '/copied/ { print $(NF-3) }')
  rm -f "$work/sync-probe"
  echo "sha256 of 256 MB on one core ${hash_s} s, a synced 4 KB write $(awk -v s="$sync_s" 'BEGIN { printf "%.2f", s * 1000 / 200 }') ms"
}

require_jars() {
  for s in "$@"; do
    [[ -f "$repo/$s/target/$s.jar" ]] || { echo "missing $repo/$s/target/$s.jar: run ./mvnw -B -DskipTests package" >&2; exit 1; }
  done
}

require_tools() { # a missing tool found before minutes of start-up and warm-up, not after (its output goes to /dev/null)
  for t in "$@"; do
    command -v "$t" > /dev/null || { echo "missing $t: sudo apt-get install -y $t" >&2; exit 1; }
  done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_node() { # i [extra jvm args...]: starts consensus node n<i>, data in $work/n<i>
  local i=$1; shift
  port_free "$(cport "$i")" || { echo "port $(cport "$i") is taken" >&2; exit 1; }
  mkdir -p "$work/n$i"
  # shellcheck disable=SC2086
  "$java" $heap_opts "$@" -jar "${CONSENSUS_JAR:-$repo/consensus-service/target/consensus-service.jar}" \
    --server.port="$(cport "$i")" --consensus.node-id="b$i" --consensus.peers="$peers" \
    --consensus.data-dir="$work/n$i/data" --logging.level.root=WARN \
    >> "$work/n$i.log" 2>&1 &
  node_pid[b$i]=$!
}

wait_ready() { # port [timeout s]
  local deadline=$((SECONDS + ${2:-120}))
  until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/actuator/health/readiness" 2>/dev/null; do
    ((SECONDS < deadline)) || { echo "port $1 not ready in time; see $work" >&2; return 1; }
    sleep 0.5
  done
}

leader_id() { # prints the leader's id as some live node sees it, empty if none
  local i id
  for i in 1 2 3; do
    id=$(curl -fsS --max-time 1 "http://127.0.0.1:$(cport "$i")/api/cluster" 2>/dev/null | jq -r '.leaderId // empty' 2>/dev/null)
    [[ -n $id ]] && { echo "$id"; return 0; }
  done
  return 0
}

wait_leader() { # [timeout s] -> prints the leader id once a write through it succeeds
  local deadline=$((SECONDS + ${1:-60})) id
  while ((SECONDS < deadline)); do
    id=$(leader_id)
    if [[ -n $id ]] && curl -fsS -o /dev/null --max-time 3 -X POST -H 'Content-Type: application/json' \
         -d '{"payload":"probe"}' "http://127.0.0.1:$(cport "${id#b}")/api/log" 2>/dev/null; then
      echo "$id"; return 0
    fi
    sleep 0.3
  done
  echo "no leader within the time limit; see $work" >&2
  return 1
}

stop_all() {
  local p
  for p in "${node_pid[@]}" "${extra_pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${node_pid[@]}" "${extra_pids[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  node_pid=(); extra_pids=()
}

heap_report() { # name pid: heap in use and committed (jcmd GC.heap_info), peak RSS
  local name=$1 pid=$2 heap rss
  # G1 prints one line for the whole heap ("committed NK, used MK"), Serial one per generation ("total NK, used MK"),
  # each unindented: their sums.
  heap=$("$jcmd" "$pid" GC.heap_info 2>/dev/null | awk '
    /^[^ ]/ && match($0, /(committed|total) [0-9]+K/) {
      size = substr($0, RSTART, RLENGTH); sub(/.* /, "", size); total += size + 0
      if (match($0, /used [0-9]+K/)) { u = substr($0, RSTART + 5, RLENGTH - 5); used += u + 0; n++ } }
    END { if (n) printf "heap used %d MB of %d MB", used / 1024, total / 1024 }')
  rss=$(awk '/VmHWM/ {printf "%d MB", $2/1024}' "/proc/$pid/status" 2>/dev/null)
  printf '  %-4s pid %-7s %s; peak RSS %s\n' "$name" "$pid" "${heap:-?}" "${rss:-?}"
}

wrk_run() { # label conns duration script url -> prints one line, returns the RESULT line in $wrk_result
  local label=$1 c=$2 d=$3 script=$4 url=$5 t out
  t=$((c < 2 ? 1 : 2))
  local before; before=$(load)
  out=$(wrk -t"$t" -c"$c" -d"$d" --timeout 10s --latency -s "$script" "$url" 2>&1)
  echo "$out" >> "$work/wrk.log"
  wrk_result=$(grep '^RESULT' <<<"$out" | tail -1)
  printf '%-10s c=%-3s %s  load %s -> %s\n' "$label" "$c" "${wrk_result#RESULT }" "$before" "$(load)"
}

kv() { sed -n "s/.*[[:space:]]$1=\([^ ]*\).*/\1/p" <<<" $2"; }

raft_counters() { # port -> "fsyncs fsync_seconds batches entries" from the node's Prometheus page
  curl -fsS --max-time 5 "http://127.0.0.1:$1/actuator/prometheus" 2>/dev/null | awk '
    /^raft_fsync_latency_seconds_count/ { c = $2 } /^raft_fsync_latency_seconds_sum/ { s = $2 }
    /^raft_append_batch_size_count/ { bc = $2 } /^raft_append_batch_size_sum/ { bs = $2 }
    END { printf "%s %s %s %s\n", c + 0, s + 0, bc + 0, bs + 0 }'
}

raft_delta() { # "before" "after" -> a line about the syncs in between
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); n = y[1] - x[1]; e = y[4] - x[4]; k = y[3] - x[3];
    if (n > 0) printf "           leader: %d fsyncs, mean %.2f ms each; %.1f entries per append batch\n", n, 1000 * (y[2] - x[2]) / n, (k > 0 ? e / k : 0) }'
}

cpu_ms() { # pid -> user+system CPU time used so far, in ms
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%d\n", ($14 + $15) * 1000 / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# CPU used so far by each kind of thread of a process: "name|ms" per line, with the digits of a thread's name
# as N so that pools add up (Linux keeps 15 characters of a name). JFR's samples miss what is not Java
# (the collector, the compilers) and count virtual threads unevenly; the kernel's counters miss nothing.
thread_cpu_ms() { # pid
  local stat
  for stat in /proc/"$1"/task/*/stat; do cat "$stat" 2>/dev/null || true; echo; done | awk -v hz="$(getconf CLK_TCK)" '
    NF { from = index($0, "("); to = match($0, /\) [A-Za-z] /); name = substr($0, from + 1, to - from - 1)
         split(substr($0, to + 2), f, " "); gsub(/[0-9]+/, "N", name); ms[name] += (f[12] + f[13]) * 1000 / hz }
    END { for (n in ms) printf "%s|%d\n", n, ms[n] }'
}

compiler_ms() { thread_cpu_ms "$1" | awk -F'|' '/CompilerThre/ { s += $2 } END { print s + 0 }'; } # pid: JIT CPU so far

# After the fixed warm-up, goes on with the same load at 16 connections, 10 s at a time, until no process's JIT
# compiler threads used more than 3 % of a core in two 10 s steps in a row (or until the most seconds given), so
# that a run measures the code and not the compilers: with five JVMs on two cores, C2 was still busy after 90 s,
# and it comes in bursts (5 % in one step, 12 % in the 20 s after it).
warm_until_compiled() { # seconds-so-far max-seconds wrk-script url pid...
  local warmed=$1 max=$2 script=$3 url=$4 busiest used j quiet=0; shift 4
  local pids=("$@") before=()
  while :; do
    before=(); for j in "${!pids[@]}"; do before+=("$(compiler_ms "${pids[$j]}")"); done
    wrk -t2 -c16 -d10s -s "$script" "$url" > /dev/null 2>&1
    # What the runs do besides the load (reading metrics) must be warm too, or the code it loads sets the JIT off again.
    if declare -F between_warm_steps > /dev/null; then between_warm_steps; fi
    warmed=$((warmed + 10)); busiest=0
    for j in "${!pids[@]}"; do
      used=$(( ($(compiler_ms "${pids[$j]}") - before[j]) / 100 )) # ms in 10 s -> % of a core
      if (( used > busiest )); then busiest=$used; fi
    done
    if (( busiest <= 3 )); then quiet=$((quiet + 1)); else quiet=0; fi
    if (( quiet == 2 )); then log "warm after ${warmed}s: the busiest JIT used ${busiest}% of a core in the last 10 s"; return; fi
    if (( warmed >= max )); then log "still compiling after ${warmed}s (${busiest}% of a core); measuring anyway"; return; fi
  done
}

print_thread_cpu() { # label before-file after-file orders: the busiest kinds of thread, in CPU ms per order
  awk -F'|' -v label="$1" -v n="$4" 'FNR == NR { a[$1] = $2; next }
    { d = $2 - a[$1]; total += d; if (d > 0) used[$1] = d }
    END { if (n <= 0 || total <= 0) exit
          line = sprintf("           %-9s threads, CPU ms per order:", label)
          k = 0; while (k < 8) { best = ""; for (t in used) if (best == "" || used[t] > used[best]) best = t
            if (best == "") break; line = line sprintf(" %s %.2f,", best, used[best] / n); delete used[best]; k++ }
          print substr(line, 1, length(line) - 1) }' "$2" "$3"
}
