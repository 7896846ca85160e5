import { test, expect } from '@playwright/test';
import * as fs from 'fs';

// The console SMS sender also appends to this file (see playwright.config.ts).
const outbox = process.env.LINLI_E2E_OUTBOX ?? '../target/e2e-sms.jsonl';

// The code reaches the file through the outbox, after the request's commit: on a busy
// machine a moment after the page says it was sent. So the lookup waits for it.
function codeIn(phone: string): string | undefined {
  if (!fs.existsSync(outbox)) return undefined;
  const lines = fs.readFileSync(outbox, 'utf8').trim().split('\n').filter((l) => l);
  for (const line of lines.reverse()) {
    const m = JSON.parse(line);
    if (m.phone === phone) return /(\d{6})/.exec(m.text)?.[1];
  }
  return undefined;
}

async function lastCode(phone: string): Promise<string> {
  await expect.poll(() => codeIn(phone), { timeout: 15_000 }).toMatch(/^\d{6}$/);
  return codeIn(phone)!;
}

test('a resident signs in with the code from the console and signs out', async ({ page }) => {
  const phone = '13912345678';
  await page.goto('/login');
  await page.getByLabel('手机号码').fill(phone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByText('验证码已发送至 139****5678')).toBeVisible();
  await page.getByLabel('6位验证码').fill(await lastCode(phone));
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.getByText(phone)).toBeVisible();
  await expect(page.getByText('居民5678').first()).toBeVisible();
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page.getByRole('link', { name: '登录', exact: true })).toBeVisible();
});

test('a wrong number gets a clear Chinese message', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('手机号码').fill('12345678901');
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByRole('alert')).toContainText('手机号码');
});

test('demo mode lets a newcomer try the staff role in one tap', async ({ page }) => {
  await page.goto('/me');
  await expect(page.getByRole('heading', { name: '体验身份' })).toBeVisible();
  await page.getByRole('button', { name: '社区工作者' }).click();
  await expect(page).toHaveURL(/\/me/);
  await expect(page.getByText('体验社工·张主任').first()).toBeVisible();
  await expect(page.getByText('所属社区（工作）')).toBeVisible();
});
