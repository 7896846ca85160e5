import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

// axe-core (WCAG 2 A and AA rules) on every main page, in normal and in care mode
// (长辈模式: larger type and stronger contrast), signed out and as staff.
const publicPages = ['/', '/rider', '/station/1', '/services', '/services/MZ-01', '/services/MZ-01/checklist',
  '/book?item=MZ-01', '/wishes', '/activities', '/teams', '/login'];
const staffPages = ['/me', '/desk', '/points', '/volunteers', '/wishes/new'];

async function check(page: Page, path: string) {
  await page.goto(path);
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  const found = r.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  expect(found, `${path}`).toEqual([]);
}

for (const care of [false, true]) {
  test(`no axe violations on the public pages${care ? ' in care mode' : ''}`, async ({ page, context }) => {
    if (care) await context.addCookies([{ name: 'linli_care', value: '1', url: 'http://127.0.0.1:3107' }]);
    for (const p of publicPages) await check(page, p);
  });

  test(`no axe violations on the signed-in pages${care ? ' in care mode' : ''}`, async ({ page, context }) => {
    if (care) await context.addCookies([{ name: 'linli_care', value: '1', url: 'http://127.0.0.1:3107' }]);
    await page.goto('/login');
    await page.getByRole('button', { name: '社区工作者', exact: true }).click();
    await expect(page).toHaveURL(/\/me/);
    for (const p of staffPages) await check(page, p);
  });
}
