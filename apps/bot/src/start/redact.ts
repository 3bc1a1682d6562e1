export { redactUrl } from '@claude-code-server/app-server/shared';
