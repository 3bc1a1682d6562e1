import type {
  MessageRecord,
  NormalizedAppendMessageInput,
  SessionRecord,
  SessionUpdate,
  StoredTask,
} from '@claude-code-server/store';

/** How a session record lies in its hash: absent field = null; metadata as JSON; times as ms. */
export function sessionToHashPairs(session: SessionRecord): string[] {
  const pairs = [
    'id',
    session.id,
    'userId',
    session.userId,
    'metadata',
    JSON.stringify(session.metadata),
    'createdAt',
    String(session.createdAt),
    'lastActiveAt',
    String(session.lastActiveAt),
  ];
  if (session.claudeSessionId !== null) pairs.push('claudeSessionId', session.claudeSessionId);
  if (session.project !== null) pairs.push('project', session.project);
  if (session.expiresAt !== null) pairs.push('expiresAt', String(session.expiresAt));
  return pairs;
}

/** The hash changes an update makes: fields to delete (set to null) and field/value pairs to set. */
export function updateToHashChanges(update: SessionUpdate): { deleted: string[]; pairs: string[] } {
  const deleted: string[] = [];
  const pairs: string[] = [];
  for (const field of ['claudeSessionId', 'project'] as const) {
    const value = update[field];
    if (value === undefined) continue;
    if (value === null) deleted.push(field);
    else pairs.push(field, value);
  }
  if (update.metadata !== undefined) pairs.push('metadata', JSON.stringify(update.metadata));
  return { deleted, pairs };
}

/** The fields of HGETALL's flat [field, value, ...] reply, as scripts return it. */
export function fieldsFromReply(reply: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  const flat = reply as string[];
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

/** Reads a session back from a script's HGETALL reply. */
export function sessionFromHashReply(reply: unknown): SessionRecord {
  return sessionFromHash(fieldsFromReply(reply));
}

/** Reads a session back from its hash. */
export function sessionFromHash(fields: Record<string, string>): SessionRecord {
  return {
    id: fields.id!,
    userId: fields.userId!,
    claudeSessionId: fields.claudeSessionId ?? null,
    project: fields.project ?? null,
    metadata: JSON.parse(fields.metadata ?? '{}'),
    createdAt: Number(fields.createdAt),
    lastActiveAt: Number(fields.lastActiveAt),
    expiresAt: fields.expiresAt === undefined ? null : Number(fields.expiresAt),
  };
}

/** The JSON one list entry holds; seq and sessionId are not stored, they follow from the position. */
interface StoredMessage {
  role: MessageRecord['role'];
  content: string;
  createdAt: number;
  usage: MessageRecord['usage'];
  costUsd: number | null;
  metadata: MessageRecord['metadata'];
}

/** Serialises an appended message for its list entry. */
export function encodeMessage(input: NormalizedAppendMessageInput, createdAt: number): string {
  const stored: StoredMessage = {
    role: input.role,
    content: input.content,
    createdAt,
    usage: input.usage,
    costUsd: input.costUsd,
    metadata: input.metadata,
  };
  return JSON.stringify(stored);
}

/** Reads a list entry back as the message with this seq. */
export function decodeMessage(sessionId: string, seq: number, json: string): MessageRecord {
  const stored = JSON.parse(json) as StoredMessage;
  return { sessionId, seq, ...stored };
}

/** Reads a task back from its hash: `data` as JSON, `result` absent = null, times as ms. */
export function taskFromHash(owner: string, id: string, fields: Record<string, string>): StoredTask {
  return {
    id,
    owner,
    data: JSON.parse(fields.data ?? '{}'),
    result: fields.result ?? null,
    createdAt: Number(fields.createdAt),
    updatedAt: Number(fields.updatedAt),
  };
}
