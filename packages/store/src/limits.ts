const MiB = 1024 * 1024;

/** The limits every store enforces at its edge (sizes of text are UTF-8 bytes). */
export const STORE_LIMITS = {
  /** Session ids, Claude session ids and project names. */
  idMaxLength: 256,
  userIdMaxLength: 256,
  leaseOwnerMaxLength: 256,
  messageContentMaxBytes: 16 * MiB,
  /** One `saveTranscript` text or one `appendTranscript` chunk. */
  transcriptMaxBytes: 64 * MiB,
  metadataMaxBytes: 64 * 1024,
  /** Nesting depth of metadata objects and arrays. */
  metadataMaxDepth: 32,
  messagePageDefaultLimit: 50,
  messagePageMaxLimit: 1000,
  sessionPageDefaultLimit: 50,
  sessionPageMaxLimit: 200,
  leaseMaxTtlMs: 3_600_000,
  /** Ten years: longer is indistinguishable from "never" and overflows some backends' timers. */
  sessionMaxTtlMs: 315_360_000_000,
  sessionCursorMaxLength: 1024,
  /** Task ids follow the session id rules (idMaxLength, ID_PATTERN). */
  taskOwnerMaxLength: 256,
  taskResultMaxBytes: 16 * MiB,
  taskPageDefaultLimit: 50,
  taskPageMaxLimit: 200,
} as const;

/** Session ids, Claude session ids and project names: safe in keys, file names and URLs. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;
