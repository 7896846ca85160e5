import { test, expect, Page } from '@playwright/test';
import * as fs from 'fs';

/** Playwright's API requests carry no Origin; a browser's own fetches say they are same-origin. */
const SAME_ORIGIN = { headers: { 'sec-fetch-site': 'same-origin' } };

async function signInAs(page: Page, role: string) {
  await page.goto('/login');
  await page.getByRole('button', { name: role, exact: true }).click();
  await expect(page).toHaveURL(/\/me/);
}

/** The demo staff member's centre (the resident books there so staff can check in). */
async function staffCentre(page: Page): Promise<number> {
  const me = await (await page.request.post('/api/auth/viewer', SAME_ORIGIN)).json();
  const community = me.user.community_name as string;
  const all = await (await page.request.get('/api/v1/stations?kind=center')).json();
  return all.features.find((f: any) => f.properties.community === community).properties.id;
}

async function bookFirstFreeSlot(page: Page, centre: number): Promise<string> {
  await page.goto(`/book?item=MZ-01&center=${centre}`);
  await page.locator('a.day', { hasText: '剩余' }).first().click();
  await page.locator('li.slot button:not([disabled])').first().click();
  await expect(page).toHaveURL(/\/bookings\/[A-Z0-9]{6}\?new=1/);
  await expect(page.getByRole('heading', { name: '预约成功' })).toBeVisible();
  return (await page.locator('p.code').textContent())!.trim();
}

test('a resident books, sees the code and QR, downloads the .ics; staff checks in', async ({ page, browser }) => {
  await signInAs(page, '社区工作者');
  const centre = await staffCentre(page);
  // The resident, in another browser.
  const residentCtx = await browser.newContext();
  const resident = await residentCtx.newPage();
  await signInAs(resident, '居民');
  const code = await bookFirstFreeSlot(resident, centre);
  expect(code).toMatch(/^[A-Z0-9]{6}$/);
  await expect(resident.locator('.qr svg')).toBeVisible();
  const [download] = await Promise.all([
    resident.waitForEvent('download'),
    resident.getByRole('link', { name: '加入手机日历（.ics）' }).click(),
  ]);
  const ics = fs.readFileSync((await download.path())!, 'utf8');
  expect(ics).toContain('BEGIN:VCALENDAR');
  expect(ics).toContain('DTSTART;TZID=Asia/Shanghai:');
  expect(ics).toContain(code);
  await resident.goto('/me');
  await expect(resident.getByText(code)).toBeVisible();

  // Staff: check in by the code.
  await page.goto('/desk');
  await page.getByPlaceholder('输入预约码或扫描二维码').fill(code);
  await page.getByRole('button', { name: '签到', exact: true }).click();
  // A booking is checked in on its own day only: the first free slot may be later.
  const done = page.getByRole('status');
  const refused = page.getByRole('alert');
  await expect(done.or(refused).first()).toBeVisible();
  const wasRefused = (await refused.count()) > 0;
  if (wasRefused) await expect(refused).toContainText('只能在当天签到');
  else await expect(done).toContainText('已签到');
  await page.goto(`/bookings/${code}`);
  if (wasRefused) {
    await expect(page.locator('.badge-status')).not.toHaveText('已签到');
  } else {
    await expect(page.locator('.badge-status')).toHaveText('已签到');
  }
  await residentCtx.close();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the same booking flow works with plain links and forms', async ({ page }) => {
    await signInAs(page, '社区工作者');
    const centre = await staffCentre(page);
    await page.goto('/login');
    await page.getByRole('button', { name: '志愿者', exact: true }).click();
    const code = await bookFirstFreeSlot(page, centre);
    await expect(page.locator('.qr svg')).toBeVisible();
    // Cancelling asks first; a cancelled booking shows no QR code.
    await page.getByRole('link', { name: '取消预约' }).click();
    await page.getByRole('button', { name: '确认取消' }).click();
    await expect(page.locator('.badge-status')).toHaveText('已取消');
    await expect(page.locator('.qr svg')).toHaveCount(0);
    expect(code.length).toBe(6);
  });
});
