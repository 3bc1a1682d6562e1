import {
  compareTaskIds,
  type NormalizedCreateTaskInput,
  type NormalizedTaskListOptions,
  type StoredTask,
  type TaskBackend,
  type TaskPage,
  type TaskUpdate,
  taskPageFrom,
} from '@claude-code-server/store';

/** Tasks by owner, then id; the skeleton copies them on the way in and out. */
export class MemoryTasks implements TaskBackend {
  readonly #byOwner = new Map<string, Map<string, StoredTask>>();

  async insert({ id, owner, data }: NormalizedCreateTaskInput): Promise<StoredTask | null> {
    const tasks = this.#byOwner.get(owner) ?? new Map<string, StoredTask>();
    if (tasks.has(id)) return null;
    const now = Date.now();
    const task: StoredTask = { id, owner, data, result: null, createdAt: now, updatedAt: now };
    this.#byOwner.set(owner, tasks.set(id, task));
    return task;
  }

  async get(owner: string, taskId: string): Promise<StoredTask | null> {
    return this.#byOwner.get(owner)?.get(taskId) ?? null;
  }

  async update(owner: string, taskId: string, { data, result }: TaskUpdate): Promise<StoredTask | null> {
    const task = this.#byOwner.get(owner)?.get(taskId);
    if (!task) return null;
    if (data !== undefined) task.data = data;
    if (result !== undefined) task.result = result;
    task.updatedAt = Date.now();
    return task;
  }

  async delete(owner: string, taskId: string): Promise<boolean> {
    const tasks = this.#byOwner.get(owner);
    const deleted = tasks?.delete(taskId) ?? false;
    if (tasks?.size === 0) this.#byOwner.delete(owner);
    return deleted;
  }

  async list(owner: string, { limit, after }: NormalizedTaskListOptions): Promise<TaskPage> {
    const ids = [...(this.#byOwner.get(owner)?.keys() ?? [])].filter((id) => after === null || id > after);
    const tasks = this.#byOwner.get(owner);
    const page = ids.sort(compareTaskIds).slice(0, limit + 1);
    return taskPageFrom(
      page.map((id) => tasks!.get(id)!),
      limit,
    );
  }

  clear(): void {
    this.#byOwner.clear();
  }
}
