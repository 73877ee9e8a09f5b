// Drives one page in Debian's Chromium with playwright-core. Arguments: page URL, burst size.
// stdout: one JSON line per step ({"event":"signedIn",...} then {"event":"burst",...}); between the two it waits
// for the line "expired" on stdin (the test expires the tokens on the server meanwhile). Diagnostics on stderr.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const [pageUrl, burst] = process.argv.slice(2);
const stdin = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const say = (event, report) => process.stdout.write(JSON.stringify({ event, ...report }) + '\n');
// Browser messages quote URLs: a refresh token in a path (code-50014) or a query (code-401) is never logged.
const redact = (text) => String(text).replace(/(refreshJwt\/)[^\s'"?#]+/g, '$1<redacted>')
  .replace(/(refresh_?token=)[^\s&'"#]+/gi, '$1<redacted>');
const log = (line) => process.stderr.write(redact(line) + '\n');

const profile = mkdtempSync(join(tmpdir(), 'silent-refresh-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: 30000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('console', (m) => log(`[page ${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log(`[page error] ${e}`));
  page.on('requestfailed', (r) => log(`[request failed] ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  await page.goto(pageUrl);
  say('signedIn', await page.evaluate(() => window.frontEnd.signInAndCall()));
  const next = await stdin.next();
  if (next.value !== 'expired') throw new Error(`expected "expired" on stdin, got ${next.value}`);
  say('burst', await page.evaluate((n) => window.frontEnd.burst(n), Number(burst)));
} finally {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(0);
