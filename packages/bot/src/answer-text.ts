import type { AgentEvent, AgentResponse } from '@claude-code-server/agent';

/** Receives the turn's response once its `done` event has passed. */
export type ResponseSink = (response: AgentResponse) => void;

/**
 * The answer's text as it streams: text deltas of the main conversation (the agent's config needs
 * `includePartialMessages` for them), else whole assistant messages; a paragraph break between the
 * texts before and after a tool call. A turn that wrote no text says so in one line.
 */
export async function* answerText(
  events: AsyncIterable<AgentEvent>,
  onResponse: ResponseSink,
): AsyncGenerator<string> {
  let sawDelta = false;
  let wrote = false;
  let breakPending = false;
  const piece = (text: string) => {
    const out = breakPending && wrote ? `\n\n${text}` : text;
    breakPending = false;
    wrote = true;
    return out;
  };
  for await (const event of events) {
    if (event.type === 'text_delta' && event.parentToolUseId === null && event.text) {
      sawDelta = true;
      yield piece(event.text);
    } else if (event.type === 'assistant' && event.parentToolUseId === null && !sawDelta && event.text) {
      breakPending = wrote;
      yield piece(event.text);
    } else if (event.type === 'tool_result' && event.parentToolUseId === null) {
      breakPending = true;
    } else if (event.type === 'done') {
      onResponse(event.response);
      if (!wrote)
        yield event.response.content || (event.response.success ? 'Done.' : 'I could not finish that.');
    }
  }
}

/** Where to cut `text` so the head has at most `room` characters: after a line break or space when there is one. */
function cutPoint(text: string, room: number): number {
  if (room <= 0) return 0;
  const window = text.slice(0, room + 1);
  const newline = window.lastIndexOf('\n');
  if (newline > 0) return newline;
  const space = window.lastIndexOf(' ');
  return space > 0 ? space : room;
}

/**
 * Splits a text stream into consecutive streams of at most `maxLength` characters each, for platforms
 * that cap a message's length. Each part must be read to its end before the next is asked for.
 */
export async function* splitByLength(
  source: AsyncIterable<string>,
  maxLength: number,
): AsyncGenerator<AsyncIterable<string>> {
  const iterator = source[Symbol.asyncIterator]();
  let carry = '';
  let ended = false;
  while (!ended) {
    let cut = false;
    const part = async function* () {
      let length = 0;
      let piece = carry;
      carry = '';
      for (;;) {
        if (!piece) {
          const next = await iterator.next();
          if (next.done) {
            ended = true;
            return;
          }
          piece = next.value;
        }
        if (length + piece.length <= maxLength) {
          length += piece.length;
          yield piece;
          piece = '';
          continue;
        }
        const at = cutPoint(piece, maxLength - length);
        const head = piece.slice(0, at);
        if (head) yield head;
        carry = piece.slice(at).replace(/^[ \n]+/, '');
        cut = true;
        return;
      }
    };
    yield part();
    if (!cut) ended = true;
  }
}
