import { useEffect, useState } from 'preact/hooks';
import type { Connection } from '../api/connection.js';
import { loadTaskIds, saveTaskIds } from '../state/saved.js';
import { ChatView } from './ChatView.js';
import { StatusView } from './StatusView.js';
import { TasksView } from './TasksView.js';

const TABS = ['chat', 'tasks', 'status'] as const;
type Tab = (typeof TABS)[number];

/** The tab in the address (#tasks), so a reload stays where it was. */
function tabOfHash(): Tab {
  const name = location.hash.slice(1);
  return (TABS as readonly string[]).includes(name) ? (name as Tab) : 'chat';
}

interface ShellProps {
  connection: Connection;
  onSignOut(): void;
}

/** The signed-in console: the tabs, and who is signed in. */
export function Shell({ connection, onSignOut }: ShellProps) {
  const { userId } = connection;
  const [tab, setTab] = useState<Tab>(tabOfHash);
  const [taskIds, setTaskIds] = useState(() => loadTaskIds(userId));

  useEffect(() => {
    const follow = () => setTab(tabOfHash());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  const changeTasks = (ids: string[]) => {
    saveTaskIds(userId, ids);
    setTaskIds(ids);
  };
  const addTask = (id: string) => changeTasks([id, ...taskIds.filter((known) => known !== id)]);

  return (
    <div class="shell">
      <header class="top-bar">
        <span class="brand">claude-code-server</span>
        <nav class="tabs">
          {TABS.map((name) => (
            <a
              key={name}
              href={`#${name}`}
              class={name === tab ? 'active' : ''}
              aria-current={name === tab ? 'page' : undefined}
            >
              {name[0]!.toUpperCase() + name.slice(1)}
              {name === 'tasks' && taskIds.length > 0 && ` (${taskIds.length})`}
            </a>
          ))}
        </nav>
        <span class="who">
          <span class="muted">{userId}</span>
          <button type="button" class="link" onClick={onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <main class="content">
        {/* The chat stays mounted under the other tabs, so a running answer goes on. */}
        <div hidden={tab !== 'chat'} class="tab-panel">
          <ChatView connection={connection} onTaskStarted={addTask} />
        </div>
        {tab === 'tasks' && (
          <TasksView
            connection={connection}
            taskIds={taskIds}
            onAdd={addTask}
            onForget={(id) => changeTasks(taskIds.filter((known) => known !== id))}
          />
        )}
        {tab === 'status' && <StatusView connection={connection} />}
      </main>
    </div>
  );
}
