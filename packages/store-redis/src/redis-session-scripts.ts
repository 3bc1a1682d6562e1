import { RedisScript } from './redis-script.js';

/**
 * The Lua scripts behind every operation that must be atomic. A script runs whole or not at all, so a
 * dropped connection never leaves half a session behind.
 *
 * Writing scripts share one calling convention:
 *   KEYS[1] session hash, KEYS[2] messages list, KEYS[3] transcript string
 *   ARGV[1] user-sessions key prefix, ARGV[2] session id, ARGV[3] now (ms),
 *   ARGV[4] expiresAt ('' = never), ARGV[5] ttl ms ('' = none), ARGV[6..] per script.
 * The user-sessions key is built inside the script from the stored userId, so these scripts need a
 * single Redis node (not Redis Cluster).
 */

/** Marks activity: lastActiveAt, expiresAt, the index score and the TTL of every key of the session. */
const SLIDE = `
local function slide(userId)
  local now, expiresAt, ttl = ARGV[3], ARGV[4], ARGV[5]
  local indexKey = ARGV[1] .. userId
  local indexExisted = redis.call('EXISTS', indexKey)
  local indexTtl = redis.call('PTTL', indexKey)
  redis.call('HSET', KEYS[1], 'lastActiveAt', now)
  redis.call('ZADD', indexKey, now, ARGV[2])
  if ttl == '' then
    redis.call('HDEL', KEYS[1], 'expiresAt')
    for i = 1, 3 do redis.call('PERSIST', KEYS[i]) end
    redis.call('PERSIST', indexKey)
  else
    redis.call('HSET', KEYS[1], 'expiresAt', expiresAt)
    for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
    -- the index lives as long as its longest-lived session; a persistent index stays persistent
    if indexExisted == 0 or (indexTtl >= 0 and indexTtl < tonumber(ttl)) then
      redis.call('PEXPIRE', indexKey, ttl)
    end
  end
end
`;

/** ARGV[6] userId, ARGV[7..] field/value pairs. Returns {created (0|1), hash}. */
export const createSession = new RedisScript(`${SLIDE}
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, redis.call('HGETALL', KEYS[1])}
end
-- leftovers of an earlier session with this id must not show up in the new one
redis.call('UNLINK', KEYS[2], KEYS[3])
redis.call('HSET', KEYS[1], unpack(ARGV, 7))
slide(ARGV[6])
return {1, redis.call('HGETALL', KEYS[1])}
`);

/** ARGV[6] n, ARGV[7..6+n] fields to delete, then field/value pairs to set. Returns the hash or nil. */
export const updateSession = new RedisScript(`${SLIDE}
local userId = redis.call('HGET', KEYS[1], 'userId')
if not userId then return false end
local n = tonumber(ARGV[6])
if n > 0 then redis.call('HDEL', KEYS[1], unpack(ARGV, 7, 6 + n)) end
if #ARGV > 6 + n then redis.call('HSET', KEYS[1], unpack(ARGV, 7 + n)) end
slide(userId)
return redis.call('HGETALL', KEYS[1])
`);

/** ARGV[6] the message as JSON. Returns its seq (the list's new length), or 0 when there is no session. */
export const appendMessage = new RedisScript(`${SLIDE}
local userId = redis.call('HGET', KEYS[1], 'userId')
if not userId then return 0 end
local seq = redis.call('RPUSH', KEYS[2], ARGV[6])
slide(userId)
return seq
`);

/** ARGV[6] 'set' or 'append', ARGV[7] text. Returns 1, or 0 when there is no session. */
export const writeTranscript = new RedisScript(`${SLIDE}
local userId = redis.call('HGET', KEYS[1], 'userId')
if not userId then return 0 end
if ARGV[6] == 'set' then
  redis.call('SET', KEYS[3], ARGV[7])
else
  redis.call('APPEND', KEYS[3], ARGV[7])
end
slide(userId)
return 1
`);

/** Removes the session, its messages, its transcript and its index entry. Returns 1, or 0 if absent. */
export const deleteSession = new RedisScript(`
local userId = redis.call('HGET', KEYS[1], 'userId')
redis.call('UNLINK', KEYS[1], KEYS[2], KEYS[3])
if not userId then return 0 end
redis.call('ZREM', ARGV[1] .. userId, ARGV[2])
return 1
`);

/**
 * KEYS[1] session, KEYS[2] messages; ARGV[1] after (''), ARGV[2] before (''), ARGV[3] limit.
 * Reads only the page, by index arithmetic (seq is dense from 1). Returns nil without a session,
 * else {firstSeq, hasMore (0|1), json...}.
 */
export const listMessages = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local count = redis.call('LLEN', KEYS[2])
local limit = tonumber(ARGV[3])
local upper = count
if ARGV[2] ~= '' then upper = math.min(count, tonumber(ARGV[2]) - 1) end
local first, last, more
if ARGV[1] ~= '' then
  first = tonumber(ARGV[1]) + 1
  last = math.min(first + limit - 1, upper)
  more = last < upper
else
  last = upper
  first = math.max(1, last - limit + 1)
  more = first > 1
end
local out = {first, more and 1 or 0}
if first <= last then
  for _, item in ipairs(redis.call('LRANGE', KEYS[2], first - 1, last - 1)) do out[#out + 1] = item end
end
return out
`);

/** KEYS[1] session, KEYS[2] messages. Returns nil without a session, else the message count. */
export const countMessages = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('LLEN', KEYS[2])
`);

/**
 * KEYS[1] the user's index; ARGV[1] session key prefix, ARGV[2] userId, ARGV[3] limit,
 * ARGV[4] cursor lastActiveAt (''), ARGV[5] cursor id. Newest first; ties in descending byte order of id
 * (Redis's own order). Entries whose session expired, was deleted or now belongs to someone else are
 * removed on the way. Returns {hasMore (0|1), hash...}.
 */
export const listSessions = new RedisScript(`
local sessionPrefix, userId, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local out, found = {}, 0
-- 'stale' | 'kept' | 'full' (one more than the page holds: there is a next page)
local function take(id)
  local key = sessionPrefix .. id
  if redis.call('HGET', key, 'userId') ~= userId then
    redis.call('ZREM', KEYS[1], id)
    return 'stale'
  end
  found = found + 1
  if found > limit then return 'full' end
  out[#out + 1] = redis.call('HGETALL', key)
  return 'kept'
end
-- byte order, as Redis sorts members (Lua's own < follows the server's locale)
local function lessThan(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local max = '+inf'
if ARGV[4] ~= '' then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[1], ARGV[4], ARGV[4], 'BYSCORE', 'REV')) do
    if lessThan(id, ARGV[5]) and take(id) == 'full' then return {1, out} end
  end
  max = '(' .. ARGV[4]
end
local offset = 0
while true do
  local batch = redis.call('ZRANGE', KEYS[1], max, '-inf', 'BYSCORE', 'REV', 'LIMIT', offset, limit + 1)
  if #batch == 0 then return {0, out} end
  for _, id in ipairs(batch) do
    local taken = take(id)
    if taken == 'full' then return {1, out} end
    if taken == 'kept' then offset = offset + 1 end
  end
end
`);

/** KEYS[1] session, KEYS[2] transcript. Returns nil without a session, else {} or {transcript}. */
export const loadTranscript = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local transcript = redis.call('GET', KEYS[2])
if not transcript then return {} end
return {transcript}
`);
