// SPDX-License-Identifier: MIT
//
// End-to-end tests of the muster web UI in headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core). They rely only on the page
// structure of the UI contract (login form, layout, data-* hooks) and run
// against a server that tests/browser/run.sh has started on loopback with a
// temporary SQLite database: the example plans loaded (the school plan twice,
// the second time changed, so it has two versions), an admin and a reporter.
// Each scenario uses a fresh browser context (its own cookies); screenshots of
// every main page at an office size (1366x768) and a phone size (390x844) go
// to $MUSTER_SCREENSHOTS for people to look at. Run with node's test runner,
// one test at a time (the language choice is stored per user).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

function need(name) {
    const v = process.env[name];
    if (!v) throw new Error(`environment variable ${name} is not set (run tests/browser/run.sh)`);
    return v;
}

const base = need('MUSTER_URL').replace(/\/$/, '');
const admin = { name: need('MUSTER_ADMIN_USER'), pass: need('MUSTER_ADMIN_PASS') };
const reporter = {
    name: need('MUSTER_REPORTER_USER'),
    pass: need('MUSTER_REPORTER_PASS'),
    unit: need('MUSTER_REPORTER_UNIT'),
};
const planIds = need('MUSTER_PLAN_IDS').split(/\s+/).filter(Boolean).sort();
const twoVersionPlan = need('MUSTER_DIFF_PLAN'); // loaded twice: versions 1 and 2
const diffAdded = need('MUSTER_DIFF_ADDED').split('\n').filter(Boolean); // text only in v2
const diffRemoved = need('MUSTER_DIFF_REMOVED'); // text only in v1
const planTitle = need('MUSTER_DIFF_TITLE');
const today = need('MUSTER_TODAY'); // YYYY-MM-DD in Asia/Shanghai
const todayKind = need('MUSTER_TODAY_KIND'); // `muster calendar is-workday` output
const shots = need('MUSTER_SCREENSHOTS');
const browserPidFile = process.env.MUSTER_BROWSER_PID_FILE;

const desktop = { width: 1366, height: 768 };
const phone = { width: 390, height: 844 };

let browser;

before(async () => {
    fs.mkdirSync(shots, { recursive: true });
    // launch() gives the browser a new, empty profile directory of its own
    // (the fresh --user-data-dir), removed again by browser.close().
    browser = await chromium.launch({
        executablePath: process.env.MUSTER_CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
        ],
        timeout: 60000,
    });
    const proc = browser.process && browser.process();
    if (browserPidFile && proc && proc.pid) fs.writeFileSync(browserPidFile, `${proc.pid}\n`);
});

after(async () => {
    if (browser) await browser.close();
    const text = layoutNotes.length ? layoutNotes.join('\n') + '\n' : 'no page overflows its window\n';
    fs.writeFileSync(path.join(shots, 'layout.txt'), text);
    for (const n of layoutNotes) console.log(`# layout: ${n}`);
});

async function newPage() {
    const context = await browser.newContext({ viewport: desktop, locale: 'zh-CN' });
    context.setDefaultTimeout(15000);
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
        // CSP violations and script errors show up here; they are bugs. The
        // browser's own note on a 401/403/404 answer is expected in some tests.
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
            problems.push(`console error: ${m.text()}`);
    });
    page.problems = problems;
    return page;
}

async function done(page) {
    const problems = page.problems;
    await page.context().close();
    assert.deepEqual(problems, [], 'the page logged errors');
}

// Pages wider than the window (a horizontal scroll bar), noted for people
// to look at in layout.txt beside the screenshots; not a failure.
const layoutNotes = [];
async function noteOverflow(page, name, size) {
    const wide = await page.evaluate(() => {
        const vw = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= vw) return null;
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > vw + 1 && out.length < 5) {
                out.push(`${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}` +
                    ` (right edge ${Math.round(r.right)}px)`);
            }
        }
        return `page ${document.documentElement.scrollWidth}px wide in a ${vw}px window; ` +
            out.join(', ');
    });
    if (wide) layoutNotes.push(`${name} at ${size.width}x${size.height}: ${wide}`);
}

