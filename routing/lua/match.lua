-- match: offer the most urgent, longest-waiting ticket that some available counselor may take.
-- KEYS none (derived, see _lib). ARGV[1] now, ARGV[2] retention, ARGV[3] the offer's deadline,
-- ARGV[4] how many tickets to look at per language, ARGV[5] the most offers to make in this call,
-- ARGV[6...] the languages served.
-- Returns {ticket_id, counselor_id, person_id, ...} for each offer made, best first ({} when none
-- can be made). Each offer is chosen after the previous one, as if matched one call at a time.
-- The ticket is the lowest score (band, then arrival) over all languages that has an eligible
-- counselor; the counselor is, among those available for its language, the returning person's
-- own counselor, else one of their organization, else one whose team fits the concern and
-- region, else anyone, the longest idle first in each tier. A counselor's own choice never
-- reorders tickets: bands and first come first served hold for every counselor.
-- Atomic so that one ticket is offered to one counselor at a time, from any number of processes.
local scan = tonumber(ARGV[4])

local function fits(c, t)
  -- A ticket without categories is stored as ',' (not ''): it fits any team's categories.
  local category = c[3] == ',*,' or #split(t[5]) == 0
  for _, name in ipairs(split(t[5])) do
    if has(c[3], name) then category = true end
  end
  local region = has(c[4], 'national') or t[6] == '' or has(c[4], t[6])
  return category and region
end

-- Whether a counselor who just passed on a ticket must not be offered this one yet: the one they
-- passed, or any after it in line (see decline.lua), until the pass runs out.
local function passing(c, tid, score)
  return tonumber(c[5] or '0') > NOW and (tid == c[6] or score > tonumber(c[7] or '0'))
end

local function choose(tid, score, counselors)
  local t = redis.call('HMGET', k_ticket(tid), 'team', 'declined', 'prefer_c', 'prefer_o', 'cats', 'pref')
  local best_tier, best = 9, nil
  for _, cid in ipairs(counselors) do
    local c = redis.call('HMGET', k_counselor(cid), 'team', 'org', 'cats', 'regions',
      'pass_until', 'pass_ticket', 'pass_score')
    if ((t[1] or '') == '' or t[1] == c[1]) and not passing(c, tid, score) then
      local tier = 3
      if cid == t[3] then tier = 0
      elseif (t[4] or '') ~= '' and c[2] == t[4] then tier = 1
      elseif fits(c, t) then tier = 2 end
      if tier < best_tier then
        best_tier, best = tier, cid
        if tier == 0 then break end
      end
    end
  end
  return best
end

-- The best offer possible now, or nil.
local function best_offer()
  local best = nil
  for i = 6, #ARGV do
    local lang = ARGV[i]
    local counselors = redis.call('ZRANGE', k_available(lang), 0, 63)
    if #counselors > 0 then
      local heads = redis.call('ZRANGE', k_queue(lang), 0, scan - 1, 'WITHSCORES')
      for j = 1, #heads, 2 do
        local tid, score = heads[j], tonumber(heads[j + 1])
        if best and score >= best.score then break end
        local pid = waiting_person(tid)
        if not pid then
          drop(tid, lang)
        else
          local cid = choose(tid, score, counselors)
          if cid then
            best = {score = score, tid = tid, pid = pid, cid = cid, lang = lang}
            break
          end
        end
      end
    end
  end
  return best
end

local result = {}
for _ = 1, tonumber(ARGV[5]) do
  local best = best_offer()
  if not best then break end
  redis.call('ZREM', k_queue(best.lang), best.tid)
  redis.call('HSET', k_ticket(best.tid), 'status', 'offered', 'counselor_id', best.cid, 'offer_deadline', ARGV[3])
  redis.call('ZADD', K_OFFERS, tonumber(ARGV[3]), best.tid)
  redis.call('HSET', k_holds(best.cid), best.tid, 'offered')
  -- An offer ends their idle time (with room left, they go after counselors holding nobody).
  redis.call('HSET', k_counselor(best.cid), 'idle_since', NOW)
  refresh_available(best.cid)
  event('offered', {ticket = best.tid, counselor = best.cid, lang = best.lang})
  for _, item in ipairs({best.tid, best.cid, best.pid}) do result[#result + 1] = item end
end
return result
