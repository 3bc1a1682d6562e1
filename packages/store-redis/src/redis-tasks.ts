import {
  type NormalizedCreateTaskInput,
  type NormalizedTaskListOptions,
  type StoredTask,
  type TaskBackend,
  type TaskPage,
  type TaskUpdate,
  taskPageFrom,
} from '@claude-code-server/store';
import type { Redis } from 'ioredis';
import { fieldsFromReply, taskFromHash } from './redis-codec.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisScript } from './redis-script.js';

// Every write keeps a task's hash and its owner's index in step, in one script. Task keys carry no TTL.

/** KEYS[1] task, KEYS[2] index; ARGV[1] id, ARGV[2] data JSON, ARGV[3] now. Returns 1, or 0 if taken. */
const createTask = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'createdAt', ARGV[3], 'updatedAt', ARGV[3])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
return 1
`);

/**
 * KEYS[1] task; ARGV[1] now, ARGV[2] data JSON ('' = unchanged), ARGV[3] 'keep' | 'set' | 'clear' the
 * result, ARGV[4] the result. Returns the hash, or nil without a task.
 */
const updateTask = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[1])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'data', ARGV[2]) end
if ARGV[3] == 'set' then redis.call('HSET', KEYS[1], 'result', ARGV[4]) end
if ARGV[3] == 'clear' then redis.call('HDEL', KEYS[1], 'result') end
return redis.call('HGETALL', KEYS[1])
`);

/** KEYS[1] task, KEYS[2] index; ARGV[1] id. Returns 1, or 0 without a task. */
const deleteTask = new RedisScript(`
local deleted = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return deleted
`);

/**
 * KEYS[1] index; ARGV[1] the owner's task key prefix, ARGV[2] after ('' = from the start), ARGV[3] how
 * many. Returns {id, hash, ...} by id in byte order; index entries without a task are removed on the way.
 */
const listTasks = new RedisScript(`
local want, min, out, found = tonumber(ARGV[3]), '-', {}, 0
if ARGV[2] ~= '' then min = '(' .. ARGV[2] end
while found < want do
  local ids = redis.call('ZRANGE', KEYS[1], min, '+', 'BYLEX', 'LIMIT', 0, want - found)
  if #ids == 0 then break end
  for _, id in ipairs(ids) do
    local hash = redis.call('HGETALL', ARGV[1] .. id)
    if #hash == 0 then
      redis.call('ZREM', KEYS[1], id)
    else
      found = found + 1
      out[#out + 1] = id
      out[#out + 1] = hash
    end
    min = '(' .. id
  end
end
return out
`);

/** Tasks in Redis: one hash per task and a lexicographic index per owner, for paging by id. */
export class RedisTasks implements TaskBackend {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async insert({ id, owner, data }: NormalizedCreateTaskInput): Promise<StoredTask | null> {
    const now = Date.now();
    const keys = [this.keys.task(owner, id), this.keys.taskIndex(owner)];
    const created = await createTask.run(this.client, keys, [id, JSON.stringify(data), now]);
    return created === 1 ? { id, owner, data, result: null, createdAt: now, updatedAt: now } : null;
  }

  async get(owner: string, taskId: string): Promise<StoredTask | null> {
    const fields = await this.client.hgetall(this.keys.task(owner, taskId));
    return fields.data === undefined ? null : taskFromHash(owner, taskId, fields);
  }

  async update(owner: string, taskId: string, { data, result }: TaskUpdate): Promise<StoredTask | null> {
    const resultMode = result === undefined ? 'keep' : result === null ? 'clear' : 'set';
    const args = [Date.now(), data === undefined ? '' : JSON.stringify(data), resultMode, result ?? ''];
    const reply = await updateTask.run(this.client, [this.keys.task(owner, taskId)], args);
    return reply === null ? null : taskFromHash(owner, taskId, fieldsFromReply(reply as string[]));
  }

  async delete(owner: string, taskId: string): Promise<boolean> {
    const keys = [this.keys.task(owner, taskId), this.keys.taskIndex(owner)];
    return (await deleteTask.run(this.client, keys, [taskId])) === 1;
  }

  async list(owner: string, { limit, after }: NormalizedTaskListOptions): Promise<TaskPage> {
    const args = [this.keys.taskPrefix(owner), after ?? '', limit + 1];
    const reply = (await listTasks.run(this.client, [this.keys.taskIndex(owner)], args)) as (
      | string
      | string[]
    )[];
    const tasks: StoredTask[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) {
      tasks.push(taskFromHash(owner, reply[i] as string, fieldsFromReply(reply[i + 1] as string[])));
    }
    return taskPageFrom(tasks, limit);
  }
}
