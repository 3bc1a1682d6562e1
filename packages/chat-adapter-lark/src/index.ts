export {
  createLarkAdapter,
  LarkAdapter,
  type LarkAdapterOptions,
  type LarkMessageEvent,
  type LarkThreadId,
} from './adapter.js';
