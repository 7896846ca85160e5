import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser (these machines reach no browser CDN).
const chromium = process.env.LINLI_CHROMIUM ?? '/usr/bin/chromium';
const port = Number(process.env.LINLI_E2E_PORT ?? 3107);
const bin = process.env.LINLI_BIN ?? '../target/release/linli';
const db = process.env.LINLI_E2E_DB ?? '../target/e2e.db';
const outbox = process.env.LINLI_E2E_OUTBOX ?? '../target/e2e-sms.jsonl';
const uploads = process.env.LINLI_E2E_UPLOADS ?? '../target/e2e-uploads';

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 390, height: 844 },
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    // A fresh demo database for every run.
    command: `rm -rf ${db} ${db}-wal ${db}-shm ${outbox} ${uploads} && ${bin} serve --addr 127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      DATABASE_URL: `sqlite://${db}`,
      LINLI_SITE_ROOT: process.env.LINLI_SITE_ROOT ?? '../target/site',
      LINLI_DEMO: '1',
      LINLI_SEED_DEMO: '1',
      LINLI_SMS_CONSOLE_FILE: outbox,
      LINLI_UPLOAD_DIR: uploads,
      // One browser on loopback makes every request; keep the write limit out of the way.
      LINLI_RATE_BURST: '1000',
      RUST_LOG: 'warn',
      // The server's clock, when the suite runs at a fixed time (scripts/test.sh).
      LINLI_FAKE_NOW: process.env.LINLI_FAKE_NOW ?? '',
      LINLI_FAKE_CLOCK: process.env.LINLI_FAKE_CLOCK ?? '',
    },
  },
});
