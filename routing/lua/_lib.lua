-- _lib: shared by every routing script (Scripts puts it in front of each one).
-- Redis 6.2 has no FUNCTION LOAD, so the library is text shared at load time, not a Redis object.
-- Convention: every routing script's ARGV[1] is now (unix seconds) and ARGV[2] the retention in
-- seconds. Key names mirror routing/keys.py (__PREFIX__ is replaced with keys.PREFIX); the keys
-- are derived here, which needs a single-node Redis as the embedded one is.
local NOW = tonumber(ARGV[1])
local RETENTION = tonumber(ARGV[2])
local P = '__PREFIX__:'
local BAND_WIDTH = __BAND_WIDTH__
local BANDS = {imminent = 0, high = 1, moderate = 2, low = 3}

local function k_ticket(id) return P .. 'ticket:' .. id end
local function k_conv(pid) return P .. 'conv:' .. pid end
local function k_transcript(pid) return P .. 'transcript:' .. pid end
local function k_queue(lang) return P .. 'queue:' .. lang end
local function k_counselor(cid) return P .. 'counselor:' .. cid end
local function k_holds(cid) return P .. 'counselor:' .. cid .. ':holds' end
local function k_available(lang) return P .. 'available:' .. lang end
local function k_team_online(team) return P .. 'team-online:' .. team end
local K_ONLINE = P .. 'counselors:online'
local K_PRESENCE = P .. 'presence'
local K_OFFERS = P .. 'offers'
local K_EVENTS = P .. 'events'
local K_METRICS = P .. 'metrics'
local K_HANDLED = P .. 'stats:handled'
local K_WAITED = P .. 'stats:waited'

-- Lists are stored as ',a,b,' so that membership is one plain find.
local function has(list, item)
  return item ~= nil and item ~= '' and string.find(list or '', ',' .. item .. ',', 1, true) ~= nil
end

