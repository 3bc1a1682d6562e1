import type { Response } from 'express';

export interface SseWriterOptions {
  /** A keep-alive comment is sent after this long without an event. */
  heartbeatMs: number;
  /**
   * Most bytes the response may hold unsent (`res.writableLength`). Events come from the running turn
   * and cannot wait, so a client that stops reading gets its stream closed once this is passed.
   */
  bufferLimit: number;
  /** Called once when the stream is closed for passing `bufferLimit`, with the bytes held then. */
  onOverflow?: (bufferedBytes: number) => void;
}

/**
 * Writes Server-Sent Events: one `event:`/`data:` pair per event (data as one JSON line), and a
 * comment after `heartbeatMs` without anything else so proxies and clients keep the stream open.
 * While the socket asks to wait ('drain'), keep-alives are skipped; past `bufferLimit` the response
 * is destroyed, which the route sees as the client going away.
 */
export class SseWriter {
  private heartbeat: NodeJS.Timeout | undefined;
  private nextId = 1;
  private ended = false;
  private waitingForDrain = false;

  constructor(
    private readonly res: Response,
    private readonly options: SseWriterOptions,
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
    this.res.on('drain', () => {
      this.waitingForDrain = false;
    });
    this.arm();
  }

  get closed(): boolean {
    return this.ended || this.res.writableEnded || this.res.destroyed;
  }

  send(event: string, data: unknown): void {
    this.write(`id: ${this.nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    this.arm();
  }

  /** Sends an event of data only (no id, no name), as OpenAI-style streams do; a string goes as is. */
  sendData(data: unknown): void {
    this.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    this.arm();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.heartbeat);
    if (!this.res.writableEnded) this.res.end();
  }

  private write(text: string): void {
    if (this.closed) return;
    if (!this.res.write(text)) this.waitingForDrain = true;
    const buffered = this.res.writableLength;
    if (buffered > this.options.bufferLimit) this.overflow(buffered);
  }

  private overflow(buffered: number): void {
    this.ended = true;
    clearTimeout(this.heartbeat);
    this.options.onOverflow?.(buffered);
    this.res.destroy();
  }

  private arm(): void {
    clearTimeout(this.heartbeat);
    if (this.closed) return;
    this.heartbeat = setTimeout(() => {
      // A client that has not read what it was sent needs no keep-alive on top of it.
      if (!this.waitingForDrain) this.write(': keep-alive\n\n');
      this.arm();
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
  }
}
