-- append: keep what the bot or a counselor said to a person, only while the person is still there.
-- KEYS[1] the conversation hash, KEYS[2] its transcript list
-- ARGV[1] retention in seconds, ARGV[2] the counselor who speaks ('' for the bot),
-- ARGV[3...] transcript entries (JSON)
-- Returns 1 when kept, 0 when the conversation is gone (erased or expired) or, for a counselor,
-- no longer theirs and connected.
-- Atomic with erasure: a counselor's words written as the person erased their data must not
-- re-create a transcript named after them (nothing about the person may remain).
local fields = redis.call('HMGET', KEYS[1], 'state', 'counselor_id')
if not fields[1] then
  return 0
end
if ARGV[2] ~= '' and (fields[1] ~= 'connected' or fields[2] ~= ARGV[2]) then
  return 0
end
for i = 3, #ARGV do
  redis.call('RPUSH', KEYS[2], ARGV[i])
end
redis.call('EXPIRE', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
