import { test, expect } from '@playwright/test';

// A point in 张店 with many stations around it.
const HERE = { latitude: 36.8062, longitude: 118.0481 };

// An independent WGS-84 → GCJ-02 conversion (the published Krasovsky-1940 transform),
// written here from the formula, not shared with the app's Rust or JavaScript.
function gcj(lat: number, lng: number): [number, number] {
  const a = 6378245.0, ee = 0.00669342162296594323, pi = Math.PI;
  const x = lng - 105.0, y = lat - 35.0;
  let dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20.0 * Math.sin(6.0 * x * pi) + 20.0 * Math.sin(2.0 * x * pi)) * 2.0) / 3.0;
  dLat += ((20.0 * Math.sin(y * pi) + 40.0 * Math.sin((y / 3.0) * pi)) * 2.0) / 3.0;
  dLat += ((160.0 * Math.sin((y / 12.0) * pi) + 320 * Math.sin((y * pi) / 30.0)) * 2.0) / 3.0;
  let dLng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLng += ((20.0 * Math.sin(6.0 * x * pi) + 20.0 * Math.sin(2.0 * x * pi)) * 2.0) / 3.0;
  dLng += ((20.0 * Math.sin(x * pi) + 40.0 * Math.sin((x / 3.0) * pi)) * 2.0) / 3.0;
  dLng += ((150.0 * Math.sin((x / 12.0) * pi) + 300.0 * Math.sin((x / 30.0) * pi)) * 2.0) / 3.0;
  const radLat = (lat / 180.0) * pi;
  let magic = Math.sin(radLat);
  magic = 1 - ee * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((a * (1 - ee)) / (magic * sqrtMagic)) * pi);
  dLng = (dLng * 180.0) / ((a / sqrtMagic) * Math.cos(radLat) * pi);
  return [lat + dLat, lng + dLng];
}

function metres(a: [number, number], b: [number, number]): number {
  const r = 6371008.8, p1 = (a[0] * Math.PI) / 180, p2 = (b[0] * Math.PI) / 180;
  const dp = p2 - p1, dl = ((b[1] - a[1]) * Math.PI) / 180;
  const h = Math.sin(dp / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(h));
}

test.describe('rider mode with the phone\'s location', () => {
  test.use({ geolocation: HERE, permissions: ['geolocation'] });

  test('shows the nearest open rest point with water, and Amap gets GCJ-02', async ({ page, request }) => {
    await page.goto('/rider');
    // Rider mode asks for the position by itself and reloads with it.
    await expect(page).toHaveURL(/lat=36\.806/);
    // A filter applies as soon as it is ticked, and the page says what it filters by.
    await page.getByRole('checkbox', { name: '饮水' }).check();
    await expect(page).toHaveURL(/amenity=water/);
    await expect(page.locator('.filter-echo')).toHaveText('已筛选：饮水');
    await expect(page.locator('.origin-said')).toHaveText('距离从您的位置算起');
    const first = page.locator('.rider-card').first();
    await expect(first).toBeVisible();
    await expect(first.locator('.status')).toHaveClass(/open/);
    await expect(first.locator('.amenities')).toContainText('饮水');

    // The same answer as the open API gives for the same question.
    const api = await request.get(
      `/api/v1/stations/nearest?lat=${HERE.latitude}&lng=${HERE.longitude}&kind=outdoor&amenity=water&open_now=true&limit=1`);
    const f = (await api.json()).features[0];
    await expect(first.locator('h2')).toHaveText(f.properties.name);

    const href = await first.getByRole('link', { name: '高德地图导航' }).getAttribute('href');
    const to = /to=([0-9.]+),([0-9.]+),/.exec(href!)!;
    const [lng, lat] = f.geometry.coordinates as [number, number];
    const expected = gcj(lat, lng);
    const got: [number, number] = [Number(to[2]), Number(to[1])];
    expect(metres(got, expected)).toBeLessThan(1);
    // …and not the raw WGS-84 point, which is hundreds of metres off on Amap.
    expect(metres(got, [lat, lng])).toBeGreaterThan(100);
  });
});

