-- assign: a supervisor gives a waiting ticket to a counselor.
-- ARGV[1] now, ARGV[2] retention, ARGV[3] counselor id, ARGV[4] ticket id.
-- Returns connect()'s {'ok', ...}, or {'offline'}, {'full'}, {'language'}, {'gone'}.
-- A supervisor may pass over the order of the line, never over capacity or language.
local cid, tid = ARGV[3], ARGV[4]
if redis.call('SISMEMBER', K_ONLINE, cid) == 0 then
  return {'offline'}
end
local c = redis.call('HMGET', k_counselor(cid), 'langs', 'capacity')
if redis.call('HLEN', k_holds(cid)) >= tonumber(c[2] or '1') then
  return {'full'}
end
local t = redis.call('HMGET', k_ticket(tid), 'status', 'lang')
local pid = waiting_person(tid)
if t[1] ~= 'waiting' or not pid then
  return {'gone'}
end
if not has(c[1], t[2]) then
  return {'language'}
end
redis.call('ZREM', k_queue(t[2]), tid)
return connect(tid, pid, cid)
