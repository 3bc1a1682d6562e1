import { type AdapterPostableMessage, stringifyMarkdown } from 'chat';

/** The text of a received message by its type; `content` is JSON whose form depends on `message_type`. */
export function messageText(type: string, content: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return '';
  }
  const body = parsed as {
    text?: string;
    title?: string;
    content?: { tag: string; text?: string; user_name?: string }[][];
  };
  if (type === 'text') return body.text ?? '';
  if (type === 'post') {
    const lines = (body.content ?? []).map((line) =>
      line.map((node) => (node.tag === 'at' ? `@${node.user_name ?? ''}` : (node.text ?? ''))).join(''),
    );
    return [body.title, ...lines].filter(Boolean).join('\n');
  }
  return `[${type}]`;
}

/** The markdown of a message to send that is not a card. */
export function postableMarkdown(message: AdapterPostableMessage): string {
  if (typeof message === 'string') return message;
  if ('raw' in message) return message.raw;
  if ('markdown' in message) return message.markdown;
  if ('ast' in message) return stringifyMarkdown(message.ast);
  return '';
}
