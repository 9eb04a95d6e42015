// SPDX-License-Identifier: MIT
//
// What the browser test files share: the environment that
// tests/browser/run.sh sets, launching Debian's Chromium, a page in a fresh
// context that records script errors and CSP violations (done() fails the
// test when there were any), logging in, and screenshots at the office and
// phone sizes with a note of pages wider than their window. Not a test file
// itself (node --test runs only *.test.mjs). e2e.test.mjs keeps its own copy
// of these helpers.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export function need(name) {
    const v = process.env[name];
    if (!v) throw new Error(`environment variable ${name} is not set (run tests/browser/run.sh)`);
    return v;
}

export const base = need('MUSTER_URL').replace(/\/$/, '');
export const shots = need('MUSTER_SCREENSHOTS');
export const desktop = { width: 1366, height: 768 };
export const phone = { width: 390, height: 844 };

let browser;

export async function launch() {
    fs.mkdirSync(shots, { recursive: true });
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
    const pidFile = process.env.MUSTER_BROWSER_PID_FILE;
    if (pidFile && proc && proc.pid) fs.writeFileSync(pidFile, `${proc.pid}\n`);
}

// Closes the browser and adds this file's layout notes to layout.txt
// (e2e.test.mjs, which runs first, writes it anew).
export async function shutdown() {
    if (browser) await browser.close();
    if (layoutNotes.length) {
        fs.appendFileSync(path.join(shots, 'layout.txt'), layoutNotes.join('\n') + '\n');
        for (const n of layoutNotes) console.log(`# layout: ${n}`);
    }
}

// A page in a new context (its own cookies) of size @p viewport; its
// script errors and CSP violations are collected for done().
export async function newPage(viewport = desktop) {
    const context = await browser.newContext({ viewport, locale: 'zh-CN' });
    context.setDefaultTimeout(15000);
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
        // The browser's own note on a 4xx answer is expected in some tests;
        // everything else logged as an error (CSP included) is a bug.
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
            problems.push(`console error: ${m.text()}`);
    });
    page.problems = problems;
    return page;
}

export async function done(page) {
    const problems = page.problems;
    await page.context().close();
    assert.deepEqual(problems, [], 'the page logged errors');
}

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

// NAME-WxH.png (the window) and NAME-WxH-full.png (the whole page, when
// longer) at each of @p sizes; the page is left at the first size.
export async function shoot(page, name, sizes = [desktop, phone]) {
    for (const size of sizes) {
        await page.setViewportSize(size);
        await noteOverflow(page, name, size);
        const file = path.join(shots, `${name}-${size.width}x${size.height}`);
        await page.screenshot({ path: `${file}.png` });
        const tall = await page.evaluate(() =>
            document.documentElement.scrollHeight > window.innerHeight);
        if (tall) await page.screenshot({ path: `${file}-full.png`, fullPage: true });
    }
    await page.setViewportSize(sizes[0]);
}

export function pathOf(page) {
    const u = new URL(page.url());
    return u.pathname + u.search;
}

export async function login(page, user) {
    await page.goto(`${base}/login`);
    const form = page.locator('form#login');
    await form.locator('input[name=username]').fill(user.name);
    await form.locator('input[name=password]').fill(user.pass);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')),
        form.locator('button[type=submit]').click()]);
}

export async function assertVisible(loc) {
    assert.ok(await loc.first().isVisible(), `${loc} is not visible`);
}

// Clicks @p loc (a form's submit button), waits until the page it leads to
// has loaded and returns the answer to the POST (a 303, or the form again).
export async function submit(page, loc) {
    const [resp] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' &&
            r.request().resourceType() === 'document'),
        page.waitForEvent('load'),
        loc.click(),
    ]);
    const origin = (await resp.request().allHeaders()).origin;
    assert.ok(!(resp.status() === 403 && origin === 'null'),
        `${resp.url()}: the form post was refused (403) because Chromium sent 'Origin: null' ` +
        '(the server\'s Referrer-Policy: no-referrer makes it do so for form posts) and the ' +
        'server\'s origin check does not accept it');
    if (resp.status() === 403 || resp.status() >= 500)
        console.log(`# ${resp.request().method()} ${resp.url()} answered ${resp.status()}: ` +
            (await text(page.locator('main'))));
    return resp;
}

export async function text(loc) {
    return (await loc.first().textContent()).replace(/\s+/g, ' ').trim();
}
