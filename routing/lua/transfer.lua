-- transfer: a counselor hands their conversation to another counselor, or to a team's line.
-- ARGV[1] now, ARGV[2] retention, ARGV[3] the counselor who has it, ARGV[4] ticket id,
-- ARGV[5] the counselor to hand to ('' for a team), ARGV[6] the team to hand to ('' for a
-- counselor), ARGV[7] the note for whoever takes it next, ARGV[8] the team's languages
-- (',ja,en,'; '' for a counselor).
-- Returns {'ok', ticket_id, person_id, entry...} when handed to the counselor; {'queued',
-- person_id} when put at the front of its band for the team; {'not_yours'}, {'offline'},
-- {'full'}, {'language'} or {'gone'} (the conversation lapsed) when it cannot be done (and
-- nothing changed).
-- Atomic so that the person is never held by two counselors, nor by none and out of the queue.
local from, tid, to, team, note = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local t = redis.call('HMGET', k_ticket(tid), 'status', 'counselor_id', 'person_id', 'lang', 'risk', 'sequence')
if t[1] ~= 'connected' or t[2] ~= from or redis.call('HGET', k_holds(from), tid) ~= 'connected' then
  return {'not_yours'}
end
if team ~= '' and not has(ARGV[8], t[4]) then
  return {'language'}  -- a team that cannot talk with the person would leave them in line for ever
end
if to ~= '' then
  if redis.call('HGET', k_counselor(to), 'status') ~= 'online' then
    return {'offline'}
  end
  local c = redis.call('HMGET', k_counselor(to), 'langs', 'capacity')
  if redis.call('HLEN', k_holds(to)) >= tonumber(c[2] or '1') then
    return {'full'}
  end
  if not has(c[1], t[4]) then
    return {'language'}
  end
  -- A conversation that lapsed (or that the person left for a new ticket) is not handed on:
  -- connect() would re-create a partial conversation hash for them. The holder closes it instead.
  local conv = redis.call('HMGET', k_conv(t[3]), 'state', 'ticket_id')
  if conv[1] ~= 'connected' or conv[2] ~= tid then
    return {'gone'}
  end
end
release(from, tid)
redis.call('HSET', k_ticket(tid), 'transfer_note', note, 'transferred_from', from, 'team', team)
event('transferred', {ticket = tid, counselor = from, to = to, team = team})
if to ~= '' then
  return connect(tid, t[3], to)
end
local pid = requeue(tid, front_score(t[5], tonumber(t[6])))
return {'queued', pid or ''}
