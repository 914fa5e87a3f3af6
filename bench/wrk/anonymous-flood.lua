-- wrk script: what an attacker without a key sends: a 60 KB JSON body to a made-up bank code, each request to another
-- code, with a guessed X-Api-Key, from one attacker's address (X-Forwarded-For, as a load balancer on loopback
-- reports it; the portal believes loopback proxies). Env: BODY_KB (default 60), FLOOD_FROM (default 203.0.113.7).
local kb = tonumber(os.getenv("BODY_KB") or "60")
local from = os.getenv("FLOOD_FROM") or "203.0.113.7"
local body = '{"junk":"' .. string.rep("x", kb * 1024 - 12) .. '"}'
local counter = 0
local threads = {}
c401, c429, cother = 0, 0, 0 -- globals: counted per thread, summed in done()

setup = function(thread)
  table.insert(threads, thread)
end

response = function(status, headers, body)
  if status == 401 then c401 = c401 + 1 elseif status == 429 then c429 = c429 + 1 else cother = cother + 1 end
end

request = function()
  counter = counter + 1
  return wrk.format("POST", string.format("/api/v1/banks/made_up_%d/payments", counter),
    { ["Content-Type"] = "application/json", ["X-Api-Key"] = "mbk_guess-guess-guess-guess-guess", ["X-Forwarded-For"] = from },
    body)
end

done = function(summary, latency, requests)
  local a, b, c = 0, 0, 0
  for _, thread in ipairs(threads) do
    a = a + thread:get("c401"); b = b + thread:get("c429"); c = c + thread:get("cother")
  end
  io.write(string.format("flood: %d requests: %d answered 401, %d answered 429, %d other\n", summary.requests, a, b, c))
end
