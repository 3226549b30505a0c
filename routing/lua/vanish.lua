-- vanish: a counselor stopped answering (no heartbeat since the cutoff); their people go back.
-- ARGV[1] now, ARGV[2] retention, ARGV[3] counselor id, ARGV[4] cutoff (a heartbeat after it
-- means they are alive after all: nothing changes).
-- Returns {'alive'}, or {'gone', ticket_id, person_id, was, ...} for every ticket given back:
-- was 'connected' (back at the front of its band: they already waited their turn) or 'offered'
-- (back at its own place).
-- Atomic with heartbeats and with accept, so a counselor is either alive with their people or
-- gone without them.
local cid = ARGV[3]
local seen = redis.call('ZSCORE', K_PRESENCE, cid)
if seen and tonumber(seen) > tonumber(ARGV[4]) then
  return {'alive'}
end
local result = {'gone'}
local holds = redis.call('HGETALL', k_holds(cid))
redis.call('DEL', k_holds(cid))
for i = 1, #holds, 2 do
  local tid, was = holds[i], holds[i + 1]
  local t = redis.call('HMGET', k_ticket(tid), 'counselor_id', 'score', 'risk', 'sequence')
  if t[1] == cid then
    local score = tonumber(t[2])
    if was == 'connected' then score = front_score(t[3], tonumber(t[4])) end
    local pid = requeue(tid, score)
    if pid then
      for _, item in ipairs({tid, pid, was}) do result[#result + 1] = item end
    end
  end
end
redis.call('HSET', k_counselor(cid), 'status', 'offline')
redis.call('HDEL', k_counselor(cid), 'person_id', 'ticket_id')
redis.call('SREM', K_ONLINE, cid)
redis.call('ZREM', K_PRESENCE, cid)
refresh_available(cid)
event('counselor_vanished', {counselor = cid, returned = (#result - 1) / 3})
return result
