#!/usr/bin/env bash
# Starts the whole cluster on this machine: consensus nodes n1-n3 on 9001-9003, inventory-service
# on 8082 and order-service on 8081, with their data under ./data of the current directory (a second
# run finds it again). Builds the jars first when they are missing or older than their sources.
# Ctrl-C stops every process this script started, and only those.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
JAVA_HOME=$("$repo/scripts/java-home.sh")
export JAVA_HOME
java="$JAVA_HOME/bin/java"
data="$PWD/data"
logs="$data/logs"
mkdir -p "$logs"

consensus_urls=http://127.0.0.1:9001,http://127.0.0.1:9002,http://127.0.0.1:9003
peers=n1=http://127.0.0.1:9001,n2=http://127.0.0.1:9002,n3=http://127.0.0.1:9003
services=(consensus-service inventory-service order-service)

stale() { # a jar is stale when any source or POM of the build is newer
  local jar="$repo/$1/target/$1.jar"
  [[ ! -f "$jar" ]] && return 0
  [[ -n $(find "$repo/pom.xml" "$repo/$1/pom.xml" "$repo/$1/src" "$repo/twopc/pom.xml" "$repo/twopc/src" \
            "$repo/web-problems/pom.xml" "$repo/web-problems/src" \
            -newer "$jar" -type f -print -quit 2>/dev/null) ]]
}
for s in "${services[@]}"; do
  if stale "$s"; then
    echo "Building the jars (./mvnw -DskipTests package) ..."
    (cd "$repo" && ./mvnw -B -q -DskipTests package)
    break
  fi
done

pids=()
names=()
commands=()
stop_all() {
  trap - INT TERM EXIT
  # Stopping must finish even if whoever reads our output is gone (a closed pipe, a closed terminal).
  trap '' PIPE
  if ((${#pids[@]})); then
    echo
    echo "Stopping ${names[*]} (pids ${pids[*]}) ..."
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    echo "Stopped. Data is kept in $data; logs in $logs."
  fi
}
# A signal stops everything and ends the script; without the exit, bash would return to the
# supervise loop below and start the processes again.
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT

start() { # name port jar args...
  local name=$1 port=$2 jar=$3
  shift 3
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is taken: is a cluster already running? Stop it first." >&2
    exit 1
  fi
  # Serial GC for the services, G1 for the consensus nodes: what measured best for each
  # (docs/BENCHMARKS.md, "Serial GC for the services").
  local gc=-XX:+UseSerialGC
  [[ $jar == consensus-service ]] && gc=-XX:+UseG1GC
  # Extracted, not the executable jar: see scripts/extracted-jar.sh.
  local runnable
  runnable=$("$repo/scripts/extracted-jar.sh" "$jar")
  commands+=("$(printf '%q ' "$java" -Xmx384m "$gc" -jar "$runnable" --server.port="$port" "$@")")
  names+=("$name")
  launch $((${#names[@]} - 1))
}

launch() { # index: (re)starts the process of that index, appending to its log
  # exec: the background job becomes the java process itself, so its pid is the one to stop.
  eval "exec ${commands[$1]}" >> "$logs/${names[$1]}.log" 2>&1 &
  pids[$1]=$!
  echo "Started ${names[$1]} (pid $!, log $logs/${names[$1]}.log)"
}

# The chaos switch is on: this cluster is for trying things out, and cutting a node off is one of them
# (POST /api/chaos/partition on a node, the README's tour). A cluster of yours leaves it off, its default.
for i in 1 2 3; do
  start "consensus-n$i" "900$i" consensus-service \
    --consensus.node-id="n$i" --consensus.peers="$peers" --consensus.data-dir="$data/consensus-n$i" \
    --consensus.chaos.enabled=true
done
start inventory-service 8082 inventory-service \
  --consensus.urls="$consensus_urls" --spring.datasource.url="jdbc:h2:file:$data/inventory"
start order-service 8081 order-service \
  --consensus.urls="$consensus_urls" --inventory.url=http://127.0.0.1:8082 --spring.datasource.url="jdbc:h2:file:$data/orders"

ready() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$1/actuator/health/readiness"; }
echo "Waiting for all five to be ready ..."
deadline=$((SECONDS + ${QC_START_TIMEOUT:-240}))
for port in 9001 9002 9003 8082 8081; do
  until ready "$port"; do
    for i in "${!pids[@]}"; do
      kill -0 "${pids[$i]}" 2>/dev/null || { echo "${names[$i]} exited; see $logs/${names[$i]}.log:" >&2; tail -20 "$logs/${names[$i]}.log" >&2; exit 1; }
    done
    ((SECONDS < deadline)) || { echo "Port $port was not ready in time; see $logs" >&2; exit 1; }
    sleep 1
  done
done

# A few demo SKUs, stocked only when inventory has never heard of them: a restart keeps what it has.
for sku in apple:100 banana:50 cherry:10; do
  if [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:8082/api/inventory/${sku%%:*}") == 404 ]]; then
    curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/json' \
      -d "{\"available\": ${sku##*:}}" "http://127.0.0.1:8082/api/inventory/${sku%%:*}" \
      && echo "Stocked ${sku##*:} of ${sku%%:*}"
  fi
done

cat <<MSG

Quorum Commit is up. Swagger UI:
  order-service      http://127.0.0.1:8081/swagger-ui.html
  inventory-service  http://127.0.0.1:8082/swagger-ui.html
  consensus n1       http://127.0.0.1:9001/swagger-ui.html
  consensus n2       http://127.0.0.1:9002/swagger-ui.html
  consensus n3       http://127.0.0.1:9003/swagger-ui.html
Cluster state: curl http://127.0.0.1:9001/api/cluster
Press Ctrl-C to stop all five. A process that dies (kill -9 a leader!) is started again after
${QC_RESTART_DELAY:-10} s, as a supervisor would, so that you can watch it rejoin and catch up.
MSG

# Supervise: report a death at once, restart after a pause long enough to watch the cluster without it.
declare -A died_at=()
while true; do
  sleep 1
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      if [[ -z "${died_at[$i]:-}" ]]; then
        died_at[$i]=$SECONDS
        echo "$(date +%T) ${names[$i]} (pid ${pids[$i]}) is gone; starting it again in ${QC_RESTART_DELAY:-10} s"
      elif ((SECONDS - died_at[$i] >= ${QC_RESTART_DELAY:-10})); then
        unset "died_at[$i]"
        launch "$i"
      fi
    fi
  done
done
