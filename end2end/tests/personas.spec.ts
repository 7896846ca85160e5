import { test, expect, Page, BrowserContext } from '@playwright/test';

// One walk per kind of user, end to end, as they meet the portal: a delivery rider and an
// elderly resident and a volunteer on a cheap phone (360×740) in care mode (长辈模式), a
// clerk at a desk PC (1366×768). Each step asserts what a person needs: the step's main
// action visible without scrolling, no raw message keys, and the outcome said in words.

const BASE = `http://127.0.0.1:${process.env.LINLI_E2E_PORT ?? 3107}`;
const PHONE = { width: 360, height: 740 };
const DESK = { width: 1366, height: 768 };

/** No text on the page looks like an untranslated message key (`me.bookings`, `booking.slot_full`). */
async function noRawKeys(page: Page) {
  const text = await page.locator('body').innerText();
  const raw = text.match(/\b(?:app|tab|prefs|common|role|login|demo|kind|amenity|home|me|err|stations|hours|rider|nav|wish_status|weekday|services|guide|checklist|booking|desk|wishes|points|activities|teams|notice|accounts|holidays|error|volunteers|admin|outbox|audit|transfer|city|coverage|dashboard|banner)\.[a-z_0-9]+(?:\.[a-z_0-9]+)*\b/g);
  expect(raw, `raw keys on ${page.url()}`).toBeNull();
}

async function careMode(context: BrowserContext) {
  await context.addCookies([{ name: 'linli_care', value: '1', url: BASE }]);
}

async function signInAs(page: Page, role: string) {
  await page.goto('/login');
  await page.getByRole('button', { name: role, exact: true }).click();
  await expect(page).toHaveURL(/\/me/);
}

test.describe('a rider with one thumb, who refuses to share the location', () => {
  test.use({ viewport: PHONE, permissions: [] });

  test('is told so, sets a point by a place name, and filters by ticking', async ({ page, context, request }) => {
    await careMode(context);
    await page.goto('/rider');
    // No silent distances from the city centre: the page says it does not know yet.
    await expect(page.locator('.origin-said')).toContainText('还不知道您在哪里');
    await expect(page.locator('.rider-card')).toHaveCount(0);
    // The refused position is said in words, and the place box is ready.
    await expect(page.locator('#map-status')).toContainText('没有允许获取位置');
    const box = page.getByLabel('输入附近的地点（公园、路名、社区或站点名）');
    await expect(box).toBeInViewport();
    await noRawKeys(page);

    // A landmark: an outdoor rest point's own name, as a rider would read it on a sign.
    const all = await (await request.get('/api/v1/stations?kind=outdoor')).json();
    // One that is always open (so the walk does not depend on the hour it runs at), with
    // the shortest name (so the layout does not depend on which one the seed named).
    const landmark: string = all.features
      .filter((f: any) => f.properties.opening_hours === '24/7')
      .map((f: any) => f.properties.name as string)
      .sort((a: string, b: string) => a.length - b.length)[0];
    await box.fill(landmark);
    await page.getByRole('button', { name: '从这里算' }).click();
    await expect(page.locator('.origin-said')).toHaveText(`距离从“${landmark}”算起`);
    const cards = page.locator('.rider-card');
    expect(await cards.count()).toBeGreaterThanOrEqual(2);
    // Two results above the fold, the first with its navigation button.
    await expect(cards.nth(0).locator('h2')).toBeInViewport();
    await expect(cards.nth(1).locator('h2')).toBeInViewport();
    await expect(cards.nth(0).getByRole('link', { name: '高德地图导航' })).toBeInViewport();
    await expect(cards.nth(0).locator('.rider-meta')).toContainText('米');

    // A filter applies on ticking and is echoed; the landmark stays the point.
    await page.getByRole('checkbox', { name: '充电' }).check();
    await expect(page).toHaveURL(/amenity=charging/);
    await expect(page.locator('.filter-echo')).toHaveText('已筛选：充电');
    await expect(page.locator('.origin-said')).toHaveText(`距离从“${landmark}”算起`);
    await noRawKeys(page);

    // A place that matches nothing says so.
    await page.getByText('换个位置').click();
    await page.getByLabel('输入附近的地点（公园、路名、社区或站点名）').fill('不存在的地方');
    await page.getByRole('button', { name: '从这里算' }).click();
    await expect(page.getByRole('alert')).toContainText('没有找到“不存在的地方”');
    await expect(page.locator('.rider-card')).toHaveCount(0);
  });
});

