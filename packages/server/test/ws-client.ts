import WebSocket from 'ws';

/** A frame the server sent, parsed. */
export type Frame = Record<string, unknown> & { type: string };

/** A real `ws` client that keeps every frame it receives and waits for the ones a test expects. */
export class WsTestClient {
  readonly frames: Frame[] = [];
  private waiters: Array<() => void> = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      this.wake();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  /** Connects to `url` (ws://...) and waits until the connection is open. */
  static open(url: string, headers: Record<string, string> = {}): Promise<WsTestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      const client = new WsTestClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () =>
          reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })),
        );
      });
      socket.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame (from `from` on) that matches, waiting for it. */
  async next(match: (frame: Frame) => boolean, from = 0): Promise<Frame> {
    for (;;) {
      const found = this.frames.slice(from).find(match);
      if (found) return found;
      if (this.closed) throw new Error(`the connection closed (${this.closed.code}) before the frame came`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** The event frame `event` of a turn. */
  event(turnId: string, event: string): Promise<Frame> {
    return this.next((f) => f.type === 'event' && f.turn_id === turnId && f.event === event);
  }

  /** Waits for the turn's done or error event; returns every event of the turn by then. */
  async finished(turnId: string): Promise<Frame[]> {
    await this.next(
      (f) => f.type === 'event' && f.turn_id === turnId && (f.event === 'done' || f.event === 'error'),
    );
    return this.frames.filter((f) => f.type === 'event' && f.turn_id === turnId);
  }

  /** Resolves once the server closed the connection (or it was closed here). */
  async whenClosed(): Promise<{ code: number; reason: string }> {
    while (!this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.closed;
  }

  close(): void {
    this.socket.close();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
