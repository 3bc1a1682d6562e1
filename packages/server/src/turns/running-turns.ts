/** The turns in flight, so a shutdown can wait for them and then interrupt the rest. */
export class RunningTurns {
  private readonly controllers = new Set<AbortController>();
  /** The turns still waiting for a slot (not started yet). */
  private readonly waiting = new Set<AbortController>();
  private readonly idleWaiters = new Set<() => void>();

  get size(): number {
    return this.controllers.size;
  }

  /** Registers a turn; its controller aborts when the caller's signal does, or at `abortAll`. */
  start(parent?: AbortSignal): AbortController {
    const controller = new AbortController();
    if (parent) {
      if (parent.aborted) controller.abort(parent.reason);
      else parent.addEventListener('abort', () => controller.abort(parent.reason), { once: true });
    }
    this.controllers.add(controller);
    this.waiting.add(controller);
    return controller;
  }

  /** The turn got its slot and runs now. */
  started(controller: AbortController): void {
    this.waiting.delete(controller);
  }

  finish(controller: AbortController): void {
    this.controllers.delete(controller);
    this.waiting.delete(controller);
    if (this.controllers.size > 0) return;
    for (const resolve of this.idleWaiters) resolve();
    this.idleWaiters.clear();
  }

  /** Drops every turn still waiting for a slot. */
  abortWaiting(reason: Error): void {
    for (const controller of this.waiting) controller.abort(reason);
  }

  /** Interrupts every turn still running. */
  abortAll(reason: Error): void {
    for (const controller of this.controllers) controller.abort(reason);
  }

  /** Resolves once no turn runs. */
  idle(): Promise<void> {
    if (this.controllers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.add(resolve));
  }
}
