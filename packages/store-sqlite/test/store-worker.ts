// A SqliteSessionStore in a child process, driven by JSON lines on stdin (one call per line).
// Replies on stdout: {id, result} or {id, error: {name, code, message}}.
import { createInterface } from 'node:readline';
import { createSqliteSessionStore } from '../src/index.js';

const store = createSqliteSessionStore({
  path: process.env.WORKER_DB_PATH,
  tablePrefix: process.env.WORKER_TABLE_PREFIX,
});

type Call = { id: number; method: string; args: unknown[] };

const extraMethods: Record<string, (...args: never[]) => Promise<unknown>> = {
  /** Appends `count` messages tagged `${tag}-${i}` one after another; returns their seqs. */
  appendMany: async (sessionId: string, count: number, tag: string) => {
    const seqs: number[] = [];
    for (let i = 0; i < count; i++) {
      const message = await store.appendMessage(sessionId, { role: 'user', content: `${tag}-${i}` });
      seqs.push(message.seq);
    }
    return seqs;
  },
};

async function handle(call: Call): Promise<unknown> {
  const extra = extraMethods[call.method];
  if (extra) return extra(...(call.args as never[]));
  const method = (store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[call.method];
  if (typeof method !== 'function') throw new Error(`no such method: ${call.method}`);
  return method.apply(store, call.args);
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const call = JSON.parse(line) as Call;
  handle(call).then(
    (result) => process.stdout.write(`${JSON.stringify({ id: call.id, result: result ?? null })}\n`),
    (error: Error & { code?: string }) =>
      process.stdout.write(
        `${JSON.stringify({ id: call.id, error: { name: error.name, code: error.code, message: error.message } })}\n`,
      ),
  );
});
lines.on('close', () => {
  void store.close();
});
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
