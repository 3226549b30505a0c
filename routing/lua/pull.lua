-- pull: a counselor takes the next ticket themselves ("take next").
-- ARGV[1] now, ARGV[2] retention, ARGV[3] counselor id, ARGV[4] how many tickets to look at per
-- language.
-- Returns connect()'s {'ok', ticket_id, person_id, entry...}; {'offer', ticket_id} when they hold
-- an offer (the caller accepts it); {'offline'}, {'full'} or {'empty'}.
-- The ticket is the lowest score over the counselor's languages among tickets they may take (a
-- ticket transferred to another team is not theirs). Declines do not count here: they ask.
-- Atomic with match, accept and close: one ticket, one counselor; capacity never exceeded.
local cid = ARGV[3]
if redis.call('SISMEMBER', K_ONLINE, cid) == 0 then
  return {'offline'}
end
local holds = redis.call('HGETALL', k_holds(cid))
for i = 1, #holds, 2 do
  if holds[i + 1] == 'offered' then return {'offer', holds[i]} end
end
local c = redis.call('HMGET', k_counselor(cid), 'langs', 'team', 'capacity')
if #holds / 2 >= tonumber(c[3] or '1') then
  return {'full'}
end
local best = nil
for _, lang in ipairs(split(c[1])) do
  local heads = redis.call('ZRANGE', k_queue(lang), 0, tonumber(ARGV[4]) - 1, 'WITHSCORES')
  for j = 1, #heads, 2 do
    local tid, score = heads[j], tonumber(heads[j + 1])
    if best and score >= best.score then break end
    local team = redis.call('HGET', k_ticket(tid), 'team') or ''
    if team == '' or team == c[2] then
      local pid = waiting_person(tid)
      if pid then
        best = {score = score, tid = tid, pid = pid, lang = lang}
        break
      end
      drop(tid, lang)
    end
  end
end
if not best then
  return {'empty'}
end
redis.call('ZREM', k_queue(best.lang), best.tid)
redis.call('HSET', k_counselor(cid), 'status', 'online')  -- taking a person ends a pause
return connect(best.tid, best.pid, cid)
