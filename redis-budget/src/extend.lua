-- A slot still in flight at the end of its lease: it counts for another
-- lease (and a window after). A slot already gone is left gone.
--
-- KEYS[1] the budget; ARGV[1] the slot; ARGV[2] window_ms; ARGV[3] lease_ms
local key = KEYS[1]
local window = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then
  return 0
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ends = now + lease + window
if ends > tonumber(score) then
  redis.call('ZADD', key, ends, ARGV[1])
end
if redis.call('PTTL', key) < lease + window + 1000 then
  redis.call('PEXPIRE', key, lease + window + 1000)
end
return 1
