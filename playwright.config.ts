/**
 * End-to-end tests against the production build (`npm run test:e2e` builds first), served by tools/serve.mjs with
 * COOP/COEP, in Debian's Chromium. Playwright's own browser download is never used.
 */
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  throw new Error(
    `Chromium not found at ${chromiumPath} — install it with \`apt-get install chromium\` or set CHROMIUM_PATH`,
  );
}

const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'tests/e2e',
  // A 2-core machine: the model runs with 2 threads per page, so more workers only make every test slower.
  workers: process.env.CI === 'true' ? 1 : 2,
  fullyParallel: false,
  forbidOnly: process.env.CI === 'true',
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 60_000 },
  reporter: process.env.CI === 'true' ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: `http://localhost:${port}/`,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `node tools/serve.mjs dist --port ${port}`,
    port,
    // Never reuse by default: a server someone else left on this port may serve an old build or no COOP/COEP.
    reuseExistingServer: process.env.E2E_REUSE_SERVER === '1',
    timeout: 30_000,
    stdout: 'pipe',
  },
});
