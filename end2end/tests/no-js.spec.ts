import { test, expect } from '@playwright/test';

// A resident on a cheap phone before (or without) WebAssembly: everything core works.
test.use({ javaScriptEnabled: false });

test('without JavaScript the home page, tabs and both switches work', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('淄博市10分钟党建生活圈');
  await expect(page.getByText('31个街道、293个社区')).toBeVisible();
  // Plain forms: the server sets the cookie and sends the page back.
  await page.getByRole('button', { name: 'English' }).first().click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('button', { name: 'Care mode' }).first().click();
  await expect(page.locator('html')).toHaveClass(/care/);
  await page.getByRole('link', { name: 'Me', exact: true }).click();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.getByText('On (large text, high contrast)')).toBeVisible();
});
