// End-to-end tests in Debian's Chromium (never a downloaded browser), against the real
// backend in local mode, started by e2e/server.ts. Every journey runs in a phone viewport
// and in a desktop one; screenshots land in e2e/screenshots/<project>/.
import { defineConfig } from '@playwright/test'

const chromium = process.env.YUJIE_CHROMIUM ?? '/usr/bin/chromium'
const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

export default defineConfig({
  testDir: 'e2e',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  outputDir: process.env.YUJIE_E2E_OUTPUT ?? 'test-results',
  globalSetup: './e2e/server.ts',
  use: {
    launchOptions: { executablePath: chromium, args: flags },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'phone', use: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } },
    { name: 'desktop', use: { viewport: { width: 1280, height: 860 } } },
  ],
})
