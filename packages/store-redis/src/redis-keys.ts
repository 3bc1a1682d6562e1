/**
 * Every key the store writes, under one prefix. The kind comes before the id, so an id may hold any
 * character (even ':') without one key name colliding with another.
 *
 * | key                              | type   | holds                                              |
 * | -------------------------------- | ------ | -------------------------------------------------- |
 * | `<prefix>session:<id>`           | hash   | the session record                                 |
 * | `<prefix>messages:<id>`          | list   | the messages as JSON; seq n is at index n - 1      |
 * | `<prefix>transcript:<id>`        | string | the CLI transcript (JSONL)                         |
 * | `<prefix>lease:<id>`             | string | `<token>:<owner>` of the current lease, PX = lease |
 * | `<prefix>user-sessions:<userId>` | zset   | a user's session ids scored by lastActiveAt        |
 * | `<prefix>lease-fence`            | string | the fencing counter every lease token comes from   |
 * | `<prefix>task:<owner>/<id>`      | hash   | a task: data (JSON), result, createdAt, updatedAt  |
 * | `<prefix>task-index:<owner>`     | zset   | an owner's task ids, all scored 0 (so: byte order) |
 *
 * A task id never holds '/' (ID_PATTERN), so the last '/' of a task key ends the owner.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  session(id: string): string {
    return `${this.sessionPrefix}${id}`;
  }

  messages(id: string): string {
    return `${this.prefix}messages:${id}`;
  }

  transcript(id: string): string {
    return `${this.prefix}transcript:${id}`;
  }

  lease(id: string): string {
    return `${this.prefix}lease:${id}`;
  }

  userSessions(userId: string): string {
    return `${this.userSessionsPrefix}${userId}`;
  }

  task(owner: string, id: string): string {
    return `${this.taskPrefix(owner)}${id}`;
  }

  /** The key of an owner's task is this followed by the task id (scripts build it so). */
  taskPrefix(owner: string): string {
    return `${this.prefix}task:${owner}/`;
  }

  taskIndex(owner: string): string {
    return `${this.prefix}task-index:${owner}`;
  }

  get leaseFence(): string {
    return `${this.prefix}lease-fence`;
  }

  /** Scripts that find a session or index key from a stored id build it from these. */
  get sessionPrefix(): string {
    return `${this.prefix}session:`;
  }

  get userSessionsPrefix(): string {
    return `${this.prefix}user-sessions:`;
  }

  /** The three keys a session's writes touch, in the order the scripts expect them (KEYS[1..3]). */
  sessionKeys(id: string): [string, string, string] {
    return [this.session(id), this.messages(id), this.transcript(id)];
  }
}
