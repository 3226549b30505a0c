-- end: a waiting or connected conversation ends (the person left, or the counselor ended it).
-- KEYS[1] the conversation hash, KEYS[2] the queue zset
-- ARGV[1] person id, ARGV[2] counselor key prefix, ARGV[3] ticket key prefix, ARGV[4] now,
-- ARGV[5] the counselor id that asks (empty when the person asks)
-- Returns {previous_state, counselor_id}; the conversation changes only if it was queued or
-- connected (and, when a counselor asks, only if it is theirs: else {'not_yours', holder}).
-- A counselor who asks is always freed of this person, even when the conversation has meanwhile
-- expired or moved on, so no counselor is ever left "busy" with nobody.
-- Atomic so that a conversation ended from both sides at once is ended once, and the counselor is
-- freed exactly when the person is.
local function free(counselor_id)
  local counselor_key = ARGV[2] .. counselor_id
  if redis.call('HGET', counselor_key, 'person_id') == ARGV[1] then
    redis.call('HDEL', counselor_key, 'person_id', 'ticket_id')
  end
end
if ARGV[5] ~= '' then
  free(ARGV[5])
end
local fields = redis.call('HMGET', KEYS[1], 'state', 'counselor_id', 'ticket_id')
local state, counselor_id, ticket_id = fields[1] or '', fields[2] or '', fields[3] or ''
if state ~= 'queued' and state ~= 'connected' then
  return {state, ''}
end
if ARGV[5] ~= '' and ARGV[5] ~= counselor_id then
  return {'not_yours', counselor_id}
end
if ticket_id ~= '' then
  redis.call('ZREM', KEYS[2], ticket_id)
  redis.call('HSET', ARGV[3] .. ticket_id, 'status', 'closed', 'closed_at', ARGV[4])
end
if counselor_id ~= '' then
  free(counselor_id)
end
redis.call('HSET', KEYS[1], 'state', 'closed', 'counselor_id', '', 'ticket_id', '')
return {state, counselor_id}
