-- go_offline: a counselor stops, unless they are still in a conversation.
-- ARGV[1] now, ARGV[2] retention, ARGV[3] counselor id.
-- Returns {'ok', ticket_id...} with the offers they held (returned to their own place in line), or
-- {'busy', n} when they still hold n conversations (to be transferred or closed first).
-- Atomic with match and pull, so a counselor cannot be handed a person while going offline.
local cid = ARGV[3]
local holds = redis.call('HGETALL', k_holds(cid))
local connected = 0
for i = 2, #holds, 2 do
  if holds[i] == 'connected' then connected = connected + 1 end
end
if connected > 0 then
  return {'busy', connected}
end
local result = {'ok'}
for i = 1, #holds, 2 do
  local tid = holds[i]
  local t = redis.call('HMGET', k_ticket(tid), 'counselor_id', 'score')
  redis.call('HDEL', k_holds(cid), tid)
  if t[1] == cid and requeue(tid, tonumber(t[2])) then result[#result + 1] = tid end
end
redis.call('HSET', k_counselor(cid), 'status', 'offline')
redis.call('SREM', K_ONLINE, cid)
redis.call('ZREM', K_PRESENCE, cid)
refresh_available(cid)
event('counselor_offline', {counselor = cid})
return result
