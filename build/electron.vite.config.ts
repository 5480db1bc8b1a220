import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// main (ESM, deps from node_modules), preload (one sandbox-safe CommonJS file), renderer.
export default defineConfig({
  main: {
    root,
    build: {
      outDir: path.join(root, 'out', 'main'),
      externalizeDeps: true,
      rollupOptions: { input: { index: path.join(root, 'electron', 'main', 'index.ts') } },
    },
  },
  preload: {
    root,
    build: {
      outDir: path.join(root, 'out', 'preload'),
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: {
        input: { index: path.join(root, 'electron', 'main', 'preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: path.join(root, 'renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: path.join(root, 'out', 'renderer'),
      emptyOutDir: true,
      chunkSizeWarningLimit: 2000,
      rollupOptions: { input: { index: path.join(root, 'renderer', 'index.html') } },
    },
  },
});
