// The renderer bundle: Svelte 5 → dist/renderer/. `base: './'` keeps every asset URL relative, so the same
// build loads under the Electron app scheme (studio://app/) and from the web-mode server (/).
// Dev (`npm run dev:renderer`): Vite serves the UI with hot reload and forwards the contract's WebSocket,
// images and uploads to a running web-mode server (`node dist/web.js --port 7860`, or STUDIO_WEB_URL).
// Open http://127.0.0.1:5173/#token=<the token that server printed>. The server accepts only its own Origin,
// so the forwarded requests carry the server's origin (dev only; the shipped build talks to its own origin).
import { defineConfig, type Plugin, type ProxyOptions } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const backend = process.env.STUDIO_WEB_URL ?? 'http://127.0.0.1:7860';

/** Vite's dev server injects CSS as <style> elements; the shipped CSP forbids them, so relax it in dev only. */
function devStyleCsp(): Plugin {
  return {
    name: 'dato-dev-style-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  };
}

type ProxyServer = Parameters<NonNullable<ProxyOptions['configure']>>[0];

function asBackendOrigin(proxy: ProxyServer): void {
  const origin = new URL(backend).origin;
  proxy.on('proxyReq', (req) => req.setHeader('origin', origin));
  proxy.on('proxyReqWs', (req) => req.setHeader('origin', origin));
}

export default defineConfig({
  root,
  base: './',
  plugins: [svelte(), devStyleCsp()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // No inlined data: scripts or fonts (CSP: script-src 'self').
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/ws': { target: backend, ws: true, changeOrigin: true, configure: asBackendOrigin },
      '/images': { target: backend, changeOrigin: true, configure: asBackendOrigin },
      '/upload': { target: backend, changeOrigin: true, configure: asBackendOrigin },
    },
  },
});
