export { buildErrorResponse, errorTypeFor } from './errors.js';
export { buildMessage, buildStreamEvents, splitText } from './message-builder.js';
export { contentToText } from './record.js';
export { replies } from './replies.js';
export { echoRule, memoryRule, rules } from './rules.js';
export {
  type FakeAnthropic,
  type FakeAnthropicOptions,
  type FakeDefault,
  startFakeAnthropic,
} from './server.js';
export { classifySideCall, type SideCallClassifier, sideCallReply } from './side-calls.js';
export type {
  DropReply,
  ErrorReply,
  FakeContentBlock,
  FakeMessage,
  FakeReply,
  FakeRule,
  FakeUsage,
  HangReply,
  RecordedRequest,
  RecordedToolResult,
  TextReply,
  ToolUseReply,
} from './types.js';
