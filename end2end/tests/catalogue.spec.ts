import { test, expect } from '@playwright/test';

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a resident searches by pinyin and prints the checklist', async ({ page }) => {
    await page.goto('/services');
    await expect(page.getByRole('heading', { name: '民政优抚' })).toBeVisible();
    await page.getByRole('searchbox').fill('dibao');
    await page.getByRole('button', { name: '搜索', exact: true }).click();
    await expect(page).toHaveURL(/q=dibao/);
    const results = page.locator('#results-title + ol .service-name, #results-title ~ ol .service-name');
    await expect(results.first()).toHaveText('最低生活保障申请');
    await results.first().click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('最低生活保障申请');
    await expect(page.getByRole('heading', { name: '申请材料' })).toBeVisible();
    await page.getByRole('link', { name: '打印材料清单' }).click();
    await expect(page).toHaveURL(/\/services\/MZ-01\/checklist$/);
    await page.emulateMedia({ media: 'print' });
    // In print: the tab bar and header are gone, every material has a tick box.
    await expect(page.locator('.tabbar')).toBeHidden();
    await expect(page.locator('.topbar')).toBeHidden();
    const boxes = page.locator('.ticks input[type=checkbox]');
    expect(await boxes.count()).toBeGreaterThan(3);
    await expect(page.locator('.ticks')).toContainText('居民身份证');
    await expect(page.locator('.ticks')).toContainText('原件1份');
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.length).toBeGreaterThan(1000);
  });
});