// Both sizes: what the window shows (NAME-WxH.png) and, for pages longer
// than the window, the whole page (NAME-WxH-full.png). The page is left at
// the desktop size.
async function shoot(page, name) {
    for (const size of [desktop, phone]) {
        await page.setViewportSize(size);
        await noteOverflow(page, name, size);
        const file = path.join(shots, `${name}-${size.width}x${size.height}`);
        await page.screenshot({ path: `${file}.png` });
        const tall = await page.evaluate(() =>
            document.documentElement.scrollHeight > window.innerHeight);
        if (tall) await page.screenshot({ path: `${file}-full.png`, fullPage: true });
    }
    await page.setViewportSize(desktop);
}

function pathOf(page) {
    const u = new URL(page.url());
    return u.pathname + u.search;
}

async function login(page, user, next) {
    const target = next ? `/login?next=${encodeURIComponent(next)}` : '/login';
    await page.goto(base + target);
    const form = page.locator('form#login');
    await form.locator('input[name=username]').fill(user.name);
    await form.locator('input[name=password]').fill(user.pass);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')),
        form.locator('button[type=submit]').click()]);
}

const kindLabels = (() => {
    const k = todayKind.trim();
    let m;
    if (k === 'workday') return { zh: '工作日', en: 'Working day' };
    if (k === 'weekend') return { zh: '周末', en: 'Weekend' };
    if (k === 'workday (adjusted)') return { zh: '调休上班', en: 'Make-up working day' };
    if ((m = /^holiday (.+)$/.exec(k))) return { zh: `节假日：${m[1]}`, en: `Holiday: ${m[1]}` };
    throw new Error(`unexpected 'calendar is-workday' answer '${k}'`);
})();

function todayForms() {
    const [y, m, d] = today.split('-');
    return [today, `${y}年${Number(m)}月${Number(d)}日`, `${y}年${m}月${d}日`,
        `${y}/${m}/${d}`];
}

function assertHasToday(text) {
    assert.ok(todayForms().some((f) => text.includes(f)),
        `[data-today] '${text}' does not show today's date ${today}`);
}

test('the login page is public and everything else sends to it', async () => {
    const page = await newPage();
    const resp = await page.goto(`${base}/plans/${twoVersionPlan}`);
    assert.equal(resp.status(), 200);
    const u = new URL(page.url());
    assert.equal(u.pathname, '/login');
    assert.equal(u.searchParams.get('next'), `/plans/${twoVersionPlan}`);
    const form = page.locator('form#login');
    assert.equal(await form.getAttribute('method'), 'post');
    assert.equal(await form.getAttribute('action'), '/login');
    assert.equal(await form.locator('input[name=password]').getAttribute('type'), 'password');
    assert.equal(await form.locator('input[name=next]').getAttribute('type'), 'hidden');
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await shoot(page, 'login');

    // Logging in from there lands on the page first asked for.
    await form.locator('input[name=username]').fill(admin.name);
    await form.locator('input[name=password]').fill(admin.pass);
    await Promise.all([page.waitForURL(`**/plans/${twoVersionPlan}`),
        form.locator('button[type=submit]').click()]);
    assert.equal(pathOf(page), `/plans/${twoVersionPlan}`);
    await assertVisible(page.locator('article.plan'));
    await done(page);
});

async function assertVisible(loc) {
    assert.ok(await loc.first().isVisible(), `${loc} is not visible`);
}

test('a wrong password shows a clear message', async () => {
    const page = await newPage();
    await page.goto(`${base}/login`);
    const form = page.locator('form#login');
    await form.locator('input[name=username]').fill(admin.name);
    await form.locator('input[name=password]').fill('not-the-password-1');
    const [resp] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' &&
            new URL(r.url()).pathname === '/login'),
        form.locator('button[type=submit]').click(),
    ]);
    assert.equal(resp.status(), 401);
    await page.waitForLoadState();
    const flash = page.locator('p.flash.flash-error[role=alert]');
    await assertVisible(flash);
    assert.equal((await flash.textContent()).trim(), '用户名或密码错误');
    // Still the login form, and still not logged in.
    await assertVisible(page.locator('form#login'));
    assert.equal(await page.locator('form#logout').count(), 0);
    await shoot(page, 'login-error');
    const r = await page.goto(`${base}/`);
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/login');
    await done(page);
});

