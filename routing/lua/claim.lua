-- claim: a counselor takes the ticket that has waited longest.
-- KEYS[1] queue (zset of ticket ids by arrival), KEYS[2] the counselor's hash,
-- KEYS[3] set of online counselor ids
-- ARGV[1] counselor id, ARGV[2] now (unix seconds), ARGV[3] ticket key prefix,
-- ARGV[4] conversation key prefix, ARGV[5] transcript key prefix, ARGV[6] retention seconds
-- Returns {'ok', ticket_id, person_id, waiting_entry...} with what the person wrote while waiting,
-- or {'offline'}, {'busy', person_id}, {'empty'}.
-- Atomic so that two counselors can never take the same ticket, and so that each message written
-- while waiting is either in the returned notes or relayed live afterwards, never both or neither.
-- A ticket whose conversation expired, was erased or no longer waits on it is dropped, never
-- handed out (nor is a conversation re-created for it).
-- (Ticket and conversation keys are derived here: single-node Redis, as the embedded one is.)
if redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 0 then
  return {'offline'}
end
local current = redis.call('HGET', KEYS[2], 'person_id')
if current and current ~= '' then
  return {'busy', current}
end
while true do
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)
  if #head == 0 then
    return {'empty'}
  end
  local ticket_id = head[1]
  redis.call('ZREM', KEYS[1], ticket_id)
  local ticket_key = ARGV[3] .. ticket_id
  local ticket = redis.call('HMGET', ticket_key, 'person_id', 'mark')
  local person_id = ticket[1]
  local conversation_key = person_id and (ARGV[4] .. person_id)
  local conversation = conversation_key
    and redis.call('HMGET', conversation_key, 'state', 'ticket_id') or {}
  if conversation[1] == 'queued' and conversation[2] == ticket_id then
    redis.call('HSET', ticket_key, 'status', 'connected', 'counselor_id', ARGV[1], 'claimed_at', ARGV[2])
    redis.call('HSET', conversation_key, 'state', 'connected', 'counselor_id', ARGV[1])
    redis.call('EXPIRE', conversation_key, ARGV[6])
    redis.call('HSET', KEYS[2], 'person_id', person_id, 'ticket_id', ticket_id)
    local result = {'ok', ticket_id, person_id}
    local notes = redis.call('LRANGE', ARGV[5] .. person_id, tonumber(ticket[2] or '0'), -1)
    for _, entry in ipairs(notes) do
      table.insert(result, entry)
    end
    return result
  end
  redis.call('HSET', ticket_key, 'status', 'dropped')
end
