// The staff console (管理后台): a second app in web/, built into dist-console/ and served
// by the backend's staff listener under /staff/. `npm run console:dev` proxies the
// console's API to a local backend's staff listener (YUJIE_DEV_STAFF).
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const staffBackend = process.env.YUJIE_DEV_STAFF ?? 'http://127.0.0.1:8081'

export default defineConfig({
  root: 'console',
  base: '/staff/',
  plugins: [vue()],
  server: { port: 5174, proxy: { '/staff/admin': staffBackend } },
  build: { outDir: '../dist-console', emptyOutDir: true, target: 'es2020', chunkSizeWarningLimit: 1024 },
})
