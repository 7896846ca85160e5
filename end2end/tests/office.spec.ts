import { test, expect, Page } from '@playwright/test';

/** Playwright's API requests carry no Origin; a browser's own fetches say they are same-origin. */
const SAME_ORIGIN = { headers: { 'sec-fetch-site': 'same-origin' } };

// The back office at a desk PC (issue 14): a clerk keeps a station's hours true and the
// rider sees "open now" follow; staff of one community are refused another's station;
// an admin sets the city, grants and revokes staff, keeps the holiday calendar, and
// reads the coverage, the dashboard and the audit trail (charts beside their tables).

test.use({ viewport: { width: 1366, height: 768 } });

async function signInAs(page: Page, role: string): Promise<{ id: number; community_id: number | null }> {
  await page.goto('/login');
  await page.getByRole('button', { name: role, exact: true }).click();
  await expect(page).toHaveURL(/\/me/);
  const r = await page.request.post('/api/auth/viewer', SAME_ORIGIN);
  return (await r.json()).user;
}

/** A station of a community, and one of another (from the public API). */
async function stationsOf(page: Page, community: string) {
  const all = await (await page.request.get('/api/v1/stations?kind=outdoor')).json();
  const mine = all.features.find((f: any) => f.properties.community === community);
  const other = all.features.find((f: any) => f.properties.community !== community);
  return { mine, other };
}

