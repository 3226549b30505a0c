-- raise: a person's risk rose; their ticket moves up to the new band (never down). A connected
-- ticket keeps the new band for when it goes back in line (its counselor vanished, or a team
-- transfer), at the front of that band.
-- ARGV[1] now, ARGV[2] retention, ARGV[3] ticket id, ARGV[4] new score (the caller's score()),
-- ARGV[5] the new risk.
-- Returns 1 when the ticket's band rose, 0 when it is closed or was already as far forward.
-- Atomic with decline and vanish, which put an offered ticket back at its stored score: the
-- stored score and the line always agree, so a raised band survives an offer that goes back.
local tid, score = ARGV[3], tonumber(ARGV[4])
local t = redis.call('HMGET', k_ticket(tid), 'status', 'score', 'lang')
local open = t[1] == 'waiting' or t[1] == 'offered' or t[1] == 'connected'
if not open or score >= tonumber(t[2] or score) then
  return 0
end
redis.call('HSET', k_ticket(tid), 'score', score, 'risk', ARGV[5])
if t[1] == 'waiting' then
  redis.call('ZADD', k_queue(t[3]), 'XX', score, tid)
end
event('raised', {ticket = tid})
return 1
