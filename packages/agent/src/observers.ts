import type { AgentEventMap } from './types.js';

export type AgentEventName = keyof AgentEventMap;
export type AgentListener<K extends AgentEventName> = (event: AgentEventMap[K]) => void;

/** Observer events of the agent; a listener that throws never disturbs a turn. */
export class AgentObservers {
  private readonly listeners = new Map<AgentEventName, Set<AgentListener<AgentEventName>>>();

  on<K extends AgentEventName>(name: K, listener: AgentListener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as AgentListener<AgentEventName>);
    return () => this.off(name, listener);
  }

  off<K extends AgentEventName>(name: K, listener: AgentListener<K>): void {
    this.listeners.get(name)?.delete(listener as AgentListener<AgentEventName>);
  }

  emit<K extends AgentEventName>(name: K, event: AgentEventMap[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        listener(event);
      } catch {
        // Observers are for logs and metrics; their failures are theirs.
      }
    }
  }
}
