-- record_person: keep a message from a waiting or connected person, and say where it must go.
-- KEYS[1] the conversation hash, KEYS[2] its transcript list
-- ARGV[1] transcript entry (JSON), ARGV[2] retention in seconds
-- Returns {state, counselor_id} as they were when the message was kept.
-- Atomic with claim.lua: a message kept while 'queued' is in the claim's notes; one kept while
-- 'connected' is relayed live by the caller. Nothing is lost between the two. Activity renews
-- the retention of both keys.
local fields = redis.call('HMGET', KEYS[1], 'state', 'counselor_id')
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return {fields[1] or '', fields[2] or ''}
