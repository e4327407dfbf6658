// The browser version in a real browser (make test, make web-test): Debian's
// headless Chromium opens the page `vae-explorer serve` serves, waits for the
// app, drags the point across the latent plane and checks, from
// screenshots, that the decoded image changed and the point moved; downloads
// the model (Ctrl+S); trains on the server's MNIST until the loss plot has
// steps, then stops; finds no error in the browser's console; then opens
// the 8-D model in the UMAP view and drags through the layout, and drops an
// ONNX decoder on a fresh page and drags through it.
//
// Environment: VAE_BIN (the native vae-explorer, for `serve`), WEB_DIR
// (what make web built); SCREENSHOT=FILE.png saves the page after the drag
// and the images.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, open } from './lib.mjs';

const bin = process.env.VAE_BIN, dir = process.env.WEB_DIR;
if (!bin || !dir) throw new Error('set VAE_BIN and WEB_DIR (make web-test does)');

const probe = (page) => page.evaluate(() => JSON.parse(window.vaeExplorerProbe()));

// waitProbe polls the app's state until ok(state) holds.
async function waitProbe(page, what, ok, timeout = 60000) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < timeout) {
    last = await probe(page);
    if (ok(last)) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}; last state: ${JSON.stringify(last)}`);
}

// shot is a screenshot of a rectangle in the app's coordinates.
async function shot(page, st, [x, y, w, h]) {
  const k = st.scale / await page.evaluate(() => devicePixelRatio);
  return page.screenshot({ clip: { x: x * k, y: y * k, width: Math.max(1, w * k), height: Math.max(1, h * k) } });
}

// diff is the mean absolute difference of two same-sized PNGs (0-255),
// computed by the page's own image decoder.
async function diff(page, a, b) {
  return page.evaluate(async ([a, b]) => {
    const px = async (b64) => {
      const img = await createImageBitmap(await (await fetch('data:image/png;base64,' + b64)).blob());
      const c = new OffscreenCanvas(img.width, img.height).getContext('2d');
      c.drawImage(img, 0, 0);
      return c.getImageData(0, 0, img.width, img.height).data;
    };
    const [p, q] = [await px(a), await px(b)];
    if (p.length !== q.length) return 255;
    let s = 0;
    for (let i = 0; i < p.length; i++) if (i % 4 !== 3) s += Math.abs(p[i] - q[i]);
    return s / (p.length * 3 / 4);
  }, [a.toString('base64'), b.toString('base64')]);
}

// pickerAfter presses key and waits for the browser's file picker. The
// browser shows one only right after a user's key press or click; when the
// app was too busy to ask in time it says so in the status line, and the
// user (here: the test) asks again, once.
async function pickerAfter(page, key) {
  let said = '';
  for (let attempt = 1; ; attempt++) {
    try {
      const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 10000 }), page.keyboard.press(key)]);
      if (attempt > 1) console.log(`file picker: opened at the second ${key}; after the first the app said: ${said}`);
      return chooser;
    } catch (err) {
      said = (await probe(page)).status;
      if (attempt === 2) throw new Error(`no file picker after ${key}, twice; status: ${said}`);
    }
  }
}

// umapView opens the page on the bundled 8-D model (?model=bundled-8d)
// with the UMAP view chosen: the layout is drawn while it converges, the
// page keeps answering meanwhile, and a drag across the layout changes
// the decoded image.
async function umapView() {
  const p = await browser.ctx.newPage();
  await p.goto(server.url + 'app.wasm.size');
  await p.evaluate(() => localStorage.setItem('fyne-preferences.json', JSON.stringify({ 'view.projection': 'UMAP' })));
  await p.close();
  const { page, errors } = await open(browser.ctx, server.url + '?model=bundled-8d');
  const t0 = Date.now();
  let lag = 0, st;
  for (;;) {
    const a = Date.now();
    st = await probe(page);
    lag = Math.max(lag, Date.now() - a);
    if (/laid out/.test(st.status)) break;
    if (Date.now() - t0 > 120000) throw new Error(`no UMAP layout within 120 s; status: ${st.status}`);
    await page.waitForTimeout(200);
  }
  assert.match(st.model, /8-D/);
  assert.equal(st.point.length, 8);
  console.log(`UMAP in the page: ${st.scatter} codes laid out ${((Date.now() - t0) / 1000).toFixed(1)} s after the first frame; the page answered within ${lag} ms throughout`);
  const k = st.scale / await page.evaluate(() => devicePixelRatio);
  const [x, y, side] = st.plot;
  await page.waitForTimeout(300);
  const before = await shot(page, st, st.decoded);
  const z0 = st.point;
  await page.mouse.move((x + side * 0.3) * k, (y + side * 0.5) * k);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) {
    await page.mouse.move((x + side * (0.3 + 0.4 * i / 20)) * k, (y + side * (0.5 - 0.2 * i / 20)) * k);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  await page.mouse.move(2, 2);
  await page.waitForTimeout(500);
  const after = await probe(page);
  const dz = Math.hypot(...after.point.map((v, i) => v - z0[i]));
  const d = await diff(page, before, await shot(page, after, after.decoded));
  console.log(`UMAP drag: the 8-D code moved by ${dz.toFixed(2)}, the decoded image changed by ${d.toFixed(1)}`);
  assert.ok(dz > 0.3, `dragging through the layout moves the code (by ${dz.toFixed(2)})`);
  assert.ok(d > 5, `dragging through the layout changes the decoded image (${d.toFixed(1)})`);
  assert.deepEqual(errors, [], 'no errors in the browser console (UMAP view)');
  await page.close();
}

// onnxDrop opens a fresh page, drops an ONNX decoder on it (made by
// PyTorch, untrained: the test is that it runs in the page; its answers
// are checked against PyTorch in Go) and drags through it: a decoder
// alone opens as a generator.
async function onnxDrop() {
  const onnxDir = mkdtempSync(join(tmpdir(), 'vae-onnx-'));
  execFileSync('/usr/bin/python3', ['scripts/onnx_vae.py', '--data', '-', '--out', onnxDir, '--epochs', '0'], { stdio: 'ignore' });
  const { page, errors } = await open(browser.ctx, server.url);
  await waitProbe(page, 'the bundled model', (s) => s.model !== '' && s.scatter > 0);
  await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'decoder.onnx', { type: 'application/octet-stream' }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, readFileSync(join(onnxDir, 'decoder.onnx')).toString('base64'));
  const st = await waitProbe(page, 'the dropped ONNX decoder', (s) => /decoder\.onnx/.test(s.model) && s.point.length === 8, 30000);
  assert.match(st.status, /decoder alone/);
  const k = st.scale / await page.evaluate(() => devicePixelRatio);
  await page.mouse.move(st.pointAt[0] * k, st.pointAt[1] * k);
  await page.mouse.down();
  await page.mouse.move((st.pointAt[0] + st.plot[2] / 5) * k, (st.pointAt[1] + st.plot[2] / 6) * k, { steps: 10 });
  await page.mouse.up();
  const dragged = await waitProbe(page, 'the ONNX decoder to decode the dragged point',
    (s) => s.decodes > st.decodes && s.point.some((v, i) => v !== st.point[i]), 20000);
  console.log(`onnx: decoder.onnx dropped and opened in the page; a drag showed ${dragged.decodes - st.decodes} decodes; status: ${st.status}`);
  assert.deepEqual(errors, [], 'no errors in the browser console (ONNX decoder)');
  await page.close();
}

const server = await serve(bin, dir);
const browser = await launch();
let failed = false;
try {
  if (process.env.SCREENSHOT) { // the README's picture shows the decoded map under the codes
    const p = await browser.ctx.newPage();
    await p.goto(server.url + 'app.wasm.size');
    await p.evaluate(() => localStorage.setItem('fyne-preferences.json', JSON.stringify({ 'view.show': 'Map and scatter' })));
    await p.close();
  }
  const { page, errors, firstFrameMs } = await open(browser.ctx, server.url);
  console.log(`first frame ${firstFrameMs} ms after opening the page`);

  // The bundled model arrives after the first frame.
  let st = await waitProbe(page, 'the bundled model and its scatter', (s) => s.model !== '' && s.scatter > 0);
  assert.match(st.model, /bundled/);
  assert.ok(st.plot[2] > 100, `the plane is drawn (side ${st.plot[2]})`);
  await page.waitForTimeout(500); // the first decode and the map

  // Drag the point a quarter of the plane up and left, in 30 moves.
  st = await probe(page);
  const k = st.scale / await page.evaluate(() => devicePixelRatio);
  const from = st.pointAt, side = st.plot[2];
  const to = [from[0] - side / 4, from[1] - side / 4];
  const box = (p) => [p[0] - 14, p[1] - 14, 28, 28];
  const decodedBefore = await shot(page, st, st.decoded);
  const atFromBefore = await shot(page, st, box(from));
  const atToBefore = await shot(page, st, box(to));
  await page.mouse.move(from[0] * k, from[1] * k);
  await page.mouse.down();
  for (let i = 1; i <= 30; i++) {
    await page.mouse.move((from[0] + (to[0] - from[0]) * i / 30) * k, (from[1] + (to[1] - from[1]) * i / 30) * k);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  const moved = await waitProbe(page, 'the point to follow the drag',
    (s) => Math.hypot(s.pointAt[0] - to[0], s.pointAt[1] - to[1]) < 6 && s.decodes > st.decodes, 10000);
  await page.waitForTimeout(300);
  const after = await probe(page);
  const dz = Math.hypot(after.point[0] - st.point[0], after.point[1] - st.point[1]);
  assert.ok(dz > 0.3, `the point's code moved (by ${dz.toFixed(2)})`);
  const dDecoded = await diff(page, decodedBefore, await shot(page, after, after.decoded));
  const dFrom = await diff(page, atFromBefore, await shot(page, after, box(from)));
  const dTo = await diff(page, atToBefore, await shot(page, after, box(to)));
  console.log(`drag: ${moved.decodes - st.decodes} decodes shown; code moved ${dz.toFixed(2)}; screenshot change: decoded image ${dDecoded.toFixed(1)}, where the point was ${dFrom.toFixed(1)}, where it went ${dTo.toFixed(1)} (mean of 255)`);
  assert.ok(dDecoded > 5, `the decoded image changed on screen (mean difference ${dDecoded.toFixed(1)})`);
  assert.ok(dFrom > 5, `the marker left its old place on screen (${dFrom.toFixed(1)})`);
  assert.ok(dTo > 5, `the marker is drawn at its new place (${dTo.toFixed(1)})`);

  // Hover previews: the mouse over another place of the plane, no button.
  const hoverAt = [after.plot[0] + after.plot[2] * 0.8, after.plot[1] + after.plot[2] * 0.8];
  const decodedAfter = await shot(page, after, after.decoded);
  await page.mouse.move(hoverAt[0] * k, hoverAt[1] * k, { steps: 5 });
  await page.waitForTimeout(800);
  const dHover = await diff(page, decodedAfter, await shot(page, after, after.decoded));
  console.log(`hover: the decoded view changed by ${dHover.toFixed(1)}`);
  assert.ok(dHover > 5, `hovering previews the code under the mouse (${dHover.toFixed(1)})`);
  await page.mouse.move(5, 5);

  // Opening images is the browser's file picker (Ctrl+I); dropping them on
  // the page works too. Each is analysed and listed.
  const png = Buffer.from(await page.evaluate(async () => {
    const c = new OffscreenCanvas(28, 28), g = c.getContext('2d');
    g.fillStyle = 'black'; g.fillRect(0, 0, 28, 28);
    g.fillStyle = 'white'; g.font = 'bold 24px sans-serif'; g.fillText('3', 7, 23);
    const b = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
    return btoa(String.fromCharCode(...b));
  }), 'base64');
  const chooser = await pickerAfter(page, 'Control+i');
  await chooser.setFiles([{ name: 'three.png', mimeType: 'image/png', buffer: png }]);
  st = await waitProbe(page, 'the picked image analysed', (s) => s.images === 1, 20000);
  assert.match(st.status, /three\.png/);
  await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
    dt.items.add(new File(['not an image'], 'notes.txt', { type: 'text/plain' }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, png.toString('base64'));
  st = await waitProbe(page, 'the dropped image analysed', (s) => s.images === 2, 20000);
  assert.match(st.status, /notes\.txt/, 'the file that is no image gets a message');
  console.log(`images: picked and dropped, analysed; status: ${st.status}`);
  if (process.env.SCREENSHOT) { // README's picture (make web-screenshot)
    await page.waitForTimeout(1500);
    await page.screenshot({ path: process.env.SCREENSHOT });
  }

  // Saving is the browser's download: Ctrl+S hands over the model file.
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 20000 }), page.keyboard.press('Control+s')]);
  const saved = readFileSync(await dl.path());
  assert.match(dl.suggestedFilename(), /\.vae$/);
  assert.ok(saved.length > 100000, `the downloaded model has its weights (${saved.length} bytes)`);
  console.log(`download: ${dl.suggestedFilename()}, ${saved.length} bytes`);

  // Training on the server's MNIST: Ctrl+T, steps on the loss plot, Stop.
  await page.keyboard.press('Control+t');
  const training = await waitProbe(page, 'training steps on the loss plot', (s) => s.state === 'running' && s.steps >= 2, 180000);
  console.log(`training: ${training.training}`);
  assert.match(training.training, /img\/s/);
  // A click is a press and a release; while a training step holds the
  // page's one thread (over a second here) the two can arrive too far
  // apart to make a tap, so the user (and this test) clicks again.
  const stop = training.buttons.Stop;
  let stopped = false;
  for (let attempt = 1; attempt <= 4 && !stopped; attempt++) {
    await page.mouse.click(stop[0] * k, stop[1] * k);
    try {
      await waitProbe(page, 'training to stop', (s) => s.state === 'idle', 30000);
      stopped = true;
      if (attempt > 1) console.log(`stop: took ${attempt} clicks`);
    } catch (e) {
      if (attempt === 4) throw e;
    }
  }

  assert.deepEqual(errors, [], 'no errors in the browser console');
  await page.close();
  await umapView();
  await onnxDrop();
  console.log('browser test: ok');
} catch (err) {
  failed = true;
  console.error('browser test FAILED:', err.message);
  console.error('server log:', server.log());
} finally {
  await browser.close();
  server.stop();
}
process.exit(failed ? 1 : 0);
