-- wrk script: the original bank payload, each request with a unique transaction_id and the bank's X-Api-Key,
-- over SEED_N payers and partners (default 100). Env: API_KEY, RUN (unique per wrk run), SEED_N, WRK_PATH, and
-- UNKNOWN_EVERY=K to name an unregistered payer in every K-th request (held in suspense, or refused, by the bank's policy).
local n = tonumber(os.getenv("SEED_N") or "100")
local path = os.getenv("WRK_PATH") or "/africa_bank"
local key = os.getenv("API_KEY") or ""
local run = os.getenv("RUN") or "0"
local unknown_every = tonumber(os.getenv("UNKNOWN_EVERY") or "0")
local counter = 0
local threads = 0
thread_id = 0 -- global: setup() sets it per thread with thread:set

setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

request = function()
  counter = counter + 1
  local payer = string.format("payer%d", (counter * 7) % n + 1)
  if unknown_every > 0 and counter % unknown_every == 0 then
    payer = "nobody"
  end
  local body = string.format(
    '{"reference_number":"%s","account_number":"partner%d","amount":"%d.%02d","currency":"USD","transaction_id":"wrk-%s-%d-%d"}',
    payer, (counter * 13) % n + 1, 10 + counter % 90, counter % 100, run, thread_id, counter)
  return wrk.format("POST", path, { ["Content-Type"] = "application/json", ["X-Api-Key"] = key }, body)
end
