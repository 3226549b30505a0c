-- decline: an offer goes back, to be offered to the next counselor (passed, or timed out).
-- ARGV[1] now, ARGV[2] retention, ARGV[3] counselor id, ARGV[4] ticket id,
-- ARGV[5] '1' when the offer was missed (the counselor is paused: they may have stepped away),
-- ARGV[6] the event ('declined' or 'offer_expired'), ARGV[7] how long a pass holds (seconds),
-- ARGV[8] for a timeout, the instant the offer was found due ('' otherwise).
-- Returns the person id when the offer went back, '' when it was no longer this counselor's (or,
-- for a timeout, not due after all: another process passed it on and it was offered afresh).
-- The ticket returns to its own place in line (its stored score): passing never costs the person
-- their turn. A counselor who passes is not offered that ticket, nor any ticket after it in line,
-- until the pass runs out: others get the first chance, and nobody they passed over is served
-- after someone who came later (safety invariant 2). A missed offer pauses instead.
-- Atomic with accept, so an offer is either accepted or passed on, never both.
local cid, tid, missed = ARGV[3], ARGV[4], ARGV[5] == '1'
if redis.call('HGET', k_holds(cid), tid) ~= 'offered' then
  return ''
end
local t = redis.call('HMGET', k_ticket(tid), 'status', 'counselor_id', 'score', 'declined', 'offer_deadline')
if ARGV[8] ~= '' and tonumber(t[5] or '0') > tonumber(ARGV[8]) then
  return ''
end
redis.call('HDEL', k_holds(cid), tid)
redis.call('HSET', k_counselor(cid), 'idle_since', NOW)
if missed then
  redis.call('HSET', k_counselor(cid), 'status', 'paused')
else
  redis.call('HSET', k_counselor(cid), 'pass_ticket', tid, 'pass_score', t[3] or '0',
    'pass_until', NOW + tonumber(ARGV[7]))
end
refresh_available(cid)
if t[1] ~= 'offered' or t[2] ~= cid then
  return ''
end
redis.call('HSET', k_ticket(tid), 'declined', (t[4] or ',') .. cid .. ',')
local pid = requeue(tid, tonumber(t[3]))
event(ARGV[6], {ticket = tid, counselor = cid})
return pid or ''
