import { test, expect } from '@playwright/test';
import { serverNow } from './clock';

// The rider list without a network: after one visit with the network, the service worker
// (public/sw.js) answers the rider page from its cache and /rider-offline.js draws the
// nearest open stations from the kept intervals.
const HERE = { lat: 36.8062, lng: 118.0481 };

type Offline = {
  generated_ts: number;
  until_ts: number;
  stations: { id: number; name: string; lat: number; lng: number; amenities: string[]; open: [number, number][] }[];
};

// Computed here from the API's data, independently of the page's script.
function metres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const r = 6371008.8, p1 = (a.lat * Math.PI) / 180, p2 = (b.lat * Math.PI) / 180;
  const dp = p2 - p1, dl = ((b.lng - a.lng) * Math.PI) / 180;
  const h = Math.sin(dp / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(h));
}
function closesAt(open: [number, number][], now: number): number | null {
  const sorted = [...open].sort((a, b) => a[0] - b[0]);
  let end: number | null = null;
  for (const [from, to] of sorted) {
    if (end === null) {
      if (from <= now && now < to) end = to;
    } else if (from <= end) {
      end = Math.max(end, to);
    } else break;
  }
  return end;
}
function shanghaiHm(ts: number): string {
  const d = new Date((ts + 8 * 3600) * 1000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

test('after one visit the rider page works offline: nearest open, "closes at", marked, back online', async ({ page, context, request }) => {
  // The page computes "open now" from the browser's clock; the server's may be fixed
  // (scripts/test.sh runs the suite at fixed times), so the browser is given the server's.
  const now = await serverNow(request);
  await page.clock.setFixedTime(new Date(now));
  const nowTs = Math.floor(new Date(now).getTime() / 1000);

  await page.goto(`/rider?lat=${HERE.lat}&lng=${HERE.lng}`);
  await expect(page.locator('.rider-list')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-offline-ready', '1', { timeout: 20_000 });
  await expect(page.locator('#offline-status')).toBeHidden();

  const data: Offline = await (await request.get('/api/v1/stations/offline')).json();
  expect(data.stations.length).toBeGreaterThan(10);
  expect(data.until_ts - nowTs).toBeGreaterThan(6 * 86400);
  const open = data.stations
    .map((s) => ({ s, d: metres(HERE, s), until: closesAt(s.open, nowTs) }))
    .filter((x) => x.until !== null)
    .sort((a, b) => a.d - b.d);

  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-linli-offline', '1');
  const status = page.locator('#offline-status');
  await expect(status).toBeVisible();
  await expect(status).toContainText('离线数据');
  const generated = new Date((data.generated_ts + 8 * 3600) * 1000);
  await expect(status).toContainText(`${generated.getUTCMonth() + 1}/${generated.getUTCDate()} `);

  const cards = page.locator('.rider-list .rider-card');
  if (open.length === 0) {
    await expect(page.locator('.rider-list')).toContainText('离线数据中附近暂无');
  } else {
    await expect(cards).toHaveCount(Math.min(5, open.length));
    const first = open[0];
    await expect(cards.first().locator('h2')).toHaveText(first.s.name);
    const closes = cards.first().locator('.offline-closes');
    if (first.until! - nowTs >= 7 * 86400 - 3600) {
      await expect(closes).toHaveText('24小时开放');
    } else {
      await expect(closes).toContainText(`${shanghaiHm(first.until!)}关门`);
    }
    await expect(cards.first().getByRole('link', { name: '高德地图导航' })).toHaveAttribute('href', /uri\.amap\.com/);
  }

  // With a filter from the address: only stations with water.
  await page.goto(`/rider?lat=${HERE.lat}&lng=${HERE.lng}&amenity=water`);
  await expect(page.locator('html')).toHaveAttribute('data-linli-offline', '1');
  const water = open.filter((x) => x.s.amenities.includes('water'));
  if (water.length > 0) {
    await expect(cards.first().locator('h2')).toHaveText(water[0].s.name);
  }

  // The network back: the page says so and offers the live list.
  await context.setOffline(false);
  await expect(status).toContainText('网络已恢复');
  await expect(status.getByRole('link', { name: '刷新最新信息' })).toBeVisible();
  await status.getByRole('link', { name: '刷新最新信息' }).click();
  await expect(page.locator('html')).not.toHaveAttribute('data-linli-offline', '1');
  await expect(page.locator('#offline-status')).toBeHidden();
});

test('the portal is installable: a manifest with a name, a start page and an icon', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBeTruthy();
  const m = await (await request.get(href!)).json();
  expect(m.name).toContain('邻里');
  expect(m.start_url).toBeTruthy();
  expect(m.display).toBe('standalone');
  expect(m.icons.length).toBeGreaterThan(0);
  const icon = await request.get(m.icons[0].src);
  expect(icon.ok()).toBeTruthy();
});
