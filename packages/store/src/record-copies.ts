import type { MessageRecord, SessionRecord, StoredTask } from './types.js';

// Records leave the store as copies, so a caller mutating them cannot change stored state.

export function copySession(record: SessionRecord): SessionRecord {
  return { ...record, metadata: structuredClone(record.metadata) };
}

export function copyMessage(record: MessageRecord): MessageRecord {
  return {
    ...record,
    usage: record.usage && { ...record.usage },
    metadata: record.metadata && structuredClone(record.metadata),
  };
}

export function copyTask(task: StoredTask): StoredTask {
  return { ...task, data: structuredClone(task.data) };
}