test.describe('an elderly resident in care mode', () => {
  test.use({ viewport: PHONE });

  test('finds 老年补贴, books at her own centre, and cancels with a confirmation', async ({ page, context }) => {
    await careMode(context);
    await signInAs(page, '居民');
    await noRawKeys(page);
    // Search the way she asks.
    await page.goto('/services');
    await page.getByRole('searchbox').first().fill('老年补贴');
    await page.getByRole('searchbox').first().press('Enter');
    await expect(page.getByRole('heading', { name: /共找到 [1-9]\d* 项/ })).toBeVisible();
    await noRawKeys(page);

    // A guide with extended hours: the booking entry is a large button near the top.
    await page.goto('/services/MZ-01');
    const book = page.getByRole('link', { name: '预约延时服务' });
    await expect(book).toBeInViewport();
    await expect(page.getByText('跑动次数（要本人到现场几次）')).toBeVisible();
    await book.click();

    // Her own community's centre first, never a city-long list.
    await expect(page.getByRole('heading', { name: '您所在社区的服务中心' })).toBeInViewport();
    const mine = page.locator('.choice-list').first().locator('a.choice').first();
    await expect(mine).toBeInViewport();
    const height = await page.evaluate(() => document.body.scrollHeight);
    expect(height).toBeLessThan(6000);
    await noRawKeys(page);
    await mine.click();

    // Days are large buttons saying 今天/明天; the chosen day's slots come right below.
    await expect(page.locator('a.day').first()).toContainText('今天');
    await expect(page.locator('a.day').nth(1)).toContainText('明天');
    const day = page.locator('a.day', { hasText: '剩余' }).first();
    await day.click();
    await expect(page).toHaveURL(/#slots$/);
    await expect(page.locator('a.day.current')).toHaveCount(1);
    const slot = page.locator('li.slot button:not([disabled])').first();
    await expect(page.getByRole('heading', { name: '选择时段' })).toBeInViewport();
    await slot.click();

    // The confirmation: time and place above the code, in words.
    await expect(page.getByRole('heading', { name: '预约成功' })).toBeVisible();
    const when = page.locator('dd.when');
    await expect(when).toBeInViewport();
    const whenBox = (await when.boundingBox())!;
    const codeBox = (await page.locator('p.code').boundingBox())!;
    expect(whenBox.y).toBeLessThan(codeBox.y);
    await noRawKeys(page);

    // Cancelling asks first; afterwards no QR, no check-in text, no calendar link.
    await page.getByRole('link', { name: '取消预约' }).click();
    const confirm = page.getByRole('button', { name: '确认取消' });
    await expect(confirm).toBeInViewport();
    await confirm.click();
    await expect(page.locator('.badge-status')).toHaveText('已取消');
    await expect(page.locator('.qr svg')).toHaveCount(0);
    await expect(page.getByRole('link', { name: /加入手机日历/ })).toHaveCount(0);

    // 我的: what is hers comes before the profile form.
    await page.goto('/me');
    await noRawKeys(page);
    const bookings = (await page.locator('#my-bookings').boundingBox())!;
    const form = (await page.locator('#display_name').boundingBox())!;
    expect(bookings.y).toBeLessThan(form.y);
  });
});

test.describe('a volunteer on a Saturday', () => {
  test.use({ viewport: PHONE });

  test('browses activities by date, signs up, and finds wishes near a place', async ({ page, context }) => {
    await careMode(context);
    await signInAs(page, '志愿者');
    await page.goto('/activities');
    // Dates first: this weekend leads the choices.
    const weekend = page.getByRole('link', { name: '本周末' });
    await expect(weekend).toBeInViewport();
    await page.getByRole('link', { name: '全部近期活动' }).click();
    const first = page.locator('.station-list a.station-link').first();
    await expect(first).toBeVisible();
    // Each line says the day as people say it (a weekday) and the time.
    await expect(page.locator('.station-list .station-kind').first()).toContainText(/周[一二三四五六日] \d\d:\d\d–\d\d:\d\d/);
    await noRawKeys(page);
    await first.click();

    // The activity page: time, place, organiser's number (tap to call).
    await expect(page.getByText('组织方')).toBeVisible();
    await expect(page.locator('a.tel[href^="tel:"]')).toHaveCount(1);
    const signUp = page.getByRole('button', { name: /^报名$|候补报名/ });
    if (await signUp.count()) {
      await expect(signUp).toBeInViewport();
      await signUp.click();
      await expect(page.locator('#my-status')).toContainText(/已报名|候补/);
      await expect(page.locator('#my-status')).not.toContainText('已完成');
    }
    await noRawKeys(page);

    // Wishes nearest first, without a position: the page asks, the same way as riders.
    await page.goto('/wishes?sort=nearest');
    await expect(page.locator('.origin-said')).toContainText('按距离排序需要知道您在哪里');
    await expect(page.locator('.station-list').last().locator('li').first()).toBeVisible();
    const communities = await (await page.request.get('/api/v1/stations?kind=center')).json();
    const place: string = communities.features[0].properties.name;
    await page.getByLabel('输入附近的地点（公园、路名、社区或站点名）').fill(place);
    await page.getByRole('button', { name: '从这里算' }).click();
    await expect(page).toHaveURL(/sort=nearest/);
    await expect(page.locator('.origin-said')).toContainText(`距离从“${place}”算起`);
    await noRawKeys(page);
  });
});

test.describe('a clerk at a busy desk', () => {
  test.use({ viewport: DESK });

  test('serves the queue: days, a wrong code, a walk-in by name, the schedule by pickers', async ({ page }) => {
    await signInAs(page, '社区工作者');
    await page.goto('/desk');
    // Staff navigation, and a desktop layout: no phone tab bar fixed at the bottom.
    await expect(page.locator('nav.staff-nav')).toBeVisible();
    const tabbar = await page.locator('nav.tabbar').evaluate((e) => getComputedStyle(e).position);
    expect(tabbar).not.toBe('fixed');
    // The code box is focused and visible at once.
    const code = page.getByPlaceholder('输入预约码或扫描二维码');
    await expect(code).toBeInViewport();
    await expect(code).toBeFocused();
    await noRawKeys(page);

    // Another day, and back.
    await page.getByRole('link', { name: '后一天' }).click();
    await expect(page).toHaveURL(/day=\d{4}-\d\d-\d\d/);
    await expect(page.getByRole('link', { name: '回到今天' })).toBeVisible();
    await page.getByRole('link', { name: '回到今天' }).click();
    await expect(page.locator('p.lead .tag')).toHaveText('今天');

    // A well-formed code that does not exist says so.
    await code.fill('YYYY99');
    await page.getByRole('button', { name: '签到', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('未找到');
    await noRawKeys(page);

    // A walk-in by the item's name, not its code.
    await page.getByLabel('办理事项').selectOption({ label: '最低生活保障申请' });
    await page.getByRole('button', { name: '登记' }).click();
    await expect(page.getByRole('status').first()).toBeVisible();
    await noRawKeys(page);

    // The schedule, on its own page: weekdays ticked and times picked; saving keeps them.
    await page.getByRole('link', { name: '调整服务时段' }).click();
    await expect(page).toHaveURL(/\/desk\/schedule/);
    const sat = page.locator('#row0-d6');
    await expect(page.getByRole('group', { name: '时段1' })).toBeVisible();
    const wasSat = await sat.isChecked();
    if (!wasSat) await sat.check();
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await expect(page.getByRole('status').first()).toBeVisible();
    await expect(page.locator('#row0-d6')).toBeChecked();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await noRawKeys(page);
  });
});
