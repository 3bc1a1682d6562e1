export {
  type HookCallback,
  type HookContext,
  type HookEvent,
  type HookInput,
  type HookMatcher,
  type HookOutput,
  type HookSpecificOutput,
  type Hooks,
  hookEvents,
} from './hooks.js';
