import type { Credentials } from '../api/connection.js';

// The key stays in this tab's sessionStorage (gone when the tab closes); task ids the console started
// are kept per user in localStorage, since the API lists no tasks.

const CREDENTIALS = 'ccs-console:credentials';
const METRICS_TOKEN = 'ccs-console:metrics-token';
const tasksKey = (userId: string) => `ccs-console:tasks:${userId}`;

export function loadCredentials(): Credentials | null {
  try {
    const saved = JSON.parse(sessionStorage.getItem(CREDENTIALS) ?? 'null') as Credentials | null;
    return saved && typeof saved.userId === 'string' && typeof saved.apiKey === 'string' ? saved : null;
  } catch {
    return null;
  }
}

export function saveCredentials(credentials: Credentials | null): void {
  if (credentials) sessionStorage.setItem(CREDENTIALS, JSON.stringify(credentials));
  else sessionStorage.removeItem(CREDENTIALS);
}

export function loadMetricsToken(): string {
  return sessionStorage.getItem(METRICS_TOKEN) ?? '';
}

export function saveMetricsToken(token: string): void {
  sessionStorage.setItem(METRICS_TOKEN, token);
}

export function loadTaskIds(userId: string): string[] {
  try {
    const ids = JSON.parse(localStorage.getItem(tasksKey(userId)) ?? '[]') as unknown;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

export function saveTaskIds(userId: string, ids: readonly string[]): void {
  localStorage.setItem(tasksKey(userId), JSON.stringify(ids));
}
