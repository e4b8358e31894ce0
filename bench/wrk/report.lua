-- Shared by the wrk scripts: one machine-readable line at the end of a run.
-- RESULT rps=<requests/s> p50_ms=<> p90_ms=<> p99_ms=<> max_ms=<> requests=<n> non2xx=<n> errors=<socket errors>
function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f requests=%d non2xx=%d errors=%d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout))
end
