-- close: a waiting, offered or connected conversation ends, with an outcome.
-- ARGV[1] now, ARGV[2] retention, ARGV[3] person id, ARGV[4] the counselor who asks ('' when
-- the person or the system asks), ARGV[5] outcome, ARGV[6] note.
-- Returns {previous_state, counselor_id}; {'not_yours', holder} when a counselor asks to close a
-- conversation held by someone else. A counselor who asks is always freed of this person, even
-- when the conversation has meanwhile expired or moved on, so no counselor stays full of nobody.
-- A connected conversation's handling time feeds the waiting estimates, and the person's
-- counselor and organization are kept for continuity if they come back.
-- Atomic so that a conversation closed from both sides at once is closed once, with one outcome.
local pid, asking, outcome, note = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if asking ~= '' then
  -- Free the counselor of every conversation with this person they hold that is no longer the
  -- person's live one (it lapsed, or they came back on a new ticket): not only their current one
  -- (with a capacity above 1 it may be another), and drop that ticket, as stale tickets are
  -- dropped everywhere else, so it still ends exactly once instead of staying 'connected'.
  local live = redis.call('HGET', k_conv(pid), 'ticket_id')
  local current = redis.call('HMGET', k_counselor(asking), 'person_id', 'ticket_id')
  local holds = redis.call('HGETALL', k_holds(asking))
  for i = 1, #holds, 2 do
    local held = holds[i]
    local theirs = (held == current[2] and current[1] == pid)
      or redis.call('HGET', k_ticket(held), 'person_id') == pid
    if holds[i + 1] == 'connected' and held ~= live and theirs then
      release(asking, held)
      drop(held, redis.call('HGET', k_ticket(held), 'lang') or '')
    end
  end
end
local conv = redis.call('HMGET', k_conv(pid), 'state', 'counselor_id', 'ticket_id')
local state, tid = conv[1] or '', conv[3] or ''
if state ~= 'queued' and state ~= 'connected' then
  return {state, ''}
end
local t = redis.call('HMGET', k_ticket(tid), 'status', 'counselor_id', 'lang', 'claimed_at', 'org', 'risk')
local holder = t[2] or ''
if asking ~= '' and (t[1] ~= 'connected' or holder ~= asking) then
  return {'not_yours', holder}
end
redis.call('ZREM', k_queue(t[3] or ''), tid)
redis.call('ZREM', K_OFFERS, tid)
if holder ~= '' then
  release(holder, tid)
end
if t[1] == 'connected' then
  redis.call('LPUSH', K_HANDLED, NOW - tonumber(t[4] or NOW))
  redis.call('LTRIM', K_HANDLED, 0, 199)
  redis.call('HSET', k_conv(pid), 'last_counselor', holder, 'last_org', t[5] or '', 'last_closed_at', NOW)
end
if tid ~= '' and redis.call('EXISTS', k_ticket(tid)) == 1 then
  redis.call('HSET', k_ticket(tid), 'status', 'closed', 'outcome', outcome, 'close_note', note, 'closed_at', NOW)
end
redis.call('HSET', k_conv(pid), 'state', 'closed', 'counselor_id', '', 'ticket_id', '')
redis.call('HINCRBY', K_METRICS, 'outcome:' .. outcome, 1)
event('closed', {ticket = tid, counselor = holder, outcome = outcome, risk = t[6] or ''})
if t[1] == 'connected' then
  return {state, holder}
end
return {state, ''}
