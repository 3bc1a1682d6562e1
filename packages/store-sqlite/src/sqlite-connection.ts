import { StoreClosedError } from '@claude-code-server/store';
import { isConnectionBroken } from './sqlite-errors.js';
import {
  ensureParentDirectory,
  isFileInPlace,
  openConnection,
  type SqliteConnection,
} from './sqlite-file.js';
import type { ResolvedSqliteOptions } from './sqlite-options.js';
import { prepareStatements, type Statements } from './sqlite-queries.js';
import type { TableNames } from './sqlite-schema.js';

/** An open connection with the store's statements prepared on it. */
export interface OpenStore extends SqliteConnection {
  sql: Statements;
}

/**
 * The store's connection: opened on first use, and opened again after the file broke or was replaced,
 * so a store outlives a missing, locked or broken file. Never reopened after close.
 */
export class StoreConnection {
  readonly #options: ResolvedSqliteOptions;
  readonly #tables: TableNames;
  #open: OpenStore | null = null;
  #createdDirectory = false;
  #closed = false;

  constructor(options: ResolvedSqliteOptions, tables: TableNames) {
    this.#options = options;
    this.#tables = tables;
  }

  /** Runs `operation` on the open connection; one that broke is dropped, so the next call reopens. */
  use<T>(operation: (open: OpenStore) => T): T {
    if (this.#closed) throw new StoreClosedError();
    const open = this.#connect();
    try {
      return operation(open);
    } catch (error) {
      if (open.owned && isConnectionBroken(error)) this.#drop(open);
      throw error;
    }
  }

  /** Runs `body` in one read transaction, so everything it reads comes from one snapshot. */
  read<T>(body: (sql: Statements) => T): T {
    return this.use(({ db, sql }) => db.transaction(() => body(sql))());
  }

  /** Runs `body` in one BEGIN IMMEDIATE transaction: it waits for the write lock up front, never midway. */
  write<T>(body: (sql: Statements) => T): T {
    return this.use(({ db, sql }) => db.transaction(() => body(sql)).immediate());
  }

  /** Closes the connection if the store opened it. */
  close(): void {
    this.#closed = true;
    const open = this.#open;
    this.#open = null;
    if (open?.owned) open.db.close();
  }

  #connect(): OpenStore {
    const { source } = this.#options;
    if (this.#open && isFileInPlace(this.#open)) return this.#open;
    if (this.#open) this.#drop(this.#open);
    // Only before the first open: a directory that disappears later is an outage, not a fresh start.
    if (source.kind === 'path' && !this.#createdDirectory) {
      ensureParentDirectory(source.path);
      this.#createdDirectory = true;
    }
    const connection = openConnection(this.#options, this.#tables);
    this.#open = { ...connection, sql: prepareStatements(connection.db, this.#tables) };
    return this.#open;
  }

  #drop(open: OpenStore): void {
    if (this.#open === open) this.#open = null;
    try {
      open.db.close();
    } catch {
      // Already unusable; the next call opens a fresh connection.
    }
  }
}