test('a clerk edits hours with a 14-day preview and the rider sees the change', async ({ page }) => {
  const me = await signInAs(page, '社区工作者');
  const name = (await (await page.request.post('/api/communities', SAME_ORIGIN)).json())
    .find((c: any) => c.id === me.community_id).name;
  const { mine, other } = await stationsOf(page, name);
  expect(mine).toBeTruthy();
  const id = mine.properties.id;

  await page.goto(`/station/${id}`);
  await page.getByRole('link', { name: '编辑营业时间和特殊日期' }).click();
  await expect(page).toHaveURL(new RegExp(`/station/${id}/hours`));

  // A typo is named before anything is saved.
  await page.getByLabel('营业时间', { exact: true }).fill('every day 8 to 5');
  await page.getByRole('button', { name: '预览未来 14 天' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('button', { name: '保存营业时间' })).toHaveCount(0);

  // Closed all week: the preview shows fourteen closed days, then it is saved.
  await page.getByLabel('营业时间', { exact: true }).fill('Mo-Su off');
  await page.getByRole('button', { name: '预览未来 14 天' }).click();
  await expect(page.getByText('这是预览，尚未保存。')).toBeVisible();
  await expect(page.locator('table.week tbody tr')).toHaveCount(14);
  await page.getByRole('button', { name: '保存营业时间' }).click();
  await expect(page.getByRole('status')).toContainText('已保存');
  let v = await (await page.request.get(`/api/v1/stations/${id}`)).json();
  expect(v.properties.open_now).toBe(false);

  // Round the clock again: open now, for the rider too.
  await page.getByLabel('营业时间', { exact: true }).fill('24/7');
  await page.getByRole('button', { name: '预览未来 14 天' }).click();
  await page.getByRole('button', { name: '保存营业时间' }).click();
  await expect(page.getByRole('status')).toContainText('已保存');
  const [lng, lat] = mine.geometry.coordinates;
  await page.goto(`/rider?lat=${lat}&lng=${lng}`);
  await expect(page.locator('.rider-card').filter({ hasText: mine.properties.name }).first()).toBeVisible();

  // Another community's station: refused.
  const r = await page.request.get(`/station/${other.properties.id}/hours`);
  expect(r.status()).toBe(403);
  await page.goto(`/station/${other.properties.id}`);
  await expect(page.getByRole('link', { name: '编辑营业时间和特殊日期' })).toHaveCount(0);
});

test('an admin runs the back office: city, people, holidays, coverage, dashboard, audit', async ({ page }) => {
  await signInAs(page, '管理员');
  await page.goto('/admin');
  for (const link of ['城市设置', '导入与导出', '人员管理', '审计日志', '节假日安排', '生活圈覆盖', '数据看板']) {
    await expect(page.getByRole('navigation', { name: '后台' }).getByRole('link', { name: new RegExp(link) })).toBeVisible();
  }

  // The city's settings: a wrong box says why and changes nothing.
  await page.goto('/admin/city');
  const bbox = await page.getByLabel(/范围/).inputValue();
  await page.getByLabel(/范围/).fill('118.0,36.8');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('alert')).toContainText('两个对角');
  await page.goto('/admin/city');
  await expect(page.getByLabel(/范围/)).toHaveValue(bbox);

  // People: grant a clerk, see them listed (number masked), revoke.
  await page.goto('/admin/people');
  await page.getByLabel('手机号').fill('13955550001');
  await page.getByLabel('身份', { exact: true }).selectOption('staff');
  // The community starts at "请选择社区": a clerk granted without one is refused in words.
  await expect(page.locator('#grant-community')).toHaveValue('');
  await page.getByRole('button', { name: '授予身份' }).click();
  await expect(page.getByRole('alert')).toContainText('请选择社区');
  await page.getByLabel('手机号').fill('13955550001');
  await page.getByLabel('身份', { exact: true }).selectOption('staff');
  await page.locator('#grant-community').selectOption({ index: 1 });
  await page.getByRole('button', { name: '授予身份' }).click();
  await expect(page.getByRole('status')).toContainText('已保存');
  const row = page.locator('tr').filter({ hasText: '139****0001' });
  await expect(row).toHaveCount(1);
  await row.getByRole('button', { name: '撤销身份' }).click();
  await expect(page.locator('tr').filter({ hasText: '139****0001' })).toHaveCount(0);

  // The holiday calendar: a pasted line with a mistake is named by its line.
  await page.goto('/admin/holidays?year=2031');
  await page.getByLabel('粘贴下一年的安排').fill('2031-01-01,休,元旦\n2031-13-01,休,错');
  await page.getByRole('button', { name: '检查并保存' }).click();
  await expect(page.getByRole('alert')).toContainText('第 2 行');
  await page.getByLabel('粘贴下一年的安排').fill('2031-01-01,休,元旦\n2031-01-26,班,春节,周五');
  await page.getByRole('button', { name: '检查并保存' }).click();
  await expect(page.getByRole('status')).toContainText('已导入 2 天');
  await page.goto('/admin/holidays?year=2031');
  await expect(page.locator('table.audit tbody tr')).toHaveCount(2);

  // Coverage: shares by kind, the hour grid, the gaps on a map.
  await page.goto('/admin/coverage');
  await expect(page.getByRole('heading', { name: /全市 \d+ 个社区/ })).toBeVisible();
  await expect(page.locator('table.hours-grid tbody tr')).toHaveCount(24);
  await expect(page.locator('#map')).toBeVisible();

  // The dashboard: charts are SVG images beside their tables, with CSV links.
  await page.goto('/admin/dashboard');
  await expect(page.locator('.chart svg[role="img"]').first()).toBeVisible();
  const csv = await page.request.get('/api/v1/dashboard/stations.csv');
  expect(csv.status()).toBe(200);
  expect((await csv.text()).split('\n').length).toBeGreaterThan(2);

  // The audit trail has the grant and the revoke, filtered by action.
  await page.goto('/admin/audit?what=grant_role');
  await expect(page.locator('table.audit tbody tr').first()).toContainText('grant_role');
});

test('staff see only their own community in the back office', async ({ page }) => {
  await signInAs(page, '社区工作者');
  for (const path of ['/admin/people', '/admin/city', '/admin/holidays', '/admin/import']) {
    await page.goto(path);
    await expect(page.locator('.error-page'), path).toBeVisible();
    await expect(page.locator('main form[method="post"]'), path).toHaveCount(0);
  }
  // Their dashboard and audit trail are their community's, with no picker.
  await page.goto('/admin/dashboard');
  await expect(page.locator('#dash-community')).toHaveCount(0);
  await page.goto('/admin/audit');
  await expect(page.locator('#audit-community')).toHaveCount(0);
});
