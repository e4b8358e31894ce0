-- POST /api/orders, one unit of one SKU each; counts answers per wall-clock second for a timeline.
package.path = package.path .. ";" .. (os.getenv("BENCH_WRK_DIR") or ".") .. "/?.lua"
local sku = os.getenv("BENCH_SKU") or "bench-sku"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"sku":"' .. sku .. '","quantity":1}'

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = {}      -- second -> 201 answers
  other = {}   -- second -> any other status
end

function response(status, headers, body)
  local s = os.time()
  if status == 201 then ok[s] = (ok[s] or 0) + 1 else other[s] = (other[s] or 0) + 1 end
end

function done(summary, latency, requests)
  local okall, otherall, first, last = {}, {}, nil, nil
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("ok")) do okall[s] = (okall[s] or 0) + n; first = math.min(first or s, s); last = math.max(last or s, s) end
    for s, n in pairs(t:get("other")) do otherall[s] = (otherall[s] or 0) + n; first = math.min(first or s, s); last = math.max(last or s, s) end
  end
  if first then
    for s = first, last do
      io.write(string.format("SECOND %d %d %d\n", s, okall[s] or 0, otherall[s] or 0))
    end
  end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f requests=%d non2xx=%d errors=%d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout))
end
