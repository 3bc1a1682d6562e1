export { type InProcessTool, type ToolContext, type ToolInputSchema, type ToolResult, tool } from './tool.js';
export {
  createSdkMcpServer,
  createToolServer,
  type ToolServer,
  type ToolServerOptions,
} from './tool-server.js';
