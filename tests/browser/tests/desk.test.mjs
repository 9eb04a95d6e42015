// SPDX-License-Identifier: MIT
//
// End-to-end scenarios of the desk's daily work in headless Chromium, each a
// real user's path through the pages of docs/internals/web.md, asserting
// what the user sees: the duty roster and the "on duty now" card, a nil
// check-in from a phone and the board and card that count it, a case
// registered and accepted by an officer and a complaint submitted and looked
// up by the public, the hazard, resource and contact registers, and the
// English catalogue. tests/browser/run.sh prepares the data: an officer, a
// reporter of class c7-2, the plan e2e-school (the school plan with its class
// check-in due at 00:00 and 23:59 every day; c7-2's 00:00 report made in the
// setup), the school's roster published for February 2026 and this month,
// the case key file and one case with a phone, and a resource below its
// minimum. Script errors and CSP violations fail the test that saw them.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    assertVisible, base, desktop, done, launch, login, need, newPage, pathOf, phone,
    shoot, shutdown, submit, text,
} from './lib.mjs';

const officer = { name: need('MUSTER_OFFICER_USER'), pass: need('MUSTER_OFFICER_PASS') };
const reporter = {
    name: need('MUSTER_PHONE_USER'),
    pass: need('MUSTER_PHONE_PASS'),
    unit: need('MUSTER_PHONE_UNIT'),
};
const schedule = need('MUSTER_CHECKIN_SCHEDULE'); // PLAN/CHECKIN, due 00:00 and 23:59
const caseCode = need('MUSTER_CASE_CODE'); // a case registered in the setup
const caseLast4 = need('MUSTER_CASE_LAST4'); // its phone's last four digits
const lowResource = need('MUSTER_LOW_RESOURCE'); // quantity 2, minimum 10
const today = need('MUSTER_TODAY'); // YYYY-MM-DD in Asia/Shanghai

before(launch);
after(shutdown);