test('an admin logs in and sees the dashboard', async () => {
    const page = await newPage();
    await login(page, admin);
    assert.equal(pathOf(page), '/');
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    assert.equal((await page.locator('h1').first().textContent()).trim(), '工作台');

    const todayText = (await page.locator('[data-today]').textContent()).trim();
    assertHasToday(todayText);
    assert.ok(todayText.includes(kindLabels.zh),
        `[data-today] '${todayText}' does not say '${kindLabels.zh}'`);

    const links = page.locator('a[data-plan-id]');
    const ids = (await links.evaluateAll((as) => as.map((a) => a.dataset.planId))).sort();
    assert.deepEqual(ids, planIds);
    for (const id of planIds) {
        assert.equal(await page.locator(`a[data-plan-id="${id}"]`).getAttribute('href'),
            `/plans/${id}`);
    }
    assert.equal(await page.locator('[data-cards]').count(), 1);

    const nav = page.locator('header nav');
    assert.equal(await nav.locator('a[data-nav=dashboard]').getAttribute('href'), '/');
    assert.equal(await nav.locator('a[data-nav=plans]').getAttribute('href'), '/plans');
    assert.equal(await nav.locator('a[data-nav=users]').getAttribute('href'), '/admin/users');
    const who = await page.locator('header [data-user]').textContent();
    assert.ok(who.includes(admin.name), `[data-user] '${who}' does not name ${admin.name}`);
    await shoot(page, 'dashboard');

    // The user administration page lists both accounts.
    await Promise.all([page.waitForURL('**/admin/users'),
        nav.locator('a[data-nav=users]').click()]);
    const table = page.locator('table[data-users]');
    await assertVisible(table);
    for (const u of [admin.name, reporter.name]) {
        assert.equal(await table.locator(`tr[data-user-row="${u}"]`).count(), 1, `row of ${u}`);
    }
    // The reporter's row shows its unit; the admin has none.
    const reporterRow = await table.locator(`tr[data-user-row="${reporter.name}"]`).textContent();
    assert.ok(reporterRow.includes(reporter.unit), `the row of ${reporter.name} lacks its unit`);
    const adminRow = await table.locator(`tr[data-user-row="${admin.name}"]`).textContent();
    assert.ok(!adminRow.includes(reporter.unit), `the row of ${admin.name} shows a unit`);
    assert.equal(await page.locator('form#user-add').getAttribute('action'), '/admin/users');
    await shoot(page, 'admin-users');
    await done(page);
});

test('a plan, its versions and the diff between them', async () => {
    const page = await newPage();
    await login(page, admin);
    await Promise.all([page.waitForURL('**/plans'),
        page.locator('header nav a[data-nav=plans]').click()]);
    const ids = (await page.locator('a[data-plan-id]')
        .evaluateAll((as) => as.map((a) => a.dataset.planId))).sort();
    assert.deepEqual(ids, planIds);
    await shoot(page, 'plans');

    await Promise.all([page.waitForURL(`**/plans/${twoVersionPlan}`),
        page.locator(`a[data-plan-id="${twoVersionPlan}"]`).click()]);
    const article = page.locator('article.plan');
    await assertVisible(article);
    const latest = await article.textContent();
    assert.ok(latest.includes(planTitle), 'the plan page does not show the plan title');
    for (const t of diffAdded) assert.ok(latest.includes(t), `the latest version lacks '${t}'`);
    // The rendered body is embedded, not a nested document.
    assert.equal(await article.locator('html, head, body').count(), 0);
    assert.equal(await page.locator('html').count(), 1);

    const versions = page.locator('[data-versions] a[data-version]');
    const vs = await versions.evaluateAll((as) => as.map((a) => [a.dataset.version,
        a.getAttribute('href')]));
    vs.sort((a, b) => Number(a[0]) - Number(b[0]));
    assert.deepEqual(vs, [['1', `/plans/${twoVersionPlan}?version=1`],
        ['2', `/plans/${twoVersionPlan}?version=2`]]);
    assert.equal(await page.locator('a[data-diff]').getAttribute('href'),
        `/plans/${twoVersionPlan}/diff?from=1&to=2`);
    assert.equal(await page.locator('a[data-print]').getAttribute('href'),
        `/plans/${twoVersionPlan}/print`);
    await shoot(page, 'plan');

    // The older version does not have the added lines.
    await Promise.all([page.waitForURL(`**/plans/${twoVersionPlan}?version=1`),
        page.locator('[data-versions] a[data-version="1"]').click()]);
    const older = await page.locator('article.plan').textContent();
    assert.ok(older.includes(planTitle));
    for (const t of diffAdded) assert.ok(!older.includes(t), `version 1 shows '${t}'`);
    assert.ok(older.includes(diffRemoved), `version 1 lacks '${diffRemoved}'`);

    // The diff marks the added and the removed lines.
    await page.goto(`${base}/plans/${twoVersionPlan}`);
    await Promise.all([page.waitForURL('**/diff?from=1&to=2'),
        page.locator('a[data-diff]').click()]);
    const diff = page.locator('table.diff');
    await assertVisible(diff);
    const added = (await diff.locator('tr.add').allTextContents()).join('\n');
    const removed = (await diff.locator('tr.del').allTextContents()).join('\n');
    for (const t of diffAdded) assert.ok(added.includes(t), `no added row holds '${t}'`);
    assert.ok(removed.includes(diffRemoved), `no removed row holds '${diffRemoved}'`);
    for (const t of diffAdded) assert.ok(!removed.includes(t), `a removed row holds '${t}'`);
    const same = await diff.locator('tr.same').count();
    assert.ok(same > 0, 'the diff shows no unchanged context line');
    await shoot(page, 'diff');

    // The print view is a standalone document with the plan.
    const resp = await page.goto(`${base}/plans/${twoVersionPlan}/print`);
    assert.equal(resp.status(), 200);
    assert.match(resp.headers()['content-type'] || '', /^text\/html/);
    assert.ok((await page.locator('body').textContent()).includes(planTitle));
    assert.equal(await page.locator('form#logout').count(), 0, 'the print view has the app frame');
    await page.screenshot({ path: path.join(shots, 'print-1366x768.png') });
    await done(page);
});

