import { test, expect, Page } from '@playwright/test';

// An admin at a desk PC loads the city's own list: a bad file shows its problems by row
// and column and changes nothing; a good one (GCJ-02 points, as copied from Amap)
// appears on the map after the preview and the apply.

const HEADER = '外部编号,类型,名称,街道,社区,地址,经度,纬度,开放时间,电话,设施,核实日期,调休日开放';

async function admin(page: Page) {
  await page.goto('/login');
  await page.getByRole('button', { name: '管理员', exact: true }).click();
  await expect(page).toHaveURL(/\/me/);
}

/** A centre's point, street and community: the rows go into an existing community (the
 * other specs count the demo city's streets and communities). */
async function cityCentre(page: Page): Promise<[number, number, string, string]> {
  const all = await (await page.request.get('/api/v1/stations?kind=center')).json();
  const f = all.features[0];
  const [lng, lat] = f.geometry.coordinates as [number, number];
  return [lat, lng, f.properties.street, f.properties.community];
}

async function uploadText(page: Page, name: string, text: string, datum: string) {
  await page.goto('/admin/import');
  await page.getByLabel('文件（Excel 另存的 CSV，或 GeoJSON）').setInputFiles({
    name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8'),
  });
  await page.getByLabel('坐标来源').selectOption(datum);
  await page.getByRole('button', { name: '上传并检查（不会写入）' }).click();
  await expect(page).toHaveURL(/\/admin\/import\/\d+$/);
}

test.use({ viewport: { width: 1366, height: 768 } });

test('a bad file lists its problems; a good one is applied and shows on the map', async ({ page }) => {
  await admin(page);
  const [lat, lng, street, community] = await cityCentre(page);

  await uploadText(page, 'bad.csv', `${HEADER}\nE-1,户外劳动者服务站点,坏行,${street},${community},测试路1号,121.47,31.23,24/7,,,,\n`, 'wgs84');
  await expect(page.getByRole('heading', { name: '需要修正的问题' })).toBeVisible();
  const row = page.locator('table.problems tbody tr').first();
  await expect(row).toContainText('2');
  await expect(row).toContainText('坐标不在本市范围内');
  await expect(page.getByRole('button', { name: /确认导入/ })).toHaveCount(0);

  // A good file, with the point shifted to GCJ-02 the way Amap shows it (≈ 500 m east).
  const name = `导入测试驿站${Date.now() % 100000}`;
  const good = `${HEADER}\nE-2,户外劳动者服务站点,${name},${street},${community},测试路2号,${(lng + 0.0062).toFixed(7)},${(lat - 0.0011).toFixed(7)},24/7,,饮水,,否\n`;
  await uploadText(page, 'good.csv', good, 'gcj02');
  await expect(page.getByRole('status').first()).toContainText('检查通过 1 行');
  await page.getByRole('button', { name: '确认导入这 1 行' }).click();
  await expect(page.locator('.form-ok').filter({ hasText: '已于' })).toBeVisible();

  // Riders find it by its name.
  await page.goto(`/rider?near=${encodeURIComponent(name)}`);
  await expect(page.locator('.rider-card').first().locator('h2')).toHaveText(name);
});

test('a wrong encoding, a missing column and unparseable hours are each named, and nothing changes', async ({ page }) => {
  await admin(page);
  const before = (await (await page.request.get('/api/v1/stations')).json()).features.length;
  const [lat, lng, street, community] = await cityCentre(page);

  // Saved as GBK by Excel but declared UTF-8: refused at once, in words (with JavaScript the
  // upload stays on the page and says why).
  await page.goto('/admin/import');
  await page.getByLabel('文件（Excel 另存的 CSV，或 GeoJSON）').setInputFiles({
    name: 'gbk.csv', mimeType: 'text/csv', buffer: Buffer.from([0xc3, 0xfb, 0xb3, 0xc6, 0x2c, 0x41, 0x0a]),
  });
  await page.getByLabel('文字编码').selectOption('utf8');
  // Where the points come from starts at 请选择 and must be chosen.
  await expect(page.getByLabel('坐标来源')).toHaveValue('');
  await page.getByLabel('坐标来源').selectOption('wgs84');
  await page.getByRole('button', { name: '上传并检查（不会写入）' }).click();
  await expect(page.locator('#upload-status')).toContainText('UTF-8');

  // A file without the id column: the whole file is refused, naming the column.
  await uploadText(page, 'short.csv', '名称,地址\n甲,乙\n', 'wgs84');
  await expect(page.getByText(/外部编号/).first()).toBeVisible();
  await expect(page.getByRole('button', { name: /确认导入/ })).toHaveCount(0);

  // Hours the evaluator cannot read: the row and the column are named.
  await uploadText(page, 'hours.csv', `${HEADER}\nH-1,户外劳动者服务站点,时间不对,${street},${community},测试路9号,${lng},${lat},看情况开放,,,,\n`, 'wgs84');
  const row = page.locator('table.problems tbody tr').first();
  await expect(row).toContainText('2');
  await expect(row).toContainText('开放时间');
  await expect(row).toContainText('周一至周五 8:30-12:00');
  await expect(page.getByRole('button', { name: /确认导入/ })).toHaveCount(0);

  // Hours written in words: the preview shows each as read, and the file may be applied.
  await uploadText(page, 'words.csv', `${HEADER}\nH-2,户外劳动者服务站点,中文时间,${street},${community},测试路10号,${lng},${lat},工作日９：００－１７：００ 周末休息,,,,\n`, 'wgs84');
  const conv = page.locator('table.conversions tbody tr').first();
  await expect(conv).toContainText('工作日９：００－１７：００ 周末休息');
  await expect(conv).toContainText('Mo-Fr 09:00-17:00; Sa,Su off');
  await expect(page.getByRole('button', { name: /确认导入/ })).toHaveCount(1);

  const after = (await (await page.request.get('/api/v1/stations')).json()).features.length;
  expect(after).toBe(before);
});
