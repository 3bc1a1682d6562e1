export { consoleAssetsDir, consoleRouter, createConsoleApp } from './console-app.js';
