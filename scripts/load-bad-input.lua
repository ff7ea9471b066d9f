-- wrk script for scripts/load-bad-input.sh: cycles through valid, disallowed and malformed
-- CORS requests against the quickstart example and counts what came back.
--
-- Modes (wrk ... -s load-bad-input.lua URL -- MODE):
--   mixed   every variant, malformed HTTP included; counts responses and 5xx.
--   checked only variants that keep the connection open; with one connection per thread the
--           responses arrive in request order, so each one is checked against what its
--           variant expects (status, and Access-Control-Allow-Origin exactly or absent).
--
-- The quickstart policy: origins https://app.example, https://*.app.example,
-- http://localhost:*; methods GET, PUT; headers content-type; no credentials.

local function raw(lines, body)
   return table.concat(lines, "\r\n") .. "\r\n\r\n" .. (body or "")
end

local big_origin = "https://" .. string.rep("a", 8 * 1024) .. ".app.example"
local big_list = string.rep("content-type,", 5000) .. "x-evil"

-- { name, raw request, expected status (nil: any non-5xx), expected ACAO (false: absent),
--   keeps the connection open }
local variants = {
   { "allowed GET", raw { "GET /api/items HTTP/1.1", "Host: api", "Origin: https://app.example" },
     200, "https://app.example", true },
   { "allowed subdomain preflight", raw { "OPTIONS /api/items/7 HTTP/1.1", "Host: api",
     "Origin: https://eu.app.example", "Access-Control-Request-Method: PUT",
     "Access-Control-Request-Headers: content-type" }, 204, "https://eu.app.example", true },
   { "allowed localhost any port", raw { "GET /api/items HTTP/1.1", "Host: api",
     "Origin: http://localhost:3000" }, 200, "http://localhost:3000", true },
   { "allowed PUT", raw({ "PUT /api/items/1 HTTP/1.1", "Host: api", "Origin: https://app.example",
     "Content-Type: text/plain", "Content-Length: 2" }, "hi"), 200, "https://app.example", true },
   { "no Origin", raw { "GET /api/items HTTP/1.1", "Host: api" }, 200, false, true },
   { "disallowed origin", raw { "GET /api/items HTTP/1.1", "Host: api", "Origin: https://evil.example" },
     200, false, true },
   { "suffix trick", raw { "GET /api/items HTTP/1.1", "Host: api", "Origin: https://app.example.evil.com" },
     200, false, true },
   { "prefix trick", raw { "GET /api/items HTTP/1.1", "Host: api", "Origin: https://evilapp.example" },
     200, false, true },
   { "apex of wildcard via userinfo", raw { "GET /api/items HTTP/1.1", "Host: api",
     "Origin: https://app.example@evil.com" }, 200, false, true },
   { "scheme downgrade", raw { "GET /api/items HTTP/1.1", "Host: api", "Origin: http://app.example" },
     200, false, true },
   { "upper case", raw { "GET /api/items HTTP/1.1", "Host: api", "Origin: HTTPS://APP.EXAMPLE" },
     200, false, true },
   { "null", raw { "GET /api/items HTTP/1.1", "Host: api", "Origin: null" }, 200, false, true },
   { "non-ASCII host", raw { "GET /api/items HTTP/1.1", "Host: api",
     "Origin: https://b\195\188cher.app.example" }, 200, false, true },
   { "repeated Origin", raw { "GET /api/items HTTP/1.1", "Host: api", "Origin: https://app.example",
     "Origin: https://app.example" }, 200, false, true },
   { "comma-joined Origin", raw { "GET /api/items HTTP/1.1", "Host: api",
     "Origin: https://app.example, https://evil.example" }, 200, false, true },
   { "8 KiB Origin", raw { "GET /api/items HTTP/1.1", "Host: api", "Origin: " .. big_origin },
     200, false, true },
   { "disallowed preflight", raw { "OPTIONS /api/items HTTP/1.1", "Host: api",
     "Origin: https://evil.example", "Access-Control-Request-Method: PUT" }, 403, false, true },
   { "preflight, method not allowed", raw { "OPTIONS /api/items HTTP/1.1", "Host: api",
     "Origin: https://app.example", "Access-Control-Request-Method: DELETE" }, 403, false, true },
   { "preflight, lower-case method", raw { "OPTIONS /api/items HTTP/1.1", "Host: api",
     "Origin: https://app.example", "Access-Control-Request-Method: put" }, 403, false, true },
   { "preflight, header not allowed", raw { "OPTIONS /api/items HTTP/1.1", "Host: api",
     "Origin: https://app.example", "Access-Control-Request-Method: PUT",
     "Access-Control-Request-Headers: content-type, x-evil" }, 403, false, true },
   { "preflight, 64 KiB header list", raw { "OPTIONS /api/items HTTP/1.1", "Host: api",
     "Origin: https://app.example", "Access-Control-Request-Method: PUT",
     "Access-Control-Request-Headers: " .. big_list }, 403, false, true },
   { "preflight, garbage method", raw { "OPTIONS /api/items HTTP/1.1", "Host: api",
     "Origin: https://app.example", "Access-Control-Request-Method: P(T)\255" }, 403, false, true },
   { "private network not allowed", raw { "OPTIONS /api/items HTTP/1.1", "Host: api",
     "Origin: https://app.example", "Access-Control-Request-Method: GET",
     "Access-Control-Request-Private-Network: true" }, 403, false, true },
   { "unknown method, disallowed", raw { "PURGE /api/items HTTP/1.1", "Host: api",
     "Origin: https://evil.example" }, 404, false, true },
   { "404, allowed origin", raw { "GET /nope HTTP/1.1", "Host: api", "Origin: https://app.example" },
     404, "https://app.example", true },
   -- Malformed HTTP: the parser answers 400 and closes; only in the mixed mode.
   { "control byte in Origin", raw { "GET /api/items HTTP/1.1", "Host: api",
     "Origin: https://app.example\1" }, nil, false, false },
   { "obsolete line folding", raw { "GET /api/items HTTP/1.1", "Host: api",
     "Origin: https://app.example", " .evil.example" }, nil, false, false },
   { "header without colon", raw { "GET /api/items HTTP/1.1", "Host: api", "Origin https://app.example" },
     nil, false, false },
}

