import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Puts the persisted-documents manifest graphql-codegen wrote beside the build, as
 * dist/trusted-documents.json: the hub loads it so the portal's operations run under trusted documents.
 */
function trustedDocuments(): Plugin {
  return {
    name: 'huitong-trusted-documents',
    apply: 'build',
    generateBundle() {
      const source = readFileSync(new URL('./src/gql/persisted-documents.json', import.meta.url), 'utf8');
      this.emitFile({ type: 'asset', fileName: 'trusted-documents.json', source });
    },
  };
}

// Served by the hub at /portal; everything is bundled (no CDN), and no inline script, so a strict CSP holds.
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/portal/',
  plugins: [react(), trustedDocuments()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        // ECharts and the component library change less often than the app: their own long-cached files.
        manualChunks: (id) =>
          id.includes('node_modules/echarts') || id.includes('node_modules/zrender') ? 'echarts' : id.includes('node_modules/@mantine') ? 'mantine' : undefined,
      },
    },
  },
  server: {
    // `npm run dev:portal` beside a running hub: the app's requests go to it.
    proxy: { '/graphql': 'http://127.0.0.1:4000' },
  },
});
