import { useMemo, useState } from 'preact/hooks';
import { type Credentials, connect } from '../api/connection.js';
import { loadCredentials, saveCredentials } from '../state/saved.js';
import { Shell } from './Shell.js';
import { SignIn } from './SignIn.js';

/** Sign-in first; then the console, as the key and user signed in. */
export function App() {
  const [credentials, setCredentials] = useState<Credentials | null>(loadCredentials);
  const connection = useMemo(() => (credentials ? connect(credentials) : null), [credentials]);
  const change = (next: Credentials | null) => {
    saveCredentials(next);
    setCredentials(next);
  };
  if (!connection) return <SignIn onSignedIn={change} />;
  return <Shell connection={connection} onSignOut={() => change(null)} />;
}
