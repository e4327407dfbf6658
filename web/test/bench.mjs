// Size and speed of the browser version in Debian's headless Chromium
// (make web-bench): the compressed download, the first drawn frame, drag
// latency from the browser's mouse event to the decoded image, and training
// images/s for the conv (default) and mlp architectures on the server's
// MNIST. Prints a table; nothing is asserted (the browser test checks that
// things work; these are figures).
//
// Environment: VAE_BIN, WEB_DIR (as for browser.test.mjs); OPENS (page
// opens timed, default 9), TRAIN_SECONDS (per architecture, default 60).
import { serve, launch, open, median } from './lib.mjs';

const bin = process.env.VAE_BIN, dir = process.env.WEB_DIR;
if (!bin || !dir) throw new Error('set VAE_BIN and WEB_DIR (make web-bench does)');
const opens = Number(process.env.OPENS || 9), trainSeconds = Number(process.env.TRAIN_SECONDS || 60);
const probe = (page) => page.evaluate(() => JSON.parse(window.vaeExplorerProbe()));
async function until(page, ok, timeout = 120000) {
  const t0 = Date.now();
  for (;;) {
    const s = await probe(page);
    if (ok(s)) return s;
    if (Date.now() - t0 > timeout) throw new Error('timed out; state ' + JSON.stringify(s));
    await page.waitForTimeout(100);
  }
}
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

const server = await serve(bin, dir);
try {
  // 1. Download size and first frame, each open in a fresh browser profile
  // (nothing cached).
  const frames = [], stages = { 'go-main': [], 'explorer-built': [], 'on-started': [] };
  let bytes = 0, paint = [];
  for (let i = 0; i < opens; i++) {
    const b = await launch();
    const o = await open(b.ctx, server.url);
    frames.push(o.firstFrameMs);
    for (const k in stages) stages[k].push(o.marks[k]);
    paint.push(await o.page.evaluate(() => Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN)));
    await o.page.waitForTimeout(1000);
    bytes = o.bytes();
    if (i < opens - 1) await b.close();
    else {
      // 2. Drag latency on the last one: 240 moves at 60 Hz across the
      // plane, timed from each mousemove event (the page's clock) to the
      // decoded image on the app's UI thread.
      const page = o.page;
      const st = await until(page, (s) => s.model !== '' && s.scatter > 0);
      await page.waitForTimeout(1000);
      const k = st.scale / await page.evaluate(() => devicePixelRatio);
      await page.evaluate(() => { window.__moves = []; addEventListener('mousemove', (e) => window.__moves.push(e.timeStamp), true); });
      const [x0, y0] = st.pointAt, side = st.plot[2];
      await page.mouse.move(x0 * k, y0 * k);
      await page.mouse.down();
      for (let j = 1; j <= 240; j++) {
        const a = j / 240 * 4 * Math.PI;
        await page.mouse.move((x0 + Math.sin(a) * side * 0.35) * k, (y0 - Math.sin(a / 2) * side * 0.35) * k);
        await page.waitForTimeout(16);
      }
      await page.mouse.up();
      await page.waitForTimeout(500);
      const { moves, decodes } = await page.evaluate(() => ({ moves: window.__moves, decodes: window.vaeExplorerDecodes() }));
      const fromEvent = [], inApp = [];
      for (const d of decodes) {
        const ev = moves.filter((t) => t <= d.asked + 0.5).pop();
        if (ev === undefined) continue;
        fromEvent.push(d.shown - ev);
        inApp.push(d.shown - d.asked);
      }
      console.log(`drag: ${moves.length} mouse events, ${fromEvent.length} decoded images shown`);
      console.log(`  event to image: median ${median(fromEvent).toFixed(1)} ms, p90 ${q(fromEvent, 0.9).toFixed(1)} ms (one 60 Hz frame: 16.7 ms)`);
      console.log(`  of which in the app (drag callback to image): median ${median(inApp).toFixed(1)} ms`);
      await b.close();
    }
  }
  console.log(`download: ${(bytes / 1e6).toFixed(2)} MB compressed (all responses of one open)`);
  console.log(`first frame of the app: median ${median(frames)} ms of ${opens} opens (${frames.join(', ')} ms)`);
  console.log(`  medians: Go's main ${median(stages['go-main'])} ms, window built ${median(stages['explorer-built'])} ms, shown ${median(stages['on-started'])} ms`);
  console.log(`  the page's first paint (its loading message with progress): median ${median(paint)} ms`);

  // 3. Training images/s, per architecture (the form remembered in the
  // page's preferences), on the server's MNIST.
  for (const arch of ['conv', 'mlp']) {
    const b = await launch();
    const page = await b.ctx.newPage();
    await page.goto(server.url + 'app.wasm.size'); // same origin, to set the preferences
    await page.evaluate((arch) => localStorage.setItem('fyne-preferences.json', JSON.stringify({
      'train.form': ['1', '2', arch === 'conv' ? '128' : '512', '128', '0.001', '1', '0', 'bce', '0', arch, 'false', '', 'from the data', 'resize'],
    })), arch);
    await page.close();
    const o = await open(b.ctx, server.url);
    await until(o.page, (s) => s.model !== '' && s.scatter > 0);
    await o.page.keyboard.press('Control+t');
    await until(o.page, (s) => s.state === 'running' && s.steps >= 1, 180000);
    await o.page.waitForTimeout(trainSeconds * 1000);
    const s = await probe(o.page);
    console.log(`training ${arch} in the browser: ${s.training}`);
    await b.close();
  }
} finally {
  server.stop();
}
