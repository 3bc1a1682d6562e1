import type {
  CanUseTool,
  ClaudeEvent,
  ClaudeUsage,
  Hooks,
  PermissionDenial,
  ResultErrorCode,
} from '@claude-code-server/core';
import type { Metadata } from '@claude-code-server/store';
import type { AgentOverrides } from './config/overrides.js';

/** Facts about the sender a formatter may use; anything else is kept on the stored message. */
export interface MessageMetaInput {
  userName?: string;
  platform?: string;
  [key: string]: unknown;
}

/** Options of one `chat()` / `stream()` call. */
export interface AgentChatOptions {
  userId: string;
  /** The conversation; default `user_<userId>` (one per user). */
  sessionId?: string;
  /** A project name from the agent's `projects` (never a path); fixed when the session is created. */
  project?: string;
  /** Narrow the agent's config for this call (never widen it). */
  overrides?: AgentOverrides;
  /** Sender facts for the formatter; stored with the user message. */
  meta?: MessageMetaInput;
  /**
   * Content blocks sent to the model after the message text (stream-json user content: e.g.
   * `{ type: 'image', source: { type: 'base64', media_type, data } }`). Not stored: only the text is.
   */
  attachments?: Array<Record<string, unknown>>;
  /** Tool permission callback for this call, asked after the agent's allows (it narrows, never widens). */
  canUseTool?: CanUseTool;
  /**
   * Hooks for this call's turn, run besides the agent's (a deny wins, so they narrow): only for the
   * agent's `callHookEvents`.
   */
  hooks?: Hooks;
  /** Aborting drops a waiting message or interrupts its running turn. */
  signal?: AbortSignal;
  /** Called once the message's turn takes its slot and starts (no longer waiting). */
  onStart?: () => void;
  /** Interrupt the turn after this long once it runs (waiting in the queue does not count). */
  timeoutMs?: number;
  /** Merged into the session's metadata. */
  sessionMetadata?: Metadata;
}

/** The outcome of a turn. Every caller whose message joined the turn gets the same response. */
export interface AgentResponse {
  content: string;
  sessionId: string;
  claudeSessionId: string;
  /** False when the CLI ended the turn with an error result (max turns, budget...); see `error`. */
  success: boolean;
  /** What stopped the turn (`MAX_TURNS`, `MAX_BUDGET`, `EXECUTION_ERROR`...); such a turn stores no answer. */
  error?: { code: ResultErrorCode; message: string };
  /** This turn's tokens. */
  usage: ClaudeUsage;
  /** This turn's cost in USD (never a process's running total: a conversation's costs add up). */
  costUsd: number;
  durationMs: number;
  numTurns: number;
  permissionDenials: PermissionDenial[];
  /** The stored transcript was gone, so this turn started a new Claude conversation. */
  freshSession: boolean;
  metadata: AgentResponseMetadata;
}

export interface AgentResponseMetadata {
  /** How many messages this turn answered (more than one when a debounce merged a burst). */
  mergedMessages: number;
  /** Sequence numbers of the stored user messages and the assistant's answer (null: an error result, not stored). */
  userMessageSeqs: number[];
  assistantMessageSeq: number | null;
  /** The session's turn counter after this turn. */
  turn: number;
  /** The Claude session was started over because its transcript was gone. */
  freshSession: boolean;
  /** A warm process was reused (false: a process was started or resumed for this turn). */
  warm: boolean;
  /**
   * Stored messages the CLI had not seen, brought along in this turn's prompt: those of a turn whose
   * agent died after storing them, before it stored the rest (0 almost always).
   */
  recoveredMessages: number;
  project: string | null;
  model: string | undefined;
}

/** What `stream()` yields: the session first, then the CLI's events, then `done`. */
export type AgentEvent =
  | { type: 'session'; sessionId: string; claudeSessionId?: string }
  | ClaudeEvent
  | { type: 'done'; response: AgentResponse };

/** Payloads of the observer events. */
export interface TurnStartedEvent {
  sessionId: string;
  userId: string;
  messages: number;
}

export interface TurnFinishedEvent {
  sessionId: string;
  userId: string;
  durationMs: number;
  usage: ClaudeUsage;
  costUsd: number;
  success: boolean;
  freshSession: boolean;
}

export interface TurnFailedEvent {
  sessionId: string;
  userId: string;
  durationMs: number;
  usage?: ClaudeUsage;
  costUsd?: number;
  error: { code: string; message: string };
}

/** The answer was delivered and stored, but the transcript or turn counter could not be saved after it. */
export interface TranscriptSaveFailedEvent {
  sessionId: string;
  userId: string;
  error: { code: string; message: string };
}

export interface AgentEventMap {
  turn_started: TurnStartedEvent;
  turn_finished: TurnFinishedEvent;
  turn_failed: TurnFailedEvent;
  transcript_save_failed: TranscriptSaveFailedEvent;
}

/** Selects a conversation: a user's default session, or a named one. */
export type SessionSelector = string | { userId: string; sessionId?: string } | { sessionId: string };
