/**
 * Builds the React renderer (renderer/) into dist/renderer/, which both hosts load: Electron from
 * its app:// scheme and `reward-studio serve` over HTTP. `base: './'` keeps asset URLs relative so
 * the same build works under any scheme or server path.
 *
 * Dev: `REWARD_STUDIO_SERVER=http://127.0.0.1:PORT npx vite` proxies the WebSocket and media to a
 * running `reward-studio serve`; open the dev URL with that server's `?token=`.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('./renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

/**
 * The dev server injects inline scripts (the React refresh preamble) that the production CSP
 * forbids; drop the CSP meta while serving in dev only. Builds keep it untouched.
 */
function relaxCspInDev(): Plugin {
  return {
    name: 'reward-studio:relax-csp-in-dev',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>\s*/i, '');
    },
  };
}

const devServer = process.env.REWARD_STUDIO_SERVER;

export default defineConfig(({ command, mode }) => {
  // A build started from a test runner inherits NODE_ENV=test, which would bundle React's
  // development build and the dev JSX runtime. A production-mode build is always production.
  if (command === 'build' && mode === 'production') process.env.NODE_ENV = 'production';
  return {
    root,
    base: './',
    plugins: [react(), relaxCspInDev()],
    build: {
      outDir,
      emptyOutDir: true,
      // No inline scripts or data: module URLs, so a strict `script-src 'self'` holds.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      sourcemap: true,
      target: 'es2022',
      chunkSizeWarningLimit: 1500,
    },
    server: devServer
      ? {
          proxy: {
            '/ws': { target: devServer, ws: true },
            '/files': { target: devServer },
          },
        }
      : {},
  };
});
