import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The browser app: app/ is its root, built into static/ (served at /console by the server).
export default defineConfig({
  root: fileURLToPath(new URL('./app/', import.meta.url)),
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('./static/', import.meta.url)),
    emptyOutDir: true,
    // Everything is a file of ours: no inline polyfill, so the page runs under a strict CSP.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
  },
});
