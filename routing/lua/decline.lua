-- decline: an offer goes back, to be offered to the next counselor (declined, or timed out).
-- ARGV[1] now, ARGV[2] retention, ARGV[3] counselor id, ARGV[4] ticket id,
-- ARGV[5] '1' to pause the counselor (a missed offer: they may have stepped away), ARGV[6] the
-- event ('declined' or 'offer_expired').
-- Returns the person id when the offer went back, '' when it was no longer this counselor's.
-- The ticket returns to its own place in line (its stored score): declining never costs the
-- person their turn. It is not offered to this counselor again.
-- Atomic with accept, so an offer is either accepted or passed on, never both.
local cid, tid = ARGV[3], ARGV[4]
if redis.call('HGET', k_holds(cid), tid) ~= 'offered' then
  return ''
end
local t = redis.call('HMGET', k_ticket(tid), 'status', 'counselor_id', 'score', 'declined')
redis.call('HDEL', k_holds(cid), tid)
redis.call('HSET', k_counselor(cid), 'idle_since', NOW)
if ARGV[5] == '1' then
  redis.call('HSET', k_counselor(cid), 'status', 'paused')
end
refresh_available(cid)
if t[1] ~= 'offered' or t[2] ~= cid then
  return ''
end
redis.call('HSET', k_ticket(tid), 'declined', (t[4] or ',') .. cid .. ',')
local pid = requeue(tid, tonumber(t[3]))
event(ARGV[6], {ticket = tid, counselor = cid})
return pid or ''