function addDays(day, n) {
    const d = new Date(`${day}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
}

// Shanghai wall-clock minutes since midnight now.
function shanghaiMinutes() {
    const d = new Date(Date.now() + 8 * 3600 * 1000);
    return d.getUTCHours() * 60 + d.getUTCMinutes();
}

// The counts of the check-in card of the dashboard the page is on.
async function cardCounts(page) {
    const li = page.locator(`section[data-card="checkins"] li[data-schedule="${schedule}"]`);
    await assertVisible(li);
    const out = {};
    for (const k of ['on_time', 'late', 'missing', 'not_due']) {
        const m = /(\d+)/.exec(await text(li.locator(`[data-count="${k}"]`)));
        assert.ok(m, `the check-in card has no number for ${k}`);
        out[k] = Number(m[1]);
    }
    return out;
}

function isReddish(rgb) {
    const m = /rgba?\((\d+), (\d+), (\d+)/.exec(rgb);
    assert.ok(m, `unexpected colour '${rgb}'`);
    const [r, g, b] = m.slice(1).map(Number);
    return r > g + 20 && r > b + 20;
}

test('an officer reads the duty roster and sees who is on duty now', async () => {
    const page = await newPage();
    await login(page, officer);
    assert.equal(pathOf(page), '/');

    // The dashboard's card names the two people of the 24-hour shift on now.
    const card = page.locator('section[data-card="duty"][data-live="duty"]');
    await assertVisible(card);
    const duty = card.locator('li[data-duty]');
    assert.equal(await duty.count(), 2, 'the duty card does not list a leader and a staff member');
    const onDuty = [];
    for (const li of await duty.all()) {
        const role = await text(li.locator('span.role'));
        const name = await text(li.locator('bdi'));
        assert.ok(['带班领导', '值班人员'].includes(role), `unexpected duty role '${role}'`);
        assert.ok(name.length > 0, 'a person on duty has no name');
        const tel = await li.locator('a.phone').getAttribute('href');
        assert.match(tel, /^tel:[0-9-]+$/);
        onDuty.push(name);
    }
    assert.equal(await card.locator('p.empty').count(), 0);
    await shoot(page, 'dashboard-officer');

    // This month: today is marked, and today's (or, before 08:00,
    // yesterday's) cell holds the same people.
    await Promise.all([page.waitForURL('**/roster'),
        page.locator('header nav a[data-nav=roster]').click()]);
    assert.equal(await text(page.locator('h1')),
        `值班表 · ${Number(today.slice(0, 4))}年${Number(today.slice(5, 7))}月`);
    const month = page.locator('table.roster-month');
    await assertVisible(month);
    const todayCell = month.locator(`td[data-day="${today}"]`);
    assert.match(await todayCell.getAttribute('class'), /\bis-today\b/);
    const shifts = todayCell.locator('li.shift');
    assert.equal(await shifts.count(), 2, 'today has no published leader and staff shift');
    for (const li of await shifts.all()) {
        assert.ok((await text(li.locator('bdi'))).length > 0, 'a shift shows no name');
        assert.ok(['带班领导', '值班人员'].includes(await text(li.locator('span.role'))));
        assert.match(await li.getAttribute('class'), /^shift\b/);
        assert.doesNotMatch(await li.getAttribute('class'), /\bis-draft\b/);
    }
    const startDay = shanghaiMinutes() < 8 * 60 ? addDays(today, -1) : today;
    if (startDay.slice(0, 7) === today.slice(0, 7)) {
        const names = await month.locator(`td[data-day="${startDay}"] li.shift bdi`)
            .allTextContents();
        for (const n of onDuty)
            assert.ok(names.map((s) => s.trim()).includes(n),
                `${n} is on duty now but not in the roster of ${startDay}`);
    }
    await shoot(page, 'roster');

    // February 2026: the Spring Festival and its make-up working days.
    await page.goto(`${base}/roster?month=2026-02`);
    const feb = page.locator('table.roster-month');
    assert.equal(await feb.locator('td[data-day]').count(), 28);
    const holiday = feb.locator('td[data-day="2026-02-17"]');
    assert.match(await holiday.getAttribute('class'), /\bday-holiday\b/);
    assert.equal(await text(holiday.locator('span.day-mark.mark-holiday')), '节假日：春节');
    for (const d of ['2026-02-14', '2026-02-28']) {
        const cell = feb.locator(`td[data-day="${d}"]`);
        assert.match(await cell.getAttribute('class'), /\bday-adjusted\b/, `${d} is not a make-up day`);
        assert.equal(await text(cell.locator('span.day-mark.mark-adjusted')), '调休上班');
    }
    assert.match(await feb.locator('td[data-day="2026-02-10"]').getAttribute('class'),
        /\bday-workday\b/);
    assert.equal(await feb.locator('td[data-day="2026-02-10"] .day-mark').count(), 0);
    // Every day of the published month has its two shifts, holidays too.
    assert.equal(await feb.locator('li.shift').count(), 56);
    assert.equal(await feb.locator('li.shift.is-draft').count(), 0);
    assert.equal(await page.locator('a[data-month=prev]').getAttribute('href'), '/roster?month=2026-01');
    assert.equal(await page.locator('a[data-month=next]').getAttribute('href'), '/roster?month=2026-03');
    assert.equal(await text(page.locator('h1')), '值班表 · 2026年2月');
    // On a phone the grid is a list of days: no weekday header row, each day
    // with its short weekday, and short words ("调整", the holiday mark) on
    // one line each.
    await page.setViewportSize(phone);
    assert.equal(await feb.locator('thead').isVisible(), false);
    const sat = feb.locator('td[data-day="2026-02-14"]');
    assert.equal(await text(sat.locator('span.wd')), '周六');
    await assertVisible(sat.locator('span.wd'));
    for (const el of [holiday.locator('span.day-mark'), holiday.locator('a.shift-edit').first()]) {
        const lh = parseFloat(await el.evaluate((e) => getComputedStyle(e).lineHeight));
        const box = await el.boundingBox();
        assert.ok(box && box.height < 1.5 * lh, `'${await text(el)}' wraps on a phone`);
    }
    await page.setViewportSize(desktop);
    await shoot(page, 'roster-2026-02');
    await done(page);
});

test('a reporter sends a nil report from a phone and the board counts it', async (t) => {
    const minutes = shanghaiMinutes();
    if (minutes < 11 || minutes >= 23 * 60 + 59) {
        // 00:00 is not missed yet, or 23:59 has passed: the report would be late.
        t.skip('too close to midnight in Shanghai for the 00:00 and 23:59 slots');
        return;
    }
    const page = await newPage(phone);
    await login(page, reporter);
    const before = await cardCounts(page);
    // Only their own unit counts for a reporter: its 00:00 report (setup).
    assert.deepEqual(before, { on_time: 1, late: 0, missing: 0, not_due: 1 });

    await page.goto(`${base}/checkin?schedule=${encodeURIComponent(schedule)}`);
    const form = page.locator('form#checkin');
    assert.equal(await form.getAttribute('action'), '/checkin');
    assert.equal(await form.locator('input[name=schedule]').inputValue(), schedule);
    assert.equal(await form.locator('p.checkin-unit').getAttribute('data-unit'), reporter.unit);
    // The schedule is named once: in the picker when there are several, else as text.
    assert.equal(await page.locator('p.checkin-schedule').count() +
        await page.locator('form.checkin-pick select[name=schedule]').count(), 1);
    const nil = form.locator('button[name=nil]');
    assert.equal(await text(nil), '无异常（零报告）');
    // One tap: the button is on the first screen of the phone.
    const box = await nil.boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= phone.height && box.height >= 40,
        `the nil button is not a big button on the first screen: ${JSON.stringify(box)}`);
    await shoot(page, 'checkin-phone', [phone]);

    const resp = await submit(page, nil);
    assert.equal(resp.status(), 303);
    const u = new URL(page.url());
    assert.equal(u.pathname, '/checkin');
    assert.equal(u.searchParams.get('ok'), `${today}T23:59`);
    assert.equal(u.searchParams.get('late'), '0');
    const flash = page.locator('p.flash.flash-ok');
    await assertVisible(flash);
    assert.equal(await text(flash), `已提交 ${today} 23:59 的报告（按时）`);
    await shoot(page, 'checkin-done-phone', [phone]);

    await page.goto(`${base}/`);
    assert.deepEqual(await cardCounts(page),
        { on_time: 2, late: 0, missing: 0, not_due: 0 }, 'the card does not count the report');
    await shoot(page, 'dashboard-reporter-phone', [phone]);
    await done(page);

    // The officer's board: c7-2 on time twice, every other unit missed 00:00
    // (in red, with the reporter and a phone to call) and is not due at 23:59.
    const office = await newPage();
    await login(office, officer);
    const counts = await cardCounts(office);
    assert.deepEqual(counts, { on_time: 2, late: 0, missing: 11, not_due: 11 });
    await office.goto(`${base}/checkins/board?schedule=${encodeURIComponent(schedule)}&date=${today}`);
    const board = office.locator('[data-live="board"] table.board');
    assert.equal(await board.getAttribute('data-schedule'), schedule);
    assert.equal(await board.getAttribute('data-date'), today);
    assert.deepEqual((await board.locator('thead th').allTextContents()).slice(1), ['00:00', '23:59']);
    assert.equal(await board.locator('tbody tr[data-unit]').count(), 12);
    const mine = board.locator(`tr[data-unit="${reporter.unit}"]`);
    assert.deepEqual(await mine.locator('td').evaluateAll((tds) => tds.map((t) => t.dataset.status)),
        ['on_time', 'on_time']);
    assert.equal(await mine.locator('td.on_time .badge').count(), 2, 'the nil reports are not marked');
    assert.equal(await mine.locator('a.phone').count(), 0);
    const other = board.locator('tr[data-unit="c7-1"]');
    const missed = other.locator('td.missing[data-status="missing"]');
    assert.equal(await missed.count(), 1);
    assert.equal(await text(missed.locator('span.who bdi')), '李娜');
    assert.equal(await missed.locator('a.phone').getAttribute('href'), 'tel:138-0000-0131');
    assert.ok(isReddish(await missed.evaluate((td) => getComputedStyle(td).color)),
        'a missing cell is not red');
    assert.equal(await other.locator('td[data-status="not_due"]').count(), 1);
    assert.equal(await board.locator('td.missing').count(), 11);
    await shoot(office, 'checkin-board');
    await office.setViewportSize(phone);
    await shoot(office, 'checkin-board-phone', [phone]);
    await done(office);
});

test('an officer registers and accepts a case; the public submits and looks one up', async () => {
    const page = await newPage();
    await login(page, officer);
    await Promise.all([page.waitForURL('**/cases'),
        page.locator('header nav a[data-nav=cases]').click()]);
    assert.equal(await text(page.locator('h1')), '信访事项');
    // The case of the setup is in the ledger, its identity is not.
    const ledger = page.locator('table[data-cases]');
    assert.ok((await text(ledger)).includes('学府路路灯损坏'));
    assert.ok(!(await page.content()).includes(caseLast4), 'the ledger shows a phone');

    const subject = '七年级教学楼二楼消防通道堆放杂物';
    const phoneNo = '13900007315';
    const form = page.locator('form#case-register');
    await form.locator('input[name=subject]').fill(subject);
    await form.locator('select[name=channel]').selectOption('letter');
    await form.locator('input[name=received]').fill(today);
    await form.locator('textarea[name=description]').fill('家长来信反映，请尽快清理。');
    await form.locator('input[name=units]').fill('general-affairs');
    await form.locator('input[name=phone]').fill(phoneNo);
    await shoot(page, 'cases');
    const resp = await submit(page, form.locator('button[type=submit]'));
    assert.equal(resp.status(), 303);
    const m = /^\/cases\/(\d+)$/.exec(new URL(page.url()).pathname);
    assert.ok(m, `registering did not open the case: ${page.url()}`);
    const state = page.locator('h1 span.state');
    assert.equal(await state.getAttribute('data-state'), 'registered');
    assert.equal(await text(state), '待受理');
    const code = await text(page.locator('code[data-tracking-code]'));
    assert.match(code, /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    assert.ok((await text(page.locator('table[data-case]'))).includes(subject));
    assert.ok(!(await page.content()).includes(phoneNo), 'the case page shows the phone');
    assert.equal(await page.locator('[data-deadlines] tr[data-deadline="accept"]').count(), 1);

    // Accept it.
    const step = page.locator('form#case-step');
    await step.locator('select[name=action]').selectOption('accept');
    assert.equal(await step.locator('input[name=on]').inputValue(), today);
    const r2 = await submit(page, step.locator('button[type=submit]'));
    assert.equal(r2.status(), 303);
    assert.equal(new URL(page.url()).pathname, `/cases/${m[1]}`);
    assert.equal(await page.locator('h1 span.state').getAttribute('data-state'), 'accepted');
    assert.equal(await text(page.locator('h1 span.state')), '办理中');
    assert.equal(await page.locator('ol[data-actions] li[data-action="accept"]').count(), 1);
    assert.equal(await page.locator('[data-deadlines] tr[data-deadline="handle"]').count(), 1);
    await shoot(page, 'case');
    await done(page);

    // The public page, logged out: submit with the sum, get a receipt.
    const pub = await newPage(phone);
    const r3 = await pub.goto(`${base}/complaint`);
    assert.equal(r3.status(), 200);
    assert.equal(new URL(pub.url()).pathname, '/complaint');
    assert.equal(await pub.locator('form#logout').count(), 0);
    assert.equal(await text(pub.locator('h1')), '网上信访');
    const cf = pub.locator('form#complaint');
    await cf.locator('input[name=subject]').fill('校门口上下学时段交通拥堵');
    await cf.locator('textarea[name=description]').fill('建议增派人员疏导。');
    await cf.locator('input[name=phone]').fill('13700002468');
    const q = /(\d+)\s*\+\s*(\d+)\s*=/.exec(await text(cf.locator('label[for=pc-answer]')));
    assert.ok(q, 'the challenge shows no sum');
    await cf.locator('input[name=answer]').fill(String(Number(q[1]) + Number(q[2])));
    await shoot(pub, 'complaint-phone', [phone]);
    const r4 = await submit(pub, cf.locator('button[type=submit]'));
    assert.equal(r4.status(), 201);
    const receipt = pub.locator('[data-receipt]');
    await assertVisible(receipt);
    assert.match(await text(receipt.locator('[data-tracking-code]')),
        /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    assert.match(await text(receipt.locator('[data-deadline="accept"]')), /^\d{4}-\d{2}-\d{2}$/);
    await shoot(pub, 'complaint-receipt-phone', [phone]);

    // Look up the setup's case (code typed in lower case, no dashes) and the
    // officer's, now accepted.
    async function lookup(codeTyped, last4) {
        const sf = pub.locator('form#complaint-status');
        await sf.locator('input[name=tracking_code]').fill(codeTyped);
        await sf.locator('input[name=phone_last4]').fill(last4);
        return submit(pub, sf.locator('button[type=submit]'));
    }
    let r = await lookup(caseCode.replace(/-/g, '').toLowerCase(), caseLast4);
    assert.equal(r.status(), 200);
    let st = pub.locator('[data-status] strong[data-state]');
    assert.equal(await st.getAttribute('data-state'), 'registered');
    assert.equal(await text(st), '待受理');
    assert.ok((await text(pub.locator('[data-status]'))).includes('学府路路灯损坏'));
    await shoot(pub, 'complaint-status-phone', [phone]);

    r = await lookup(code, phoneNo.slice(-4));
    assert.equal(r.status(), 200);
    st = pub.locator('[data-status] strong[data-state]');
    assert.equal(await st.getAttribute('data-state'), 'accepted');
    assert.equal(await text(st), '办理中');

    // Wrong digits: the same answer as an unknown code.
    r = await lookup(code, phoneNo.slice(-4) === '0000' ? '1111' : '0000');
    assert.equal(r.status(), 404);
    assert.equal(await text(pub.locator('p.flash.flash-error')), '查询码或电话后四位不正确');
    assert.equal(await pub.locator('[data-status]').count(), 0);
    await done(pub);
});

test('an officer keeps the registers: a hazard, a low stock alert, the contact sheet', async () => {
    const page = await newPage();
    await login(page, officer);
    await page.goto(`${base}/hazards`);
    assert.equal(await text(page.locator('h1')), '隐患排查整改');
    const place = '实验楼三楼化学实验室';
    const form = page.locator('form#hazard-add');
    assert.equal(await form.getAttribute('action'), '/hazards');
    await form.locator('select[name=plan]').selectOption('qingshan-no3-school');
    await form.locator('input[name=place]').fill(place);
    await form.locator('textarea[name=description]').fill('通风橱排风机异响，需检修。');
    await form.locator('select[name=severity]').selectOption('high');
    await form.locator('input[name=unit]').fill('general-affairs');
    await form.locator('input[name=owner]').fill('sun-wei');
    await form.locator('input[name=due]').fill(addDays(today, 7));
    const resp = await submit(page, form.locator('button[type=submit]'));
    assert.equal(resp.status(), 303);
    // The new hazard's page, with the confirmation.
    const u = new URL(page.url());
    const hm = /^\/hazards\/(\d+)$/.exec(u.pathname);
    assert.ok(hm, `adding a hazard did not open it: ${page.url()}`);
    assert.equal(u.searchParams.get('ok'), 'added');
    assert.equal(await text(page.locator('p.flash.flash-ok')), '已登记隐患');
    const art = page.locator(`article[data-hazard="${hm[1]}"]`);
    assert.equal(await art.getAttribute('data-state'), 'open');
    assert.ok((await text(page.locator('main'))).includes(place), 'the hazard page does not show its place');
    assert.equal(await page.locator('ol[data-history] li[data-event="add"]').count(), 1);
    await shoot(page, 'hazard');

    // And in the list.
    await Promise.all([page.waitForURL('**/hazards'), page.locator('p.crumb a[href="/hazards"]').click()]);
    const row = page.locator(`table[data-hazards] tr[data-hazard-id="${hm[1]}"]`);
    assert.equal(await row.count(), 1, 'the new hazard is not in the list');
    assert.ok((await text(row)).includes(place));
    assert.equal(await row.getAttribute('data-state'), 'open');
    assert.ok((await text(row)).includes(addDays(today, 7)));
    assert.equal(await row.locator('.sev-high').count(), 1);
    await shoot(page, 'hazards');

    // The resource under its minimum is an alert.
    await page.goto(`${base}/resources`);
    assert.equal(await text(page.locator('h1')), '应急物资装备台账');
    const res = page.locator('table[data-resources] tr[data-resource-id]', { hasText: lowResource });
    assert.equal(await res.count(), 1);
    assert.match(await res.getAttribute('class'), /\bhas-alert\b/);
    assert.ok((await res.getAttribute('data-alerts')).split(' ').includes('low-stock'));
    await assertVisible(res.locator('span[data-alert="low-stock"]'));
    await page.goto(`${base}/resources?alerts=1`);
    assert.equal(await page.locator('table[data-resources] tr[data-resource-id]', { hasText: lowResource })
        .count(), 1);
    await shoot(page, 'resources');

    // The printable contact sheet.
    await page.goto(`${base}/contacts`);
    assert.equal(await text(page.locator('h1')), '应急通讯录');
    assert.ok(await page.locator('ul[data-national] li[data-phone]').count() > 0);
    await shoot(page, 'contacts');
    const [sheet] = await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === '/contacts/sheet'),
        page.locator('a[data-sheet]').click(),
    ]);
    await page.waitForLoadState();
    assert.equal(sheet.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/contacts/sheet');
    assert.match(sheet.headers()['content-type'] || '', /^text\/html/);
    const body = await text(page.locator('body'));
    assert.ok(body.includes('110') && body.includes('119') && body.includes('120'),
        'the sheet lacks the national numbers');
    const sheetCss = await page.evaluate(() =>
        [...document.styleSheets].some((s) => (s.href || '').endsWith('/static/contact-sheet.css') &&
            s.cssRules.length > 0));
    assert.ok(sheetCss, 'the sheet does not use /static/contact-sheet.css');
    await page.screenshot({ path: `${need('MUSTER_SCREENSHOTS')}/contact-sheet-1366x768.png`,
        fullPage: true });
    await done(page);
});

test('an officer switches a register page to English and back', async () => {
    const page = await newPage();
    await login(page, officer);
    await page.goto(`${base}/hazards`);
    assert.equal(await text(page.locator('h1')), '隐患排查整改');
    await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/lang'),
        page.locator('header form#lang button[name=lang][value=en]').click()]);
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.equal(new URL(page.url()).pathname, '/hazards', 'the switch left the page');
    assert.equal(await text(page.locator('h1')), 'Hazards');
    assert.equal(await text(page.locator('header nav a[data-nav=roster]')), 'Duty roster');
    await shoot(page, 'hazards-en');
    await page.goto(`${base}/roster?month=2026-02`);
    assert.equal(await text(page.locator('h1')), 'Duty roster · February 2026');
    assert.equal(await text(page.locator('td[data-day="2026-02-14"] span.day-mark')),
        'Make-up working day');

    await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/lang'),
        page.locator('header form#lang button[name=lang][value=zh]').click()]);
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    assert.equal(await text(page.locator('h1')), '值班表 · 2026年2月');
    await done(page);
});