test('switching the language to English and back', async () => {
    const page = await newPage();
    await login(page, admin);
    const langForm = page.locator('header form#lang');
    assert.equal(await langForm.getAttribute('action'), '/lang');
    await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/lang'),
        langForm.locator('button[name=lang][value=en]').click()]);
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal((await page.locator('h1').first().textContent()).trim(), 'Dashboard');
    const todayText = (await page.locator('[data-today]').textContent()).trim();
    assertHasToday(todayText);
    assert.ok(todayText.includes(kindLabels.en),
        `[data-today] '${todayText}' does not say '${kindLabels.en}'`);
    assert.equal((await page.locator('button[name=lang][value=en]').textContent()).trim(),
        'English');
    await shoot(page, 'dashboard-en');

    // The choice belongs to the user: a new session starts in English.
    const again = await newPage();
    await login(again, admin);
    assert.equal(await again.locator('html').getAttribute('lang'), 'en');
    assert.equal((await again.locator('h1').first().textContent()).trim(), 'Dashboard');
    await done(again);

    await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/lang'),
        page.locator('header form#lang button[name=lang][value=zh]').click()]);
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    assert.equal((await page.locator('h1').first().textContent()).trim(), '工作台');
    assert.equal((await page.locator('button[name=lang][value=zh]').textContent()).trim(),
        '中文');
    await done(page);
});

test('logging out goes back to the login page', async () => {
    const page = await newPage();
    await login(page, admin);
    await Promise.all([page.waitForURL('**/login**'),
        page.locator('header form#logout button[type=submit]').click()]);
    assert.equal(new URL(page.url()).pathname, '/login');
    await assertVisible(page.locator('form#login'));
    // The session is gone: the dashboard sends to the login page again.
    await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, '/login');
    await done(page);
});

test('a reporter is refused the admin pages', async () => {
    const page = await newPage();
    await login(page, reporter);
    assert.equal(pathOf(page), '/');
    assert.equal(await page.locator('header nav a[data-nav=users]').count(), 0,
        'a reporter sees the users link');
    assert.ok((await page.locator('header [data-user]').textContent()).includes(reporter.name));
    await shoot(page, 'dashboard-reporter');
    const resp = await page.goto(`${base}/admin/users`);
    assert.equal(resp.status(), 403);
    const err = page.locator('[data-error="403"]');
    await assertVisible(err);
    assert.ok((await err.textContent()).includes('没有权限'));
    assert.equal(await page.locator('table[data-users]').count(), 0);
    await shoot(page, 'forbidden');
    await done(page);
});
