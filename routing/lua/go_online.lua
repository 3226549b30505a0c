-- go_online: a counselor is online (again), with their team's languages, skills and capacity.
-- ARGV[1] now, ARGV[2] retention, ARGV[3] counselor id, ARGV[4] channel, ARGV[5] address,
-- ARGV[6] org, ARGV[7] team, ARGV[8] languages ',ja,en,', ARGV[9] categories (',*,' for all),
-- ARGV[10] regions, ARGV[11] capacity.
-- Returns 'ok'. Coming back from a pause, or saying /online twice, keeps their place among the
-- idle (idle_since); a change of team moves them between the team and language sets.
local cid = ARGV[3]
local key = k_counselor(cid)
local old = redis.call('HMGET', key, 'langs', 'team', 'status')
for _, lang in ipairs(split(old[1])) do redis.call('ZREM', k_available(lang), cid) end
if old[2] then redis.call('SREM', k_team_online(old[2]), cid) end
if old[3] ~= 'online' and old[3] ~= 'paused' then
  redis.call('HSET', key, 'idle_since', NOW)
end
redis.call('HSET', key, 'status', 'online', 'channel', ARGV[4], 'address', ARGV[5], 'org', ARGV[6],
  'team', ARGV[7], 'langs', ARGV[8], 'cats', ARGV[9], 'regions', ARGV[10], 'capacity', ARGV[11],
  'seen_at', NOW)
redis.call('SADD', K_ONLINE, cid)
redis.call('ZADD', K_PRESENCE, NOW, cid)
refresh_available(cid)
event('counselor_online', {counselor = cid, team = ARGV[7]})
return 'ok'