test('with every tile blocked the map page still lists stations', async ({ page }) => {
  await page.route(/tile\.openstreetmap\.org|\{z\}/, (r) => r.abort());
  await page.route('**/*.png', (r) => (r.request().url().includes('/icons/') ? r.continue() : r.abort()));
  await page.goto(`/map?lat=${HERE.latitude}&lng=${HERE.longitude}`);
  await expect(page.locator('#station-list > li')).toHaveCount(10);
  // Leaflet comes when the map nears the screen.
  await page.locator('#map').scrollIntoViewIfNeeded();
  await expect(page.locator('#map')).toHaveClass(/tiles-failed/, { timeout: 15000 });
  await expect(page.locator('#map-status')).toContainText('地图底图加载失败');
  // The markers are still drawn (as pins or clusters).
  await expect(page.locator('#map .pin, #map .marker-cluster').first()).toBeVisible();
});

test('the list works by keyboard alone', async ({ page }) => {
  await page.goto(`/map?lat=${HERE.latitude}&lng=${HERE.longitude}`);
  // The filters sit in a closed <details>: open it from the keyboard.
  await page.locator('.filter-box summary').focus();
  await page.keyboard.press('Enter');
  const outdoor = page.getByRole('checkbox', { name: '户外劳动者服务站点' });
  await outdoor.focus();
  // Ticking applies the filter at once (the 查找 button stays for pages without script).
  await page.keyboard.press('Space');
  await expect(page).toHaveURL(/kind=outdoor/);
  await expect(page.getByRole('checkbox', { name: '户外劳动者服务站点' })).toBeChecked();
  const kinds = await page.locator('#station-list .station-kind').allTextContents();
  expect(kinds.length).toBeGreaterThan(0);
  expect(kinds.every((k) => k === '户外劳动者服务站点')).toBe(true);
  const firstLink = page.locator('#station-list .station-link').first();
  const name = await firstLink.locator('.station-name').textContent();
  await firstLink.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name!);
  await expect(page.getByRole('link', { name: '高德地图导航' })).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a plain GET renders the nearest list and its filters', async ({ page }) => {
    await page.goto(`/map?lat=${HERE.latitude}&lng=${HERE.longitude}&open_now=1&amenity=toilet`);
    const items = page.locator('#station-list > li');
    await expect(items).toHaveCount(10);
    for (const t of await items.locator('.amenities').allTextContents()) expect(t).toContain('厕所');
    await expect(page.getByRole('checkbox', { name: '只看营业中' })).toBeChecked();
    // The location button needs JavaScript and is not shown without it.
    await expect(page.getByRole('button', { name: '使用我的位置' })).toBeHidden();
  });
});

test('Leaflet loads only when the map nears the screen', async ({ page }) => {
  await page.route(/tile\.openstreetmap\.org/, (r) => r.abort());
  const leaflet: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/vendor/leaflet/')) leaflet.push(r.url());
  });
  await page.setViewportSize({ width: 360, height: 640 });
  await page.goto('/');
  await page.waitForLoadState('networkidle');
  // On a small phone the map is below the first screen: nothing of Leaflet yet.
  const box = (await page.locator('#map').boundingBox())!;
  expect(box.y).toBeGreaterThan(640 + 100);
  expect(leaflet).toEqual([]);
  await page.locator('#map').scrollIntoViewIfNeeded();
  await expect(page.locator('#map.leaflet-container')).toBeVisible();
  expect(leaflet.some((u) => u.endsWith('leaflet.js'))).toBeTruthy();
});

test('if map.js never arrives, the rider filters keep their button and no dead control shows', async ({ page }) => {
  await page.route('**/map.js', (r) => r.abort());
  await page.goto('/rider?lat=36.8062&lng=118.0481');
  await page.waitForLoadState('load');
  await expect(page.locator('html')).not.toHaveClass(/\bjs\b/);
  await expect(page.getByRole('button', { name: '查找', exact: true })).toBeVisible();
  await expect(page.locator('#locate')).toBeHidden();
  await page.getByRole('checkbox', { name: '饮水' }).check();
  await page.getByRole('button', { name: '查找', exact: true }).click();
  await expect(page).toHaveURL(/amenity=water/);
});
