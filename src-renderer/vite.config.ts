import { defineConfig } from 'vite';
import path from 'node:path';

const root = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  root,
  base: './',
  build: {
    outDir: path.resolve(root, '../dist/renderer'),
    emptyOutDir: true,
    sourcemap: false,
  },
});
