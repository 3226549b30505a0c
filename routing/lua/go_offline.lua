-- go_offline: a counselor stops taking conversations, unless they are in one.
-- KEYS[1] the counselor's hash, KEYS[2] set of online counselor ids
-- ARGV[1] counselor id
-- Returns 'ok', or 'busy' when they hold a conversation (it must be ended or moved first).
-- Atomic with claim.lua so a counselor cannot be handed a person while going offline.
local current = redis.call('HGET', KEYS[1], 'person_id')
if current and current ~= '' then
  return 'busy'
end
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'offline')
return 'ok'
