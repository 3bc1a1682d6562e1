import { useState } from 'preact/hooks';

interface ComposerProps {
  running: boolean;
  onSend(message: string, inBackground: boolean): void;
  onStop(): void;
}

/** The message box: Enter sends, Shift+Enter starts a new line; Stop interrupts the running answer. */
export function Composer({ running, onSend, onStop }: ComposerProps) {
  const [text, setText] = useState('');
  const [inBackground, setInBackground] = useState(false);

  const send = () => {
    if (running || text.trim() === '') return;
    onSend(text, inBackground);
    setText('');
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <textarea
        value={text}
        rows={2}
        placeholder="Message Claude (Enter sends, Shift+Enter for a new line)"
        aria-label="Message"
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          // Not while an input method is composing a character.
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            send();
          }
        }}
      />
      <div class="composer-actions">
        <label class="check" title="Run as a task (POST /chat/async) and follow it under Tasks">
          <input
            type="checkbox"
            checked={inBackground}
            onChange={(event) => setInBackground(event.currentTarget.checked)}
          />
          as a task
        </label>
        {running ? (
          <button type="button" class="danger" onClick={onStop}>
            Stop
          </button>
        ) : (
          <button type="submit" class="primary" disabled={text.trim() === ''}>
            Send
          </button>
        )}
      </div>
    </form>
  );
}
