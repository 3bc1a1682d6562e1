export { redactUrl } from '@claude-code-server/app-server/dist/store/redact-url.js';
