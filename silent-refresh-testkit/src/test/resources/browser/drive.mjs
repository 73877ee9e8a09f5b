// Drives pages in one headless Debian Chromium with playwright-core, a step per line on stdin:
//   open <page URL>   loads the page in a new tab, logs in and calls:   {"event":"signedIn",...}
//   burst <n>         in that tab, n calls at once (after the test expired the tokens): {"event":"burst",...}, tab closed
// One JSON line on stdout per step; browser diagnostics on stderr. Ends, closing the browser, at the end of stdin.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

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
    timeout: 60000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let page = null;
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, argument] = line.split(' ');
    if (command === 'open') {
      page = await context.newPage();
      page.on('console', (m) => log(`[page ${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => log(`[page error] ${e}`));
      page.on('requestfailed', (r) => log(`[request failed] ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
      await page.goto(argument);
      say('signedIn', await page.evaluate(() => window.frontEnd.signInAndCall()));
    } else if (command === 'burst') {
      say('burst', await page.evaluate((n) => window.frontEnd.burst(n), Number(argument)));
      await page.close();
    } else {
      throw new Error(`unknown command: ${command}`);
    }
  }
} finally {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
}
