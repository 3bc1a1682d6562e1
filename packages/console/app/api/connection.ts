import { ClaudeCodeServerClient } from '@claude-code-server/client';

/** Who the console acts as: the API key (empty when the server runs without keys) and the user id. */
export interface Credentials {
  apiKey: string;
  userId: string;
}

/** The client of the server the page came from, with the signed-in user. */
export interface Connection {
  client: ClaudeCodeServerClient;
  userId: string;
}

/** A client of the API on the page's own origin (the console is served by the server it talks to). */
export function clientFor(apiKey: string): ClaudeCodeServerClient {
  const key = apiKey.trim();
  return new ClaudeCodeServerClient({ baseUrl: location.origin, ...(key ? { apiKey: key } : {}) });
}

export function connect(credentials: Credentials): Connection {
  return { client: clientFor(credentials.apiKey), userId: credentials.userId };
}
