import { isRecord } from './is-record.js';
import type { FakeReply, RecordedRequest } from './types.js';

/** Decides whether a /v1/messages call is a side call; returns its label, or undefined. */
export type SideCallClassifier = (req: RecordedRequest) => string | undefined;

function outputSchema(req: RecordedRequest): Record<string, unknown> | undefined {
  const body = isRecord(req.body) ? req.body : {};
  const config = isRecord(body.output_config) ? body.output_config : {};
  const format = isRecord(config.format) ? config.format : undefined;
  return format && isRecord(format.schema) ? format.schema : undefined;
}

/**
 * Recognises the CLI's helper calls (2.1.197 to 2.1.332) so they never take a queued reply: the
 * session title (tools: [], a json_schema output format with a `title` property, sent when
 * nonessential traffic is allowed), the subscription quota probe (max_tokens 1, content "quota") and
 * the check of a model that `set_model` switches to (2.1.332: max_tokens 1, no tools, one user
 * message "Hi"). Anything else, tool-less calls from `--tools ""` included, is a conversation call.
 */
export const classifySideCall: SideCallClassifier = (req) => {
  if (req.maxTokens === 1 && req.messages.length === 1) {
    if (req.lastUserText === 'quota') return 'quota';
    if (req.tools.length === 0) return 'model-check';
  }
  if (req.tools.length > 0) return undefined;
  const schema = outputSchema(req);
  if (schema) {
    const properties = isRecord(schema.properties) ? Object.keys(schema.properties) : [];
    return properties.includes('title') ? 'title' : 'structured-output';
  }
  if (req.system.includes('Generate a concise, sentence-case title')) return 'title';
  return undefined;
};

/** A minimal value that satisfies a JSON schema (strings become "Fake session", numbers 0...). */
function sampleFor(schema: unknown): unknown {
  if (!isRecord(schema)) return null;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'string':
      return 'Fake session';
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object': {
      const properties = isRecord(schema.properties) ? schema.properties : {};
      return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, sampleFor(v)]));
    }
    default:
      return null;
  }
}

/** The harmless answer given to a side call: JSON that fits its output schema, or a short text. */
export function sideCallReply(req: RecordedRequest): FakeReply {
  const schema = outputSchema(req);
  if (schema) return { type: 'text', text: JSON.stringify(sampleFor(schema)) };
  return { type: 'text', text: req.sideCall === 'quota' ? '' : 'ok' };
}
