-- wrk script for bench/read.py: count responses that are not 2xx and print the totals
-- on one line ("FFBENCH key=value ...") that read.py parses. With the script argument
-- "uncached" (wrk ... URL -- uncached) every request gets its own query string, so that
-- no request is answered from the page cache.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function init(args)
   non2xx = 0
   if args[1] == "uncached" then
      local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
      local prefix = wrk.path .. sep .. "bench-miss=" .. tostring(wrk.thread:get("id")) .. "-"
      local n = 0
      request = function()
         n = n + 1
         return wrk.format(nil, prefix .. n)
      end
   end
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
   end
end

function done(summary, latency, requests)
   local non2xx_total = 0
   for _, thread in ipairs(threads) do
      non2xx_total = non2xx_total + (thread:get("non2xx") or 0)
   end
   local e = summary.errors
   io.write(string.format(
      "FFBENCH requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d timeout=%d"
         .. " status=%d non2xx=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f\n",
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout,
      e.status, non2xx_total, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, latency.mean
   ))
end
