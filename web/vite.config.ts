/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// `npm run dev` proxies the API to a local `make run`. A static build for another origin
// (Cloudflare Pages) sets VITE_API_BASE, e.g. https://api.example.com; the backend's
// http.cors_allowed_origins must then list the site's origin.
const backend = process.env.YUJIE_DEV_BACKEND ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [vue()],
  // Only the user app's page: the staff console (console/index.html) has its own config.
  optimizeDeps: { entries: ['index.html'] },
  server: {
    proxy: Object.fromEntries(['/api', '/media', '/_standin'].map((path) => [path, backend])),
  },
  build: { target: 'es2020', chunkSizeWarningLimit: 2048 },
  test: { environment: 'jsdom', include: ['tests/**/*.test.ts'] },
})
