-- pop_due: take the intake timers that are due, so that exactly one process handles each.
-- KEYS[1] the intake-due sorted set (person ids scored by when their timer fires)
-- ARGV[1] now (unix seconds), ARGV[2] the most to take at once
-- Returns the person ids taken (and removed).
-- Atomic so that two worker processes sweeping at once never remind or expire a person twice.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due > 0 then
  redis.call('ZREM', KEYS[1], unpack(due))
end
return due
