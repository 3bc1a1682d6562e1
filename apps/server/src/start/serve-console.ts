import type { Server } from 'node:http';
import { createConsoleApp } from '@claude-code-server/console';
import type { ClaudeCodeServer } from '@claude-code-server/server';

/**
 * Puts the web console at /console in front of the server's API on the listening HTTP server. The
 * API app ends in its own 404 handler, so the console cannot be added after it: it goes before.
 */
export function serveConsole(http: Server, server: ClaudeCodeServer): void {
  if (!http.listeners('request').includes(server.app)) {
    throw new Error('the HTTP server does not run the API app: the console cannot be put in front of it');
  }
  http.removeListener('request', server.app);
  http.on('request', createConsoleApp(server.app));
}
