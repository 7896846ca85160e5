import { test, expect, Page } from '@playwright/test';

// Two more people the portal serves: an English reader (a foreign spouse, a returning
// student) on a phone, and a volunteer team's leader at a desk PC. Each step's main action
// in view, no raw message keys, and in English no Chinese outside names and the
// published Chinese name of a guide.

const BASE = `http://127.0.0.1:${process.env.LINLI_E2E_PORT ?? 3107}`;
const PHONE = { width: 360, height: 740 };
const DESK = { width: 1366, height: 768 };

async function noRawKeys(page: Page) {
  const text = await page.locator('body').innerText();
  const raw = text.match(/\b(?:app|tab|prefs|common|role|login|demo|kind|amenity|home|me|err|stations|hours|rider|nav|services|guide|checklist|booking|desk|wishes|points|activities|teams|notice|accounts|holidays|error|volunteers|admin|transfer|city|coverage|dashboard)\.[a-z_0-9]+\b/g);
  expect(raw, `raw keys on ${page.url()}`).toBeNull();
}

/** The text of `selector` without the parts marked as Chinese (`lang="zh-CN"`: names). */
async function englishText(page: Page, selector: string): Promise<string> {
  return page.locator(selector).first().evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('[lang="zh-CN"]').forEach((n) => n.remove());
    return copy.innerText;
  });
}

test.describe('an English reader on a phone', () => {
  test.use({ viewport: PHONE });

  test('finds the residence permit by its English name, reads guides in English and books a slot', async ({ page, context }) => {
    await context.addCookies([{ name: 'linli_lang', value: 'en', url: BASE }]);
    await page.goto('/login');
    await page.getByRole('button', { name: 'Resident', exact: true }).click();
    await expect(page).toHaveURL(/\/me/);

    // Search by the item's own English name: it comes first.
    await page.goto('/services');
    const box = page.getByRole('searchbox').first();
    await expect(box).toBeInViewport();
    await box.fill('residence permit');
    await box.press('Enter');
    await expect(page.getByRole('heading', { name: /found for “residence permit”/ })).toBeVisible();
    const first = page.locator('main a[href^="/services/"]').first();
    await expect(first).toHaveAttribute('href', '/services/ZF-02');
    await noRawKeys(page);
    await first.click();

    // The guide in English, said to be a translation of the published one.
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Residence permit application');
    await expect(page.getByText(/Translated from the published Chinese guide/)).toBeInViewport();
    await expect(page.getByRole('heading', { name: 'Who may apply' })).toBeVisible();
    await noRawKeys(page);
    // Chinese only in names with their meaning beside them: no sentence of Chinese.
    const text = await englishText(page, 'article.guide');
    const runs = text.match(/[\u3400-\u9fff]{12,}/g);
    expect(runs, 'long Chinese runs in the English guide').toBeNull();

    // A guide with extended hours, read the same way, then booked.
    await page.goto('/services/MZ-01');
    const book = page.getByRole('link', { name: 'Book an extended-hours slot' });
    await expect(book).toBeInViewport();
    await book.click();
    const mine = page.locator('.choice-list').first().locator('a.choice').first();
    await expect(mine).toBeInViewport();
    await noRawKeys(page);
    await mine.click();
    const day = page.locator('a.day', { hasText: 'left' }).first();
    await day.click();
    const slot = page.locator('li.slot button:not([disabled])').first();
    await expect(page.getByRole('heading', { name: 'Choose a time' })).toBeInViewport();
    await slot.click();
    await expect(page.getByRole('heading', { name: 'Booked' })).toBeVisible();
    await expect(page.locator('dd.when')).toBeInViewport();
    await noRawKeys(page);
    // What to bring, in whole sentences.
    const bring = await page.locator('main').innerText();
    expect(bring).not.toMatch(/original\(s\)|copy\(ies\)/);
    expect(bring).toContain('Resident Identity Card');
    expect(bring).not.toContain('居民身份证');
  });
});

test.describe('a volunteer team leader at a desk PC', () => {
  test.use({ viewport: DESK });

  test('sees the team first, approves a join request and claims a wish for the team', async ({ page }) => {
    await page.goto('/login');
    await page.getByRole('button', { name: '志愿服务队队长', exact: true }).click();
    await expect(page).toHaveURL(/\/me/);

    // 志愿服务队: the leader's own team first, marked.
    await page.goto('/teams');
    const mine = page.locator('li.station-item').first();
    await expect(mine).toContainText('我的队伍');
    await expect(mine).toBeInViewport();
    await noRawKeys(page);

    // The team's join requests, one waiting: approved.
    await page.goto('/volunteers');
    const approve = page.getByRole('button', { name: '同意', exact: true }).first();
    await expect(approve).toBeInViewport();
    await approve.click();
    await expect(page.getByRole('status')).toBeVisible();
    await noRawKeys(page);

    // A wish waiting for someone, claimed for the team.
    await page.goto('/wishes');
    const waiting = page.locator('li.station-item', { hasText: '待认领' }).first().locator('a.station-link');
    await expect(waiting).toBeVisible();
    await waiting.click();
    await expect(page).toHaveURL(/\/wishes\/\d+$/);
    await page.getByLabel('代表我的志愿服务队认领').check();
    await page.getByRole('button', { name: '认领这个心愿' }).click();
    await expect(page.getByText('已认领').first()).toBeVisible();
    await noRawKeys(page);
  });
});

test.describe('a volunteer looking at rewards on a phone', () => {
  test.use({ viewport: PHONE });

  test('has points to redeem something, and no button breaks into a reward’s text', async ({ page }) => {
    await page.goto('/login');
    await page.getByRole('button', { name: '志愿者', exact: true }).click();
    await expect(page).toHaveURL(/\/me/);
    await page.goto('/points');
    const rewards = page.locator('li.reward');
    expect(await rewards.count()).toBeGreaterThan(3);
    // Enough points for at least one: its button is a link, not a "points short" chip.
    await expect(page.locator('li.reward a.chip').first()).toBeVisible();
    for (let i = 0; i < Math.min(await rewards.count(), 12); i++) {
      const li = rewards.nth(i);
      const text = (await li.locator('> span').first().boundingBox())!;
      const chip = (await li.locator('> .chip').boundingBox())!;
      // Beside the text, on one line of its own height, inside the screen.
      expect(chip.x, `reward ${i}`).toBeGreaterThanOrEqual(text.x + text.width - 1);
      expect(chip.height, `reward ${i}`).toBeLessThan(60);
      expect(chip.x + chip.width, `reward ${i}`).toBeLessThanOrEqual(PHONE.width);
    }
  });
});
