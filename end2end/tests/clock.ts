// The server's "now": the suite also runs at fixed times (LINLI_FAKE_NOW, scripts/test.sh),
// so a spec never reads the browser's or the runner's clock for a date the server checks.
import { APIRequestContext, expect } from '@playwright/test';

/** The server's local time (Asia/Shanghai) as `YYYY-MM-DDTHH:MM:SS+08:00`, from /healthz. */
export async function serverNow(request: APIRequestContext): Promise<string> {
  const r = await request.get('/healthz');
  expect(r.ok()).toBeTruthy();
  const body = await r.json();
  return body.now as string;
}

/** The server's today plus `days`, as `YYYY-MM-DD`. */
export async function serverDay(request: APIRequestContext, days = 0): Promise<string> {
  const now = await serverNow(request);
  const d = new Date(`${now.slice(0, 10)}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
