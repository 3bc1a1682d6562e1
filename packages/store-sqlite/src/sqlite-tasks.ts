import {
  type NormalizedCreateTaskInput,
  type NormalizedTaskListOptions,
  type StoredTask,
  type TaskBackend,
  type TaskPage,
  type TaskUpdate,
  taskPageFrom,
} from '@claude-code-server/store';
import { type TaskRow, taskFromRow } from '@claude-code-server/store/sql';
import type { StoreConnection } from './sqlite-connection.js';

/** Tasks in one table keyed by (owner, id); every write is one BEGIN IMMEDIATE transaction. */
export class SqliteTasks implements TaskBackend {
  constructor(private readonly connection: StoreConnection) {}

  async insert({ owner, id, data }: NormalizedCreateTaskInput): Promise<StoredTask | null> {
    return this.connection.write((sql) => {
      const now = Date.now();
      const inserted = sql.insertTask.run({ owner, id, data: JSON.stringify(data), now }).changes === 1;
      return inserted ? { id, owner, data, result: null, createdAt: now, updatedAt: now } : null;
    });
  }

  async get(owner: string, taskId: string): Promise<StoredTask | null> {
    return this.connection.use(({ sql }) => {
      const row = sql.getTask.get({ owner, id: taskId }) as TaskRow | undefined;
      return row ? taskFromRow(row) : null;
    });
  }

  async update(owner: string, taskId: string, { data, result }: TaskUpdate): Promise<StoredTask | null> {
    return this.connection.write((sql) => {
      const row = sql.updateTask.get({
        owner,
        id: taskId,
        now: Date.now(),
        setData: data === undefined ? 0 : 1,
        data: data === undefined ? null : JSON.stringify(data),
        setResult: result === undefined ? 0 : 1,
        result: result ?? null,
      }) as TaskRow | undefined;
      return row ? taskFromRow(row) : null;
    });
  }

  async delete(owner: string, taskId: string): Promise<boolean> {
    return this.connection.write((sql) => sql.deleteTask.run({ owner, id: taskId }).changes === 1);
  }

  async list(owner: string, { limit, after }: NormalizedTaskListOptions): Promise<TaskPage> {
    return this.connection.use(({ sql }) => {
      const rows = sql.listTasks.all({ owner, after, limit: limit + 1 }) as TaskRow[];
      return taskPageFrom(rows.map(taskFromRow), limit);
    });
  }
}
