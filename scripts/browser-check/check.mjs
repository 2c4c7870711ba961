// Headless-browser check of a podconform HTML report (OUT/report.html).
//
//   node check.mjs REPORT.html SCREENSHOT.png
//
// Opens the report through its file:// URL in Debian's chromium (1280x900)
// and fails if the page logs an error, throws, makes any request other than
// to itself or a data: URL (the report is self-contained), has no <h1>, or
// has no visible timeline SVG of at least 200x50 px. Writes a screenshot and
// prints a one-line JSON result on stdout; each failure goes to stderr.
// Exit 0: pass, 1: failure or timeout, 2: usage.
//
// Environment: CHECK_SVG_SELECTOR (default svg.timeline), CHECK_TIMEOUT_S
// (default 120), CHROMIUM (default /usr/bin/chromium).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [reportPath, shotPath] = process.argv.slice(2);
if (!reportPath || !shotPath) {
  console.error('usage: node check.mjs REPORT.html SCREENSHOT.png');
  process.exit(2);
}
const svgSelector = process.env.CHECK_SVG_SELECTOR || 'svg.timeline';
const timeoutS = Number(process.env.CHECK_TIMEOUT_S || 120);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const fullPageMaxHeight = 20000;

const failures = [];
const warnings = [];
let browser;

async function check() {
  if (!existsSync(reportPath)) {
    failures.push(`report not found: ${reportPath}`);
    return {};
  }
  const selfURL = pathToFileURL(resolve(reportPath)).href;
  const allowed = (url) => url.split('#')[0] === selfURL || url.startsWith('data:');
  const badURLs = new Set(); // requests already reported, so their console noise is not

  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (msg) => {
    const where = msg.location()?.url || '';
    if (msg.type() === 'error' || msg.type() === 'assert') {
      if (badURLs.has(where) && /^Failed to load resource/.test(msg.text())) return;
      failures.push(`console ${msg.type()}: ${msg.text()}${where ? ` (${where})` : ''}`);
    } else if (msg.type() === 'warning') {
      warnings.push(`console warning: ${msg.text()}`);
    }
  });
  page.on('pageerror', (err) => failures.push(`uncaught exception: ${err.message}`));
  page.on('crash', () => failures.push('page crashed'));
  page.on('request', (req) => {
    if (allowed(req.url())) return;
    badURLs.add(req.url());
    failures.push(`request to ${req.url()} (a self-contained report makes none)`);
  });
  page.on('requestfailed', (req) => {
    if (badURLs.has(req.url())) return;
    badURLs.add(req.url());
    failures.push(`request failed: ${req.url()}: ${req.failure()?.errorText}`);
  });
  // Nothing leaves the machine: external requests are aborted (and counted above).
  await page.route('**/*', (route) => (allowed(route.request().url()) ? route.continue() : route.abort()));

  await page.goto(selfURL, { waitUntil: 'load', timeout: timeoutS * 1000 });
  await page.waitForTimeout(300); // let late errors from load handlers arrive

  const stats = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const w = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
    let nodes = 0;
    while (w.nextNode()) nodes++;
    return {
      load_ms: nav ? Math.round(nav.loadEventStart) : null,
      dom_nodes: nodes,
      dom_elements: document.getElementsByTagName('*').length,
      h1: document.querySelectorAll('h1').length,
    };
  });
  if (stats.h1 === 0) failures.push('no <h1>');

  // Open every <details> so that timelines inside closed ones can be seen.
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  const svgs = page.locator(svgSelector);
  const svgCount = await svgs.count();
  let svgBox = null;
  if (svgCount === 0) {
    failures.push(`no element matches ${svgSelector}`);
  } else {
    const first = svgs.first();
    await first.scrollIntoViewIfNeeded({ timeout: 5000 }).catch(() => {});
    svgBox = await first.boundingBox();
    if (!(await first.isVisible())) failures.push(`first ${svgSelector} is not visible`);
    if (!svgBox || svgBox.width < 200 || svgBox.height < 50) {
      const size = svgBox ? `${Math.round(svgBox.width)}x${Math.round(svgBox.height)} px` : 'not laid out';
      failures.push(`first ${svgSelector} is ${size}, want at least 200x50 px`);
    }
  }

  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const fullPage = height < fullPageMaxHeight;
  await page.screenshot({ path: shotPath, fullPage });
  const box = svgBox && { width: Math.round(svgBox.width), height: Math.round(svgBox.height) };
  return { ...stats, svg_count: svgCount, svg_box: box, page_height: height, full_page: fullPage };
}

let result = {};
let timer;
const timeout = new Promise((_, reject) => {
  timer = setTimeout(() => reject(new Error(`timed out after ${timeoutS} s (CHECK_TIMEOUT_S) checking ${reportPath}`)), timeoutS * 1000);
});
try {
  result = await Promise.race([check(), timeout]);
} catch (err) {
  failures.push(err.message.split('\n')[0]);
} finally {
  clearTimeout(timer);
  const closed = browser?.close().catch(() => {});
  await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
}
for (const w of warnings) console.error(`browser-check: note: ${w}`);
for (const f of failures) console.error(`browser-check: FAIL: ${f}`);
console.log(JSON.stringify({ ok: failures.length === 0, report: reportPath, screenshot: shotPath, ...result, failures: failures.length }));
process.exit(failures.length === 0 ? 0 : 1);
