-- The wrk script of benchmarks/http.sh: the same requests for the server and for the bare baseline.
-- Configured by the environment (wrk hands its own arguments to init() only, too late to choose whether the script
-- reads responses, which costs the client on every request):
--   SUARA_MODE      decisions | collect | beacons
--   SUARA_REQUESTS  lines "COUNTRY<TAB>USER-AGENT<TAB>BODY" (Suara.Ads.Benchmarks --write-requests)
--   SUARA_TOKENS    beacons: event paths ("/v1/events/TOKEN"), one a line, in a file per thread: SUARA_TOKENS.<thread>
--   SUARA_OUT       collect: where each thread writes the impression paths it reads (SUARA_OUT.<thread>)
--   SUARA_RATE      decisions: requests per second for each thread, sent on a fixed schedule (a paced run); absent or
--                   0: as fast as the connections go (a saturated run)
-- decisions: POST /v1/decisions, cycling through the requests (each thread from its own offset), CF-IPCountry and the
--            User-Agent from the line, as a reader's browser on the site's page sends them.
-- collect:   decisions that also keep every impressionUrl of the answers (the decision warm-up; http.sh discards its
--            timings) and the answers' body sizes.
-- beacons:   GET each event path of the thread's file in turn, over and over, with the User-Agents of the requests.
-- A paced run sends the thread's k-th request at start + k / SUARA_RATE whatever the answers' times (wrk asks delay()
-- before each request on a connection; the schedule is the thread's, shared by its connections). wrk times a request
-- from the moment it is sent, so a request sent late (the schedule fell behind: every connection was waiting for an
-- answer) would hide the wait: done() reports how many were sent more than 1 ms late ("late"), and http.sh calls a run
-- with more than 1 % of them one the target could not keep up with.
-- done() prints one line "RESULT key=value ..." for http.sh: latency percentiles are exact, in microseconds.

local mode = os.getenv("SUARA_MODE") or "decisions"
local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

local requests = {}
local position = 0
local out = nil
local pool = nil
local prefix, agents

local function rows(path)
   local list = {}
   for line in io.lines(path) do
      local country, agent, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      if body then
         list[#list + 1] = { country = country, agent = agent, body = body }
      end
   end
   assert(#list > 0, "no requests in " .. path)
   return list
end

local rate = tonumber(os.getenv("SUARA_RATE") or "0") or 0
late = 0
if rate > 0 then
   local ffi = require("ffi")
   ffi.cdef[[
      typedef struct { long tv_sec; long tv_nsec; } suara_timespec;
      int clock_gettime(int clock, suara_timespec *at);
   ]]
   local at = ffi.new("suara_timespec")
   local function now_ms()
      ffi.C.clock_gettime(1, at) -- CLOCK_MONOTONIC
      return tonumber(at.tv_sec) * 1000 + tonumber(at.tv_nsec) / 1e6
   end
   local interval = 1000 / rate
   local due = nil
   function delay()
      local now = now_ms()
      due = (due or now) + interval
      local wait = due - now
      if wait < -1 then
         late = late + 1
      end
      return wait > 0 and math.floor(wait + 0.5) or 0
   end
end

function init(args)
   local pages = rows(os.getenv("SUARA_REQUESTS"))
   if mode == "beacons" then
      -- Read a line per request rather than loaded up front: wrk starts each thread as soon as its init() returns and
      -- the clock once every thread has started, so a long init() would give the first threads extra time.
      pool = assert(io.open(os.getenv("SUARA_TOKENS") .. "." .. id, "r"))
      prefix = " HTTP/1.1\r\nHost: " .. wrk.headers["Host"] .. "\r\nUser-Agent: "
      agents = {}
      for i, page in ipairs(pages) do
         agents[i] = page.agent .. "\r\n\r\n"
      end
   else
      for _, page in ipairs(pages) do
         requests[#requests + 1] = wrk.format("POST", "/v1/decisions", {
            ["Content-Type"] = "application/json",
            ["Origin"] = "https://bench.example",
            ["CF-IPCountry"] = page.country,
            ["User-Agent"] = page.agent,
         }, page.body)
      end
      position = (id * 997) % #requests
   end
   if mode == "collect" then
      out = assert(io.open(os.getenv("SUARA_OUT") .. "." .. id, "w"))
      answers, answer_bytes, impressions = 0, 0, 0
   end
end

function request()
   if pool then
      local path = pool:read("*l")
      if not path then
         pool:seek("set")
         path = assert(pool:read("*l"), "an empty pool of event paths")
      end
      position = position % #agents + 1
      return "GET " .. path .. prefix .. agents[position]
   end
   position = position % #requests + 1
   return requests[position]
end

if mode == "collect" then
   function response(status, headers, body)
      if status ~= 200 or not body then
         return
      end
      answers = answers + 1
      answer_bytes = answer_bytes + #body
      -- Plain finds: a pattern (gmatch) over every 4 KB answer costs wrk more than the server's decision.
      local at = 1
      while true do
         local _, open = body:find('"impressionUrl":"', at, true)
         if not open then
            break
         end
         local close = body:find('"', open + 1, true)
         out:write(body:sub(open + 1, close - 1), "\n")
         impressions = impressions + 1
         at = close + 1
      end
      if answers % 1000 == 0 then
         out:flush() -- the rest when wrk exits
      end
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   local line = string.format(
      "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d p999_us=%d max_us=%d status_errors=%d socket_errors=%d",
      summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
      latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
      e.status, e.connect + e.read + e.write + e.timeout)
   local late = 0
   for _, thread in ipairs(threads) do
      late = late + (thread:get("late") or 0)
   end
   line = line .. string.format(" late=%d", late)
   if mode == "collect" then
      local answers, bytes, impressions = 0, 0, 0
      for _, thread in ipairs(threads) do
         answers = answers + thread:get("answers")
         bytes = bytes + thread:get("answer_bytes")
         impressions = impressions + thread:get("impressions")
      end
      line = line .. string.format(" answers=%d answer_bytes=%d impressions=%d", answers, bytes, impressions)
   end
   print(line)
end
