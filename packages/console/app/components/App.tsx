import { useMemo, useState } from 'preact/hooks';
import { ApiClient, type Credentials } from '../api/api-client.js';
import { loadCredentials, saveCredentials } from '../state/saved.js';
import { Shell } from './Shell.js';
import { SignIn } from './SignIn.js';

/** Sign-in first; then the console, as the key and user signed in. */
export function App() {
  const [credentials, setCredentials] = useState<Credentials | null>(loadCredentials);
  const client = useMemo(() => (credentials ? new ApiClient(credentials) : null), [credentials]);
  const change = (next: Credentials | null) => {
    saveCredentials(next);
    setCredentials(next);
  };
  if (!client) return <SignIn onSignedIn={change} />;
  return <Shell client={client} onSignOut={() => change(null)} />;
}
