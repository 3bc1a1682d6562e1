import { AuthenticationError, BadRequestError, PermissionDeniedError } from '@claude-code-server/client';
import { useEffect, useState } from 'preact/hooks';
import { type Credentials, clientFor } from '../api/connection.js';
import { describeError } from '../format.js';

/** What to tell a person whose sign-in was refused. */
function refusal(error: unknown, credentials: Credentials): string {
  if (error instanceof AuthenticationError) {
    return credentials.apiKey
      ? `This API key was refused: ${error.message}. Check the key (auth.keys in the server's config).`
      : `This server needs an API key: ${error.message}.`;
  }
  if (error instanceof PermissionDeniedError) {
    return `This key may not act for user ${credentials.userId}: ${error.message}.`;
  }
  if (error instanceof BadRequestError) return `The user id was refused: ${error.message}.`;
  return `Sign-in failed: ${describeError(error)}`;
}

/**
 * Asks for the API key and the user id, and checks both with the server (GET /sessions answers 401
 * for a bad key, 403 for a user the key may not act for).
 */
export function SignIn({ onSignedIn }: { onSignedIn(credentials: Credentials): void }) {
  const [apiKey, setApiKey] = useState('');
  const [userId, setUserId] = useState('console');
  const [problem, setProblem] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [keyless, setKeyless] = useState(false);

  // A server without keys (auth: none) answers without one: say the key is not needed.
  useEffect(() => {
    clientFor('')
      .listSessions({ user_id: 'console', limit: 1 }, { retry: false })
      .then(() => setKeyless(true))
      .catch(() => {});
  }, []);

  const signIn = async (event: Event) => {
    event.preventDefault();
    const credentials = { apiKey: apiKey.trim(), userId: userId.trim() };
    setChecking(true);
    setProblem(null);
    try {
      await clientFor(credentials.apiKey).listSessions({ user_id: credentials.userId, limit: 1 });
      onSignedIn(credentials);
    } catch (error) {
      setProblem(refusal(error, credentials));
    } finally {
      setChecking(false);
    }
  };

  return (
    <main class="sign-in">
      <form onSubmit={signIn}>
        <h1>claude-code-server</h1>
        <label>
          API key
          <input
            type="password"
            name="api-key"
            autoComplete="current-password"
            value={apiKey}
            placeholder={keyless ? 'not needed: this server runs without keys' : 'the key you were given'}
            onInput={(event) => setApiKey(event.currentTarget.value)}
          />
        </label>
        <label>
          User id
          <input
            type="text"
            name="user-id"
            required
            value={userId}
            onInput={(event) => setUserId(event.currentTarget.value)}
          />
        </label>
        <p class="muted">Sessions are kept per user; the key may limit which users you can act for.</p>
        <button type="submit" class="primary" disabled={checking || userId.trim() === ''}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
        {problem && (
          <div class="error" role="alert">
            {problem}
          </div>
        )}
      </form>
    </main>
  );
}
