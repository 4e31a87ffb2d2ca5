import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { workspaceAliases } from '../../vitest.shared.js';

/** Where `npm run web:dev` forwards /ws and /api: a gateway started separately (`npm start` serves on 8080). */
const gateway = process.env.TELGATE_GATEWAY ?? 'http://127.0.0.1:8080';

export default defineConfig(({ command, mode }) => {
  // A production build is what users load, whatever NODE_ENV the shell that runs it holds: with
  // NODE_ENV=development or test in the environment, Vite would bundle React's development build
  // (about 60 KB more gzip before the terminal can paint, and a slower page).
  if (command === 'build' && mode === 'production') process.env.NODE_ENV = 'production';
  return {
    plugins: [react()],
    // Workspace packages are bundled from their sources, so the page builds without building them first.
    resolve: { alias: workspaceAliases },
    build: {
      target: 'es2022',
      outDir: 'dist',
      emptyOutDir: true,
      // The page runs under a CSP without 'unsafe-inline' scripts: every script must be a file.
      assetsInlineLimit: 0,
      sourcemap: true,
      rolldownOptions: {
        output: {
          // The big libraries in chunks of their own: they change less often than the app, so browsers
          // keep them cached across releases. The lazily loaded addons stay separate.
          codeSplitting: {
            groups: [
              {
                name: 'xterm',
                test: /node_modules[\\/]@xterm[\\/](xterm|addon-fit|addon-unicode11|addon-web-links)[\\/]/,
              },
              { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            ],
          },
        },
      },
    },
    server: {
      proxy: {
        '/api': { target: gateway, changeOrigin: false },
        '/ws': { target: gateway, ws: true, changeOrigin: false },
      },
    },
  };
});
