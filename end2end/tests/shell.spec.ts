import { test, expect, Page } from '@playwright/test';

/** Fails the test on any script error or failed WebAssembly load. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

// A 1×1 PNG: these machines reach no tile server, and a failed tile is not this test's business.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

test('the home page renders in Chinese with the tab bar and loads no WebAssembly', async ({ page }) => {
  await page.route(/tile\.openstreetmap\.org/, (r) => r.fulfill({ status: 200, contentType: 'image/png', body: PNG }));
  const errors = watchErrors(page);
  const bundle: string[] = [];
  page.on('request', (r) => {
    if (/\/pkg\/.*\.(wasm|js)$/.test(r.url())) bundle.push(r.url());
  });
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('10分钟党建生活圈');
  const tabs = page.getByRole('navigation', { name: '主导航' });
  for (const name of ['地图', '办事', '心愿', '我的']) {
    await expect(tabs.getByRole('link', { name })).toBeVisible();
  }
  await expect(page.getByText('293个社区')).toBeVisible();
  await page.waitForLoadState('networkidle');
  // A page without an island: no bundle, no hydration script.
  for (const p of ['/rider', '/station/1', '/services', '/services/MZ-01', '/wishes', '/activities']) {
    await page.goto(p);
    await page.waitForLoadState('networkidle');
  }
  expect(bundle).toEqual([]);
  expect(await page.locator('script[type="module"]').count()).toBe(0);
  expect(errors).toEqual([]);
});

test('the sign-in page hydrates its island: the number is checked as it is typed', async ({ page }) => {
  const errors = watchErrors(page);
  const wasm = page.waitForResponse((r) => r.url().endsWith('.wasm') && r.status() === 200);
  await page.goto('/login');
  await wasm;
  await page.waitForLoadState('networkidle');
  await page.locator('#phone').pressSequentially('12');
  await expect(page.locator('#phone-hint')).not.toBeEmpty();
  expect(errors).toEqual([]);
});

test('the language switch turns the page into English and back', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'English' }).first().click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Map' })).toBeVisible();
  await page.getByRole('button', { name: '中文' }).first().click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
});

test('care mode enlarges text and touch targets and is remembered', async ({ page }) => {
  await page.goto('/');
  const size = async (sel: string) =>
    page.locator(sel).first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(await size('body')).toBeLessThan(18);
  await page.getByRole('button', { name: '长辈模式' }).first().click();
  await expect(page.locator('html')).toHaveClass(/care/);
  expect(await size('body')).toBeGreaterThanOrEqual(18);
  // Every tab and button is at least 60 px tall.
  for (const el of await page.locator('.tabbar a, button').all()) {
    const box = await el.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(60);
  }
  // Remembered across pages (a cookie the server reads).
  await page.getByRole('link', { name: '我的' }).click();
  await expect(page.locator('html')).toHaveClass(/care/);
  await expect(page.getByText('已开启（大字、高对比）')).toBeVisible();
});

test('an unknown address shows the Chinese 404 page', async ({ page }) => {
  const r = await page.goto('/nope');
  expect(r!.status()).toBe(404);
  await expect(page.getByRole('heading', { name: '页面不存在' })).toBeVisible();
  await page.getByRole('link', { name: '回到首页' }).click();
  await expect(page).toHaveURL(/\/$/);
});
