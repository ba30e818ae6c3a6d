-- One call's round trip: apply this process's ended slots, then take a
-- slot if fewer than the limit count. Runs atomically; Redis's clock
-- decides every time, so clients' clocks never matter.
--
-- KEYS[1]  the budget: a sorted set of slots, scored by the millisecond
--          (Redis time) at which each stops counting
-- ARGV[1]  limit: slots that may count at once
-- ARGV[2]  window_ms: how long a slot counts after its answer arrived
-- ARGV[3]  lease_ms: how long a new slot may stay in flight before its
--          holder must extend it (it counts until lease + window)
-- ARGV[4]  the new slot's name, or '' to only apply ended slots
-- ARGV[5]  n, then n pairs: a slot's name and how many ms before this
--          call was sent its answer arrived, or -1 if it was never sent
--
-- Returns {1, 0} when the slot was taken (or none was asked for), else
-- {0, ms until the earliest slot stops counting}.
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local n = tonumber(ARGV[5])
for i = 0, n - 1 do
  local slot = ARGV[6 + 2 * i]
  local age = tonumber(ARGV[7 + 2 * i])
  if age < 0 then
    redis.call('ZREM', key, slot)
  else
    local ends = now - age + window
    local score = redis.call('ZSCORE', key, slot)
    if score and ends < tonumber(score) then
      redis.call('ZADD', key, ends, slot)
    end
  end
end

redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
if ARGV[4] == '' then
  return {1, 0}
end
if redis.call('ZCARD', key) < limit then
  local ends = now + lease + window
  redis.call('ZADD', key, ends, ARGV[4])
  -- The set outlives its longest slot, whoever set the lease.
  if redis.call('PTTL', key) < lease + window + 1000 then
    redis.call('PEXPIRE', key, lease + window + 1000)
  end
  return {1, 0}
end
local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {0, math.max(1, tonumber(first[2]) - now)}
