import type { Logger } from 'pino';
import type { TaskRegistry } from './task-registry.js';

/** Sweeps the tenants' tasks now and then every `intervalMs` (expired ones deleted, orphans failed). */
export class TaskSweeper {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly registry: TaskRegistry,
    private readonly tenants: readonly string[],
    intervalMs: number,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => void this.sweep(), intervalMs);
    this.timer.unref();
  }

  /** One sweep; a store failure is logged, never thrown. */
  async sweep(): Promise<void> {
    try {
      const { deleted, orphaned } = await this.registry.sweep(this.tenants);
      if (deleted + orphaned > 0) this.logger.info({ deleted, orphaned }, 'tasks swept');
    } catch (error) {
      this.logger.warn({ code: (error as { code?: unknown }).code ?? 'UNKNOWN' }, 'could not sweep tasks');
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
