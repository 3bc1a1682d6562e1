export {
  createWeChatOfficialAccountAdapter,
  type ReplyChoice,
  WeChatOfficialAccountAdapter,
  type WeChatOfficialAccountAdapterOptions,
} from './official-account-adapter.js';
export type { WeChatFamilyOptions, WeChatPacket } from './wechat-family-adapter.js';
export { createWeComAdapter, WeComAdapter, type WeComAdapterOptions } from './wecom-adapter.js';
