import { defineConfig } from 'vite';

// Cross-origin isolation lets the prover use threads (SharedArrayBuffer); the verify page
// needs none of it and works on any static host.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  build: {
    target: 'esnext',
    rollupOptions: { input: { prove: 'index.html', verify: 'verify.html' } },
  },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['zkonnx'] },
  server: { headers: isolation },
  preview: { headers: isolation },
});
