import { StoreUnavailableError } from '@claude-code-server/store';
import type { Database } from 'better-sqlite3';

/** The table names of one namespace. */
export interface TableNames {
  migrations: string;
  sessions: string;
  messages: string;
  transcriptParts: string;
  leases: string;
  tasks: string;
}

/** Table names under `prefix` (already checked to be a plain identifier). */
export function tableNames(prefix: string): TableNames {
  return {
    migrations: `${prefix}migrations`,
    sessions: `${prefix}sessions`,
    messages: `${prefix}messages`,
    transcriptParts: `${prefix}transcript_parts`,
    leases: `${prefix}leases`,
    tasks: `${prefix}tasks`,
  };
}

interface Migration {
  version: number;
  name: string;
  sql(t: TableNames): string;
}

// Applied in order, each once per namespace; a shipped migration is never edited, only followed.
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sessions, messages, transcripts, leases',
    sql: (t) => `
      CREATE TABLE ${t.sessions} (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        claude_session_id TEXT,
        project TEXT,
        metadata TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_active_at INTEGER NOT NULL,
        expires_at INTEGER,
        next_seq INTEGER NOT NULL DEFAULT 1,
        transcript_parts INTEGER
      );
      CREATE INDEX ${t.sessions}_by_user ON ${t.sessions} (user_id, last_active_at DESC, id DESC);
      CREATE INDEX ${t.sessions}_by_expiry ON ${t.sessions} (expires_at) WHERE expires_at IS NOT NULL;
      CREATE TABLE ${t.messages} (
        session_id TEXT NOT NULL REFERENCES ${t.sessions} (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        usage TEXT,
        cost_usd REAL,
        metadata TEXT,
        PRIMARY KEY (session_id, seq)
      );
      CREATE TABLE ${t.transcriptParts} (
        session_id TEXT NOT NULL REFERENCES ${t.sessions} (id) ON DELETE CASCADE,
        part INTEGER NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (session_id, part)
      );
      CREATE TABLE ${t.leases} (
        session_id TEXT PRIMARY KEY,
        owner TEXT,
        token INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'tasks',
    // Kept by owner and id, apart from sessions: no reference to them and no expiry.
    sql: (t) => `
      CREATE TABLE ${t.tasks} (
        owner TEXT NOT NULL,
        id TEXT NOT NULL,
        data TEXT NOT NULL,
        result TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (owner, id)
      );
    `,
  },
];

/** The schema version this package writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Brings the namespace's tables up to SCHEMA_VERSION; safe when several processes open at once. */
export function migrate(db: Database, t: TableNames): void {
  if (currentVersion(db, t) === SCHEMA_VERSION) return;
  // Re-read under the write lock: another process may have migrated in between.
  db.transaction(() => {
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
    );
    const applied = currentVersion(db, t) ?? 0;
    if (applied > SCHEMA_VERSION) {
      throw new StoreUnavailableError(
        `the ${t.migrations} schema is at version ${applied}, newer than this package's ${SCHEMA_VERSION}`,
      );
    }
    const record = db.prepare(`INSERT INTO ${t.migrations} (version, name, applied_at) VALUES (?, ?, ?)`);
    for (const migration of MIGRATIONS) {
      if (migration.version <= applied) continue;
      db.exec(migration.sql(t));
      record.run(migration.version, migration.name, Date.now());
    }
  }).immediate();
}

function currentVersion(db: Database, t: TableNames): number | null {
  const exists = db
    .prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`)
    .get(t.migrations) as unknown;
  if (!exists) return null;
  const row = db.prepare(`SELECT max(version) AS version FROM ${t.migrations}`).get() as {
    version: number | null;
  };
  return row.version;
}
