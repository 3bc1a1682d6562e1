import { StoreClosedError } from '@claude-code-server/store';
import { ensureParentDirectory, isFileInPlace, openConnection, type SqliteConnection } from './connection.js';
import type { ResolvedSqliteOptions } from './options.js';
import type { TableNames } from './schema.js';
import { isConnectionBroken, toStoreError } from './sqlite-errors.js';
import { prepareStatements, type Statements } from './statements.js';

/** An open connection with the store's statements prepared on it. */
export interface OpenStore extends SqliteConnection {
  sql: Statements;
}

/**
 * The store's connection: opened on first use, and opened again after the file broke or was replaced,
 * so a store outlives a missing, locked or broken file. After close every use throws StoreClosedError.
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

  /** Throws StoreClosedError after close; called before inputs are checked, so closed wins. */
  assertOpen(): void {
    if (this.#closed) throw new StoreClosedError();
  }

  /** Runs `operation` on the open connection, turning driver failures into StoreUnavailableError. */
  use<T>(operation: (open: OpenStore) => T): T {
    this.assertOpen();
    const open = this.#connect();
    try {
      return operation(open);
    } catch (error) {
      if (open.owned && isConnectionBroken(error)) this.#drop(open);
      throw toStoreError(error);
    }
  }

  /** Closes the connection if the store opened it; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const open = this.#open;
    this.#open = null;
    if (open?.owned) open.db.close();
  }

  #connect(): OpenStore {
    const { source } = this.#options;
    try {
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
    } catch (error) {
      throw toStoreError(error);
    }
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
