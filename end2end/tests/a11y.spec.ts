import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

// axe-core (WCAG 2 A and AA rules) on every main page, in normal and in care mode
// (长辈模式: larger type and stronger contrast), signed out and as staff.
// The address the config serves on (playwright.config.ts).
const BASE = `http://127.0.0.1:${process.env.LINLI_E2E_PORT ?? 3107}`;
const publicPages = ['/', '/rider', '/station/1', '/services', '/services/MZ-01', '/services/MZ-01/checklist',
  '/book?item=MZ-01', '/wishes', '/wishes?sort=nearest', '/activities', '/activities?when=weekend', '/teams', '/login'];
const staffPages = ['/me', '/desk', '/desk/schedule', '/points', '/volunteers', '/wishes/new', '/admin/coverage', '/admin/dashboard', '/admin/audit'];
const adminPages = ['/admin', '/admin/city', '/admin/import', '/admin/people', '/admin/audit', '/admin/holidays',
  '/admin/coverage', '/admin/dashboard'];

/** Every violation on a page, as `path: rule (count): first targets`. */
async function check(page: Page, path: string): Promise<string[]> {
  await page.goto(path);
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return r.violations.map((v) => `${path}: ${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

for (const care of [false, true]) {
  test(`no axe violations on the public pages${care ? ' in care mode' : ''}`, async ({ page, context }) => {
    test.slow(); // one axe run per page, many pages: three times the usual timeout
    if (care) await context.addCookies([{ name: 'linli_care', value: '1', url: BASE }]);
    const found: string[] = [];
    for (const p of publicPages) found.push(...(await check(page, p)));
    expect(found).toEqual([]);
  });

  test(`no axe violations on the signed-in pages${care ? ' in care mode' : ''}`, async ({ page, context }) => {
    test.slow();
    if (care) await context.addCookies([{ name: 'linli_care', value: '1', url: BASE }]);
    await page.goto('/login');
    await page.getByRole('button', { name: '社区工作者', exact: true }).click();
    await expect(page).toHaveURL(/\/me/);
    const found: string[] = [];
    for (const p of staffPages) found.push(...(await check(page, p)));
    expect(found).toEqual([]);
  });
}

test('no axe violations on the public pages in English, the guides in English included', async ({ page, context }) => {
  test.slow();
  await context.addCookies([{ name: 'linli_lang', value: 'en', url: BASE }]);
  const found: string[] = [];
  for (const p of [...publicPages, '/services/ZF-02', '/services/ZF-02/checklist', '/services?q=residence%20permit']) {
    found.push(...(await check(page, p)));
  }
  expect(found).toEqual([]);
});

test('no axe violations on the back office pages and a station hours page, as an admin', async ({ page }) => {
  test.slow();
  await page.goto('/login');
  await page.getByRole('button', { name: '管理员', exact: true }).click();
  await expect(page).toHaveURL(/\/me/);
  const found: string[] = [];
  for (const p of [...adminPages, '/station/1/hours', '/station/1/hours?hours=Mo-Fr%2008:00-17:00']) {
    found.push(...(await check(page, p)));
  }
  expect(found).toEqual([]);
});