mode = "mixed" -- global: done() reads it with thread:get()
local active = {}
local next_index = 0
local pending = {}
local pending_head, pending_tail = 1, 0
-- Globals, not locals: done() reads them from each thread with thread:get().
responses, server_errors, mismatches = 0, 0, 0
first_mismatch = ""

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

-- wrk calls request() once on the first thread, before any connection, to check the script
-- (script_verify_request); that request is never sent, so it must not enter the queue.
local verified = false

function init(args)
   mode = args[1] or "mixed"
   for _, variant in ipairs(variants) do
      if mode == "mixed" or variant[5] then
         table.insert(active, variant)
      end
   end
end

function request()
   if id == 1 and not verified then
      verified = true
      return active[1][2]
   end
   next_index = next_index % #active + 1
   pending_tail = pending_tail + 1
   pending[pending_tail] = next_index
   return active[next_index][2]
end

function response(status, headers, body)
   responses = responses + 1
   if status >= 500 then
      server_errors = server_errors + 1
   end
   local allow_origin = false
   for name, value in pairs(headers) do
      if string.lower(name) == "access-control-allow-origin" then
         allow_origin = value
      end
   end
   if mode ~= "checked" then
      -- Responses may interleave across connections here; still, a 400 (malformed HTTP)
      -- never carries CORS headers.
      if status == 400 and allow_origin then
         mismatches = mismatches + 1
         first_mismatch = "400 with Access-Control-Allow-Origin " .. allow_origin
      end
      return
   end
   local variant = active[pending[pending_head]]
   pending[pending_head] = nil
   pending_head = pending_head + 1
   local status_ok = variant[3] == nil or variant[3] == status
   if not status_ok or allow_origin ~= variant[4] then
      mismatches = mismatches + 1
      if first_mismatch == "" then
         first_mismatch = string.format("%s: status %d, ACAO %s", variant[1], status, tostring(allow_origin))
      end
   end
end

function done(summary, latency, requests)
   local total_responses, total_5xx, total_mismatches, first = 0, 0, 0, ""
   for _, thread in ipairs(threads) do
      total_responses = total_responses + thread:get("responses")
      total_5xx = total_5xx + thread:get("server_errors")
      total_mismatches = total_mismatches + thread:get("mismatches")
      if first == "" then
         first = thread:get("first_mismatch")
      end
   end
   io.write(string.format("RESULT mode=%s variants=%d requests=%d responses=%d 5xx=%d mismatches=%d " ..
      "socket_errors=%d\n", threads[1]:get("mode"), #variants, summary.requests, total_responses, total_5xx, total_mismatches,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
   if first ~= "" then
      io.write("FIRST_MISMATCH " .. first .. "\n")
   end
end
