import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const workerPath = fileURLToPath(new URL('./store-worker.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const tsconfigPath = fileURLToPath(new URL('./worker.tsconfig.json', import.meta.url));

interface Reply {
  id?: number;
  ready?: boolean;
  result?: unknown;
  error?: { name: string; code?: string; message: string };
}

/** A SqliteSessionStore running in another Node process on the same file. */
export interface StoreProcess {
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
  /** Ends stdin and waits for the process to exit; resolves to its exit code. */
  stop(): Promise<number | null>;
}

/** Spawns the worker (through tsx) and resolves once its store is constructed. */
export async function startStoreProcess(dbPath: string, tablePrefix?: string): Promise<StoreProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', workerPath], {
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: tsconfigPath,
      WORKER_DB_PATH: dbPath,
      ...(tablePrefix ? { WORKER_TABLE_PREFIX: tablePrefix } : {}),
    },
    cwd: packageDir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  exited.then((code) => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`store worker exited (${code}): ${stderr}`));
    pending.clear();
  });
  const ready = new Promise<void>((resolve, reject) => {
    exited.then((code) => reject(new Error(`store worker exited (${code}) before it was ready: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const reply = JSON.parse(line) as Reply;
      if (reply.ready) return resolve();
      const waiter = pending.get(reply.id!);
      pending.delete(reply.id!);
      if (!reply.error) return waiter?.resolve(reply.result);
      const error = Object.assign(new Error(reply.error.message), reply.error);
      waiter?.reject(error);
    });
  });
  await ready;
  return {
    call<T>(method: string, ...args: unknown[]) {
      const id = nextId++;
      child.stdin.write(`${JSON.stringify({ id, method, args })}\n`);
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      });
    },
    async stop() {
      child.stdin.end();
      return exited;
    },
  };
}
