// Shared by the browser test and the browser benchmark: start
// `vae-explorer serve` on a free port, start Debian's Chromium headless
// through playwright-core, open the page and wait for the app's first frame.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// The flags the machine needs: no sandbox as root, software WebGL, and no
// background connections (the network is closed).
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// serve starts `vae-explorer serve` and resolves to { url, stop }.
export function serve(bin, dir) {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ['serve', '--dir', dir, '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    const timer = setTimeout(() => reject(new Error('serve did not start in 30 s: ' + err)), 30000);
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/at (http:\/\/[^ ]+\/)/);
      if (m) { clearTimeout(timer); resolve({ url: m[1], log: () => out, stop: () => p.kill('SIGINT') }); }
    });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited (${code}): ${err}`)); });
  });
}

// launch starts headless Chromium with a fresh profile.
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'vae-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: FLAGS,
    viewport: { width: 1280, height: 800 }, acceptDownloads: true,
  });
  return { ctx, close: async () => { await ctx.close(); rmSync(profile, { recursive: true, force: true }); } };
}

// open loads the page in a new tab, collecting console errors, and waits
// for the app's first frame: the animation frame after the app's window is
// up (the page marks it "vae-first-frame"), timed from the start of the
// navigation. Resolves to { page, errors, firstFrameMs, marks (the page's
// performance marks: go-main, explorer-built, on-started, vae-first-frame),
// bytes }.
export async function open(ctx, url, { timeout = 60000 } = {}) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  let bytes = 0; // as sent: compressed bodies and headers
  page.on('requestfinished', async (r) => {
    const s = await r.sizes();
    bytes += s.responseBodySize + s.responseHeadersSize;
  });
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('vae-first-frame').length > 0, null, { timeout, polling: 100 });
  const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)])));
  return { page, errors, firstFrameMs: marks['vae-first-frame'], marks, bytes: () => bytes };
}

// Median of numbers.
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}
