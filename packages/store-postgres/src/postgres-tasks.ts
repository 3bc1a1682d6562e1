import type {
  NormalizedCreateTaskInput,
  NormalizedTaskListOptions,
  StoredTask,
  TaskBackend,
  TaskPage,
  TaskUpdate,
} from '@claude-code-server/store';
import { taskPageFrom } from '@claude-code-server/store';
import { type TaskRow, taskFromRow } from '@claude-code-server/store/sql';
import type pg from 'pg';
import type { Queries } from './postgres-queries.js';
import { queryRows } from './postgres-rows.js';

/** Tasks in one table keyed by (owner, id); each call is one statement, times from the database clock. */
export class PostgresTasks implements TaskBackend {
  constructor(
    private readonly pool: pg.Pool,
    private readonly sql: Queries,
  ) {}

  insert({ owner, id, data }: NormalizedCreateTaskInput): Promise<StoredTask | null> {
    return this.#task(this.sql.insertTask, [owner, id, JSON.stringify(data)]);
  }

  get(owner: string, taskId: string): Promise<StoredTask | null> {
    return this.#task(this.sql.selectTask, [owner, taskId]);
  }

  update(owner: string, taskId: string, { data, result }: TaskUpdate): Promise<StoredTask | null> {
    const dataJson = data === undefined ? null : JSON.stringify(data);
    return this.#task(this.sql.updateTask, [
      owner,
      taskId,
      data !== undefined,
      dataJson,
      result !== undefined,
      result ?? null,
    ]);
  }

  async delete(owner: string, taskId: string): Promise<boolean> {
    return ((await queryRows(this.pool, this.sql.deleteTask, [owner, taskId])).rowCount ?? 0) > 0;
  }

  async list(owner: string, { limit, after }: NormalizedTaskListOptions): Promise<TaskPage> {
    const { rows } = await queryRows<TaskRow>(this.pool, this.sql.listTasks, [owner, after, limit + 1]);
    return taskPageFrom(rows.map(taskFromRow), limit);
  }

  async #task(text: string, values: unknown[]): Promise<StoredTask | null> {
    const [row] = (await queryRows<TaskRow>(this.pool, text, values)).rows;
    return row === undefined ? null : taskFromRow(row);
  }
}
