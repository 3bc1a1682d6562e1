// The program test/browser.test.ts bundles and runs in Chromium: the client as a web page uses it.
import { AuthenticationError, type ChatStreamEvent, ClaudeCodeServerClient } from '../src/index.js';

async function runClient(baseUrl: string, apiKey: string) {
  const client = new ClaudeCodeServerClient({ baseUrl, apiKey });
  const answer = await client.chat({ message: 'Hello from the browser', user_id: 'web' });

  const streamed: string[] = [];
  let text = '';
  for await (const event of client.chatStream({ message: 'Stream it', user_id: 'web' })) {
    streamed.push(event.event);
    if (event.event === 'delta') text += event.data.text;
  }

  const wrong = await new ClaudeCodeServerClient({ baseUrl, apiKey: 'not-a-key-of-this-server' })
    .listSessions({ user_id: 'web' })
    .catch((error: unknown) => error);

  // The browser's own WebSocket, authenticated with an auth frame.
  const socket = await client.connect();
  const overSocket: ChatStreamEvent[] = [];
  for await (const event of socket.send({
    message: 'Over the socket',
    user_id: 'web',
    session_id: 'web-ws',
  })) {
    overSocket.push(event);
  }
  socket.close();
  const last = overSocket.at(-1);

  return {
    answer: answer.content,
    streamed,
    text,
    wrong: {
      isAuthenticationError: wrong instanceof AuthenticationError,
      code: (wrong as AuthenticationError).code,
      status: (wrong as AuthenticationError).status,
    },
    socketAnswer: last?.event === 'done' ? last.data.content : null,
  };
}

(globalThis as { runClient?: typeof runClient }).runClient = runClient;
