#!/usr/bin/env bash
# GET /api/orders over many orders: order-service alone (its consensus and inventory URLs point nowhere: listing needs
# neither) on an H2 file holding ORDERS orders, written by SQL in batches of 100,000, in a heap of LIST_HEAP with GC
# logging; the whole list fetched twice with curl. Prints, for each fetch, the status, the bytes, the orders in them
# and the seconds; then whether the service is still up and its heap after a full GC. The answer is written as the
# orders are read, so the heap it takes should not grow with ORDERS.
#
# Knobs: ORDERS (1000000), LIST_HEAP (160m, under the 384m ./run.sh gives a service), BENCH_PORT_BASE (27000), KEEP=1.
# Needs some 10 GB of disk for the default million (H2's file while the rows are written). Traffic goes to 127.0.0.1
# only; every wait is bounded.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ORDERS=${ORDERS:-1000000}
LIST_HEAP=${LIST_HEAP:-160m}
BATCH=100000
require_jars order-service
require_tools curl
port=$((port_base + 91))
url="http://127.0.0.1:$port"
jar="$repo/order-service/target/order-service.jar"
db="jdbc:h2:file:$work/orders"

cleanup() {
  stop_all
  if [[ -n ${KEEP:-} ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

start_order_service() { # jvm args...
  port_free "$port" || { echo "port $port is taken" >&2; exit 1; }
  "$java" "$@" -jar "$jar" --server.port="$port" --spring.datasource.url="$db" --logging.level.root=WARN \
    --consensus.urls=http://127.0.0.1:1 --inventory.url=http://127.0.0.1:1 >> "$work/order.log" 2>&1 &
  extra_pids+=($!)
  # Liveness, not readiness: readiness waits for consensus, which is not there.
  local deadline=$((SECONDS + 180))
  until curl -fsS -o /dev/null --max-time 2 "$url/actuator/health/liveness" 2>/dev/null; do
    ((SECONDS < deadline)) || { echo "order-service not up in time; see $work/order.log" >&2; exit 1; }
    sleep 1
  done
}

# H2's own jar, as the service uses it, for its SQL shell.
h2=$("$JAVA_HOME/bin/jar" tf "$jar" | grep -m1 '^BOOT-INF/lib/h2-')
(cd "$work" && "$JAVA_HOME/bin/jar" xf "$jar" "$h2")

echo "== machine: $(nproc) cores, $(uname -r), $("$java" -version 2>&1 | head -1)"
log "making the schema (Flyway, at the service's start), then $ORDERS orders by SQL"
start_order_service -Xmx384m -XX:+UseSerialGC
stop_all
for ((from = 1; from <= ORDERS; from += BATCH)); do
  to=$((from + BATCH - 1 < ORDERS ? from + BATCH - 1 : ORDERS))
  "$java" -cp "$work/$h2" org.h2.tools.Shell -url "$db" -user sa -password "" -sql "
    insert into orders (id, sku, quantity, status, tx_id, created_at)
    select random_uuid(), 'apple', 1, 'CONFIRMED', random_uuid(),
           dateadd('MILLISECOND', x, timestamp with time zone '2026-01-01 00:00:00+00')
    from system_range($from, $to)" > /dev/null
done
log "H2 file: $(du -m "$work/orders.mv.db" | cut -f1) MB"

start_order_service "-Xmx$LIST_HEAP" -Xms"$LIST_HEAP" -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError "-Xlog:gc:file=$work/gc.log"
pid=${extra_pids[-1]}
for fetch in 1 2; do
  read -r status bytes seconds < <(curl -s -o "$work/list.json" -w '%{http_code} %{size_download} %{time_total}\n' \
    --max-time 600 "$url/api/orders" || true)
  listed=$(grep -o '"orderId"' "$work/list.json" | wc -l)
  printf 'GET /api/orders #%d: %s, %s bytes, %s orders, %s s\n' "$fetch" "$status" "$bytes" "$listed" "$seconds"
done
if kill -0 "$pid" 2>/dev/null; then
  "$jcmd" "$pid" GC.run > /dev/null
  echo "order-service is up after both (heap $LIST_HEAP); after a full GC:"
  heap_report ord "$pid"
  echo "  full GCs during the run: $(grep -c 'Pause Full' "$work/gc.log" || true)"
else
  echo "order-service is gone: $(grep -m1 -o 'OutOfMemoryError[^ ]*' "$work/order.log" || echo 'see its log')"
fi
