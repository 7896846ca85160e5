import { test, expect, Page } from '@playwright/test';

async function as(page: Page, role: string) {
  await page.goto('/login');
  await page.getByRole('button', { name: role, exact: true }).click();
  await expect(page).toHaveURL(/\/me/);
}

test('a resident posts, staff approves, a volunteer claims and fulfils, the resident confirms, points appear', async ({ page }) => {
  await as(page, '居民');
  await page.goto('/wishes/new');
  await page.getByLabel('类别').selectOption('维修');
  await page.getByLabel('标题（30字以内）').fill('厨房水龙头漏水');
  await page.getByLabel('心愿故事（500字以内）').fill('家里老人独居，水龙头一直滴水。');
  await page.getByLabel('需要什么').fill('更换水龙头一个');
  await page.getByLabel('估计价值（元）').fill('60');
  await page.getByLabel('截止日期').fill('2099-12-31');
  await page.getByLabel('联系方式').fill('19900000001');
  await page.getByLabel('地址').fill('华光路8号2单元302');
  await page.getByRole('button', { name: '提交，等待社区审核' }).click();
  await expect(page).toHaveURL(/\/wishes\/\d+$/);
  const url = page.url();
  await expect(page.getByText('待审核')).toBeVisible();

  await as(page, '社区工作者');
  await page.goto(url);
  await page.getByRole('button', { name: '审核通过' }).click();
  await expect(page.getByText('待认领')).toBeVisible();

  await as(page, '志愿者');
  await page.goto(url);
  await page.getByRole('button', { name: '认领这个心愿' }).click();
  await expect(page.getByText('已认领').first()).toBeVisible();
  // The claimant now sees the private contact.
  await expect(page.getByText('华光路8号2单元302')).toBeVisible();
  await page.getByLabel('完成说明').fill('已上门更换新水龙头');
  await page.getByRole('button', { name: '提交完成' }).click();
  await expect(page.getByText('待确认')).toBeVisible();

  await as(page, '居民');
  await page.goto(url);
  await page.getByRole('button', { name: '确认已圆梦' }).click();
  await expect(page.getByText('已圆梦')).toBeVisible();

  await as(page, '志愿者');
  await page.goto('/points');
  await expect(page.getByText('圆梦微心愿').first()).toBeVisible();
  const balance = Number(await page.locator('.kind-count').textContent());
  expect(balance).toBeGreaterThanOrEqual(10);
});

test('a stranger sees the wish but not the contact', async ({ browser }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto('/wishes?open=1');
  const first = page.locator('.station-link').first();
  await first.click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: '联系方式' })).toHaveCount(0);
  await ctx.close();
});