local function split(list)
  local out = {}
  for item in string.gmatch(list or '', '[^,]+') do out[#out + 1] = item end
  return out
end

-- Every change is published for consoles and dashboards and counted for /metrics. No person data:
-- tickets and counselors by id, risk and language as bands.
local function event(kind, fields)
  fields.type = kind
  fields.at = NOW
  redis.call('PUBLISH', K_EVENTS, cjson.encode(fields))
  redis.call('HINCRBY', K_METRICS, 'events:' .. kind, 1)
end

-- The front of a band: before every ticket that arrived normally in it, after the band above.
local function front_score(risk, sequence)
  return (BANDS[risk] or 3) * BAND_WIDTH - BAND_WIDTH / 2 + sequence
end

-- A counselor is in available:<lang> for each language they speak exactly when they are online
-- (not paused) with room under their capacity; offers count against capacity. They are in their
-- team's online set exactly when online and not paused: a paused counselor serves nobody new.
local function refresh_available(cid)
  local c = redis.call('HMGET', k_counselor(cid), 'status', 'langs', 'capacity', 'idle_since', 'team')
  local room = c[1] == 'online' and redis.call('HLEN', k_holds(cid)) < tonumber(c[3] or '1')
  for _, lang in ipairs(split(c[2])) do
    if room then
      redis.call('ZADD', k_available(lang), tonumber(c[4] or NOW), cid)
    else
      redis.call('ZREM', k_available(lang), cid)
    end
  end
  if c[5] then
    if c[1] == 'online' then
      redis.call('SADD', k_team_online(c[5]), cid)
    else
      redis.call('SREM', k_team_online(c[5]), cid)
    end
  end
end

-- The person a waiting ticket is for, or false when the ticket is stale: its conversation expired,
-- was erased, or waits on another ticket. A stale ticket is dropped, never handed out.
local function waiting_person(tid)
  local pid = redis.call('HGET', k_ticket(tid), 'person_id')
  if pid then
    local conv = redis.call('HMGET', k_conv(pid), 'state', 'ticket_id')
    if conv[1] == 'queued' and conv[2] == tid then return pid end
  end
  return false
end

local function drop(tid, lang)
  redis.call('ZREM', k_queue(lang), tid)
  redis.call('ZREM', K_OFFERS, tid)
  if redis.call('EXISTS', k_ticket(tid)) == 1 then  -- never re-create an erased ticket
    redis.call('HSET', k_ticket(tid), 'status', 'dropped')
  end
  event('dropped', {ticket = tid})
end

-- The counselor no longer holds the ticket; their current conversation moves to another they hold.
local function release(cid, tid)
  redis.call('HDEL', k_holds(cid), tid)
  local key = k_counselor(cid)
  -- Freed of someone, they are idle from now (else one who just finished would go before
  -- counselors who have been idle for longer).
  redis.call('HSET', key, 'idle_since', NOW)
  if redis.call('HGET', key, 'ticket_id') == tid then
    redis.call('HDEL', key, 'person_id', 'ticket_id')
    local holds = redis.call('HGETALL', k_holds(cid))
    for i = 1, #holds, 2 do
      if holds[i + 1] == 'connected' then
        local pid = redis.call('HGET', k_ticket(holds[i]), 'person_id')
        if pid then
          redis.call('HSET', key, 'person_id', pid, 'ticket_id', holds[i])
          break
        end
      end
    end
  end
  refresh_available(cid)
end

-- Connect a ticket to a counselor; returns {'ok', tid, pid, entry...} with what the person wrote
-- since the ticket was made (kept in the same step, so nothing is both in the notes and relayed).
local function connect(tid, pid, cid)
  local c = redis.call('HMGET', k_counselor(cid), 'org', 'team')
  local t = redis.call('HMGET', k_ticket(tid), 'created_at', 'mark', 'risk', 'lang')
  redis.call('HSET', k_ticket(tid), 'status', 'connected', 'counselor_id', cid,
    'org', c[1] or '', 'served_by', c[2] or '', 'claimed_at', NOW)
  redis.call('HDEL', k_ticket(tid), 'offer_deadline')
  redis.call('ZREM', K_OFFERS, tid)
  redis.call('HSET', k_conv(pid), 'state', 'connected', 'counselor_id', cid)
  redis.call('EXPIRE', k_conv(pid), RETENTION)
  redis.call('HSET', k_holds(cid), tid, 'connected')
  -- Taking someone ends their idle time (with room left, they go after the idle ones).
  redis.call('HSET', k_counselor(cid), 'person_id', pid, 'ticket_id', tid, 'idle_since', NOW)
  refresh_available(cid)
  local waited = NOW - tonumber(t[1] or NOW)
  redis.call('LPUSH', K_WAITED, waited)
  redis.call('LTRIM', K_WAITED, 0, 199)
  event('accepted', {ticket = tid, counselor = cid, org = c[1] or '', team = c[2] or '',
    risk = t[3] or '', lang = t[4] or '', waited = waited})
  local result = {'ok', tid, pid}
  for _, entry in ipairs(redis.call('LRANGE', k_transcript(pid), tonumber(t[2] or '0'), -1)) do
    result[#result + 1] = entry
  end
  return result
end

-- Back in line at `score` (its own place, or the front of its band), waiting again.
local function requeue(tid, score)
  local pid = redis.call('HGET', k_ticket(tid), 'person_id')
  local lang = redis.call('HGET', k_ticket(tid), 'lang') or ''
  redis.call('ZREM', K_OFFERS, tid)
  local conv = pid and redis.call('HMGET', k_conv(pid), 'state', 'ticket_id') or {}
  if not (conv[2] == tid and (conv[1] == 'queued' or conv[1] == 'connected')) then
    drop(tid, lang)
    return false
  end
  redis.call('HSET', k_ticket(tid), 'status', 'waiting', 'score', score)
  redis.call('HDEL', k_ticket(tid), 'counselor_id', 'offer_deadline')
  redis.call('ZADD', k_queue(lang), score, tid)
  redis.call('HSET', k_conv(pid), 'state', 'queued', 'counselor_id', '')
  return pid
end
