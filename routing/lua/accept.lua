-- accept: a counselor takes the ticket they were offered.
-- ARGV[1] now, ARGV[2] retention, ARGV[3] counselor id, ARGV[4] ticket id.
-- Returns connect()'s {'ok', ticket_id, person_id, entry...}, or {'gone'} when the offer is no
-- longer theirs (it timed out and moved on, or the person left or erased their data).
-- Atomic with decline, the offer timeout and close, so an offer is accepted at most once.
local cid, tid = ARGV[3], ARGV[4]
if redis.call('HGET', k_holds(cid), tid) ~= 'offered' then
  return {'gone'}
end
local t = redis.call('HMGET', k_ticket(tid), 'status', 'counselor_id', 'lang')
local pid = waiting_person(tid)
if t[1] ~= 'offered' or t[2] ~= cid or not pid then
  release(cid, tid)
  if not pid then drop(tid, t[3] or '') end
  return {'gone'}
end
redis.call('HSET', k_counselor(cid), 'status', 'online')
return connect(tid, pid, cid)
