import { test, expect, Page } from '@playwright/test';
import { serverDay } from './clock';

// An elderly resident on an old phone with scripts off and a weak connection (Chromium's
// network emulation: 400 ms round trip, 50 KB/s both ways). She finds her centre by her
// street, reads a guide, opens the checklist to print, and posts a wish. Each page load is
// measured (to the `load` event, its stylesheet included), printed, and held to 2 s.

const PHONE = { width: 360, height: 740 };
const LIMIT_MS = 2000;

test.use({ javaScriptEnabled: false, viewport: PHONE });

/** Loads `go()`'s page and says how long it took. */
async function timed(page: Page, what: string, go: () => Promise<unknown>): Promise<number> {
  const t0 = Date.now();
  // The next document's load event (a click's navigation has not begun when it returns).
  const loaded = page.waitForEvent('load');
  await go();
  await loaded;
  const ms = Date.now() - t0;
  console.log(`[throttled 400 ms / 50 KB/s] ${what}: ${ms} ms`);
  return ms;
}

test('a no-JS elderly resident on a throttled connection finds her centre by street, reads a guide, prints the checklist and posts a wish', async ({ page, context, request }) => {
  test.slow();
  // Signed in first, on the plain demo form (no scripts needed), before the throttle.
  await page.goto('/login');
  await page.getByRole('button', { name: '居民', exact: true }).click();
  await expect(page).toHaveURL(/\/me/);

  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 400,
    downloadThroughput: 50 * 1024,
    uploadThroughput: 50 * 1024,
  });
  const times: [string, number][] = [];

  // Home: no map box she cannot use, the place box and her street to tap.
  times.push(['home', await timed(page, 'home', () => page.goto('/'))]);
  await expect(page.locator('#map')).toBeHidden();
  await expect(page.locator('#locate')).toBeHidden();
  await expect(page.getByText('或按街道选择')).toBeVisible();
  const street = page.locator('.place-list a').first();
  const streetName = (await street.innerText()).trim();
  times.push(['a street', await timed(page, 'a street', () => street.click())]);
  await expect(page.locator('.origin-said')).toContainText('距离从');
  // Her centre: a 党群服务中心 among the nearest, with its walk time.
  const centre = page.locator('li.kind-center a.station-link').first();
  await expect(centre).toBeVisible();
  times.push(['her centre', await timed(page, 'her centre', () => centre.click())]);
  await expect(page).toHaveURL(/\/station\/\d+/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  // A guide, then its checklist to print.
  times.push(['services', await timed(page, 'services', () => page.goto('/services'))]);
  times.push(['a guide', await timed(page, 'a guide', () => page.goto('/services/MZ-04'))]);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('高龄津贴');
  const checklist = page.getByRole('link', { name: '打印材料清单' });
  await expect(checklist).toBeInViewport();
  times.push(['the checklist', await timed(page, 'the checklist', () => checklist.click())]);
  await expect(page.locator('input[type=checkbox]').first()).toBeVisible();

  // A wish: the category starts at 请选择 and is chosen; the form posts without scripts.
  times.push(['a new wish', await timed(page, 'a new wish', () => page.goto('/wishes/new'))]);
  await expect(page.getByLabel('类别')).toHaveValue('');
  await page.getByLabel('类别').selectOption('维修');
  await page.getByLabel('标题（30字以内）').fill('门口台阶松动');
  await page.getByLabel('心愿故事（500字以内）').fill('楼门口的台阶松了，进出不方便。');
  await page.getByLabel('需要什么').fill('帮忙找人修一下台阶');
  await page.getByLabel('估计价值（元）').fill('0');
  const deadline = await serverDay(request, 30);
  await page.getByLabel('截止日期').fill(deadline);
  await page.getByLabel('联系方式').fill('19900000002');
  await page.getByLabel('地址').fill(`${streetName}某小区3号楼`);
  times.push(['posting the wish', await timed(page, 'posting the wish', () =>
    page.getByRole('button', { name: '提交，等待社区审核' }).click())]);
  await expect(page).toHaveURL(/\/wishes\/\d+$/);
  await expect(page.getByText('待审核')).toBeVisible();

  console.log(`[throttled] slowest page: ${Math.max(...times.map((t) => t[1]))} ms of ${LIMIT_MS} ms`);
  for (const [what, ms] of times) expect(ms, `${what} within ${LIMIT_MS} ms`).toBeLessThanOrEqual(LIMIT_MS);
});
