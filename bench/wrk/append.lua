-- POST /api/log with a 100-byte payload (a JSON string of 100 ASCII characters).
package.path = package.path .. ";" .. (os.getenv("BENCH_WRK_DIR") or ".") .. "/?.lua"
require "report"
local payload = string.rep("x", 100)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"payload":"' .. payload .. '"}'
