import { test, expect, Page } from '@playwright/test';
import { serverDay } from './clock';

async function as(page: Page, role: string) {
  await page.goto('/login');
  await page.getByRole('button', { name: role, exact: true }).click();
  await expect(page).toHaveURL(/\/me/);
}

// A real 1×1 PNG, so that the browser can draw it.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

test('a resident posts, staff approves, a volunteer claims and fulfils with a photo, the resident confirms, points appear', async ({ page, request }) => {
  await as(page, '居民');
  await page.goto('/wishes/new');
  await expect(page.getByText('心愿将发布在')).toBeVisible();
  await page.getByLabel('类别').selectOption('维修');
  await page.getByLabel('标题（30字以内）').fill('厨房水龙头漏水');
  await page.getByLabel('心愿故事（500字以内）').fill('家里老人独居，水龙头一直滴水。');
  await page.getByLabel('需要什么').fill('更换水龙头一个');
  await page.getByLabel('估计价值（元）').fill('60');
  await page.getByLabel('截止日期').fill(await serverDay(request, 30));
  await page.getByLabel('联系方式').fill('19900000001');
  await page.getByLabel('地址').fill('华光路8号2单元302');
  await page.getByRole('button', { name: '提交，等待社区审核' }).click();
  await expect(page).toHaveURL(/\/wishes\/\d+$/);
  const url = page.url();
  await expect(page.getByText('待审核')).toBeVisible();
  // The resident finds it again under 我的心愿.
  await page.goto('/wishes');
  await expect(page.locator('#my-wishes').getByText('厨房水龙头漏水')).toBeVisible();

  await as(page, '社区工作者');
  await page.goto(url);
  await page.getByRole('button', { name: '审核通过' }).click();
  // The review leads on to the next waiting wish (or back, when none is left).
  await expect(page).toHaveURL(/\/wishes\/\d+/);
  await page.goto(url);
  await expect(page.getByText('待认领')).toBeVisible();

  await as(page, '志愿者');
  await page.goto(url);
  await page.getByText('代表我的志愿服务队认领').click();
  await page.getByRole('button', { name: '认领这个心愿' }).click();
  await expect(page.getByText('已认领').first()).toBeVisible();
  // The claimant may see the private contact, once the view is recorded; and the
  // team that claimed it.
  await expect(page.getByText('华光路8号2单元302')).toHaveCount(0);
  await page.getByRole('button', { name: '查看联系方式' }).click();
  await expect(page.getByText('华光路8号2单元302')).toBeVisible();
  await expect(page.getByRole('link', { name: /拨打/ })).toHaveAttribute('href', /^tel:/);
  await expect(page.locator('a[href^="/teams/"]')).toBeVisible();
  await page.getByLabel('完成说明').fill('已上门更换新水龙头');
  await page.getByLabel(/完成照片/).setInputFiles({ name: 'done.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: '提交完成' }).click();
  await expect(page.getByText('待确认')).toBeVisible();
  const img = page.locator('.wish-photo img');
  await expect(img).toBeVisible();
  expect(await img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(1);

  await as(page, '居民');
  await page.goto(url);
  await expect(page.locator('.wish-photo img')).toBeVisible();
  await page.getByRole('button', { name: '确认已圆梦' }).click();
  await expect(page.getByText('已圆梦')).toBeVisible();

  await as(page, '志愿者');
  await page.goto('/points');
  await expect(page.getByText('圆梦微心愿').first()).toBeVisible();
  const balance = Number(await page.locator('#balance').textContent());
  expect(balance).toBeGreaterThanOrEqual(10);
  await page.goto('/me');
  await expect(page.getByText(/积分/).first()).toBeVisible();
});

test('a stranger sees the wish but not the contact or the photo', async ({ browser }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto('/wishes?open=1');
  const first = page.locator('.station-link').first();
  await first.click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: '联系方式' })).toHaveCount(0);
  await expect(page.locator('.wish-photo')).toHaveCount(0);
  await ctx.close();
});

test('staff post an activity for today, a volunteer signs up, staff check them in by code, hours and points appear', async ({ page, request }) => {
  const today = await serverDay(request);
  await as(page, '社区工作者');
  await page.goto('/activities');
  await page.getByText('发布活动（社区工作者）').click();
  // 红色星期六 is for Saturdays; today's activity is a micro-project.
  await page.locator('#kind').selectOption({ label: '微项目' });
  await page.getByLabel('活动名称').fill('楼道清理');
  await page.getByLabel('日期', { exact: true }).fill(today);
  await page.getByLabel('地点').fill('3号楼楼下');
  await page.getByLabel('名额').fill('2');
  await page.getByRole('button', { name: '发布' }).click();
  await expect(page).toHaveURL(/\/activities\/\d+\?ok=1$/);
  const url = page.url().replace(/\?.*$/, '');

  await as(page, '志愿者');
  await page.goto(url);
  await page.getByRole('button', { name: '报名', exact: true }).click();
  await expect(page.getByRole('status').first()).toContainText('已报名');
  await expect(page.locator('#my-status')).toContainText('报名成功');
  await expect(page.locator('.qr svg')).toBeVisible();
  const code = (await page.locator('#checkin-code').textContent())!.trim();
  expect(code).toMatch(/^[0-9A-Z]{8}$/);

  await as(page, '社区工作者');
  await page.goto(url);
  // A scanner types the QR text into the field.
  await page.getByLabel('扫描或输入签到码').fill(`LINLI:ACT:${code}`);
  await page.getByRole('button', { name: '签到' }).first().click();
  await expect(page.locator('#roster')).toContainText('已签到');

  await as(page, '志愿者');
  await page.goto(url);
  await expect(page.locator('#my-status')).toContainText('已签到');
  await page.goto('/points');
  await expect(page.getByText('参加志愿活动').first()).toBeVisible();
});

test('volunteer teams can be found and show their record', async ({ page }) => {
  await page.goto('/teams?q=双报到');
  const first = page.locator('.station-link').first();
  await expect(first).toBeVisible();
  await first.click();
  await expect(page.locator('#team-record')).toBeVisible();
  await expect(page.getByRole('link', { name: '登录' }).first()).toBeVisible();
});

test('staff verify a volunteer on /volunteers and admins read the audit log', async ({ page }) => {
  await as(page, '社区工作者');
  await page.goto('/volunteers');
  await expect(page.getByRole('heading', { name: '志愿者核验', level: 1 })).toBeVisible();
  await as(page, '管理员');
  await page.goto('/admin');
  await expect(page.getByRole('heading', { name: '操作记录' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '短信发送情况' })).toBeVisible();
});
