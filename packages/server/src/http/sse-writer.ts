import type { Response } from 'express';

/**
 * Writes Server-Sent Events: one `event:`/`data:` pair per event (data as one JSON line), and a
 * comment after `heartbeatMs` without anything else so proxies and clients keep the stream open.
 */
export class SseWriter {
  private heartbeat: NodeJS.Timeout | undefined;
  private nextId = 1;
  private ended = false;

  constructor(
    private readonly res: Response,
    private readonly heartbeatMs: number,
  ) {}

  /** Sends the headers; events may follow. */
  open(): void {
    this.res.status(200);
    this.res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.res.setHeader('Cache-Control', 'no-cache, no-transform');
    this.res.setHeader('Connection', 'keep-alive');
    // Tells nginx-style proxies not to buffer the stream.
    this.res.setHeader('X-Accel-Buffering', 'no');
    this.res.flushHeaders();
    this.res.socket?.setNoDelay(true);
    this.arm();
  }

  get closed(): boolean {
    return this.ended || this.res.writableEnded || this.res.destroyed;
  }

  send(event: string, data: unknown): void {
    if (this.closed) return;
    this.res.write(`id: ${this.nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    this.arm();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.heartbeat);
    if (!this.res.writableEnded) this.res.end();
  }

  private arm(): void {
    clearTimeout(this.heartbeat);
    this.heartbeat = setTimeout(() => {
      if (this.closed) return;
      this.res.write(': keep-alive\n\n');
      this.arm();
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }
}
