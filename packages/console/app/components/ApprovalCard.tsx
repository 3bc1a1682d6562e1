import { useState } from 'preact/hooks';
import type { Connection } from '../api/connection.js';
import type { PermissionRequest, PermissionResolved } from '../api/types.js';
import { formatTime, formatValue } from '../format.js';

interface ApprovalCardProps {
  connection: Connection;
  request: PermissionRequest;
  /** How the request ended, once the server said (permission_resolved). */
  resolution?: PermissionResolved;
  onAnswered?: () => void;
}

const DECIDED_BY: Record<PermissionResolved['decided_by'], string> = {
  answer: '',
  timeout: ': nobody answered in time',
  abandoned: ': the turn ended first',
};

/** A tool waiting for a person: the tool and its input, Allow and Deny. */
export function ApprovalCard({ connection, request, resolution, onAnswered }: ApprovalCardProps) {
  const [answered, setAnswered] = useState<'allow' | 'deny' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [denyMessage, setDenyMessage] = useState('');

  const answer = async (behavior: 'allow' | 'deny') => {
    setBusy(true);
    setError(null);
    try {
      const message = denyMessage.trim();
      const reply = behavior === 'deny' && message ? { behavior, message } : { behavior };
      await connection.client.answerPermission(request.session_id, request.request_id, reply);
      setAnswered(behavior);
      onAnswered?.();
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const outcome = resolution
    ? `${resolution.behavior === 'allow' ? 'Allowed' : 'Denied'}${DECIDED_BY[resolution.decided_by]}`
    : answered
      ? answered === 'allow'
        ? 'Allowed'
        : 'Denied'
      : null;
  return (
    <section class={`approval${outcome ? ' approval-done' : ''}`} data-testid="approval">
      <header>
        <strong>{request.tool_name}</strong> wants to run
        {!outcome && <span class="muted"> · answer by {formatTime(request.expires_at)}</span>}
      </header>
      <pre>{formatValue(request.input)}</pre>
      {outcome ? (
        <div class="approval-outcome">{outcome}</div>
      ) : (
        <div class="approval-actions">
          <input
            type="text"
            placeholder="Reason for the model (optional, on deny)"
            value={denyMessage}
            onInput={(event) => setDenyMessage(event.currentTarget.value)}
            aria-label="Reason for denying"
          />
          <button type="button" class="primary" disabled={busy} onClick={() => answer('allow')}>
            Allow
          </button>
          <button type="button" class="danger" disabled={busy} onClick={() => answer('deny')}>
            Deny
          </button>
        </div>
      )}
      {error && (
        <div class="error" role="alert">
          {error}
        </div>
      )}
    </section>
  );
}
