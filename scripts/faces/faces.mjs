// make faces: a folder of faces with known attributes, in CelebA's layout,
// drawn with DiceBear's avataaars style (code MIT; design by Pablo Stanley,
// free for personal and commercial use) and rasterised by Debian's
// rsvg-convert:
//
//   OUT/img_align_celeba/000001.png …   64x64 colour faces
//   OUT/list_attr_celeba.txt            CelebA's format: count, names, 1/-1
//   OUT/list_eval_partition.txt         0 train, 1 validation, 2 test
//
// Each face's options are drawn from a generator seeded with --seed, so
// the same seed gives the same folder; the attributes are the options
// drawn, under CelebA's names where one exists (Smiling, Eyeglasses,
// Wearing_Hat, No_Beard, Mustache, Bald, Black_Hair, Blond_Hair,
// Brown_Hair, Gray_Hair) and the style's own (Sunglasses, Red_Hair,
// Eyes_Closed, Dark_Skin). The folder is written beside OUT and renamed
// into place when complete: all or nothing.
//
//   node faces.mjs --out DIR [--n 20000] [--seed 1] [--size 64] [--jobs 2]
//   node faces.mjs --pair OPTION --out DIR   one face with the option, one without
import { createAvatar } from '@dicebear/core';
import * as avataaars from '@dicebear/avataaars';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync, renameSync, existsSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { cpus } from 'node:os';
import { decode, encodeRGB, tile } from './png.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
  return acc;
}, []));
const out = args.out;
if (!out) {
  console.error('faces: --out DIR is required');
  process.exit(2);
}
const n = Number(args.n || 20000), seed = Number(args.seed || 1), size = Number(args.size || 64);
const jobs = Number(args.jobs || Math.max(1, cpus().length));

// mulberry32: a small seeded generator (Math.random cannot be seeded).
function rng(s) {
  return () => {
    s |= 0; s = (s + 0x6D2B79F5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (r, list) => list[Math.floor(r() * list.length)];
const GLASSES = ['prescription01', 'prescription02', 'round', 'kurt', 'wayfarers'];
const HATS = ['hat', 'winterHat1', 'winterHat02', 'winterHat03', 'winterHat04'];
const HAIR = ['bob', 'bun', 'curly', 'curvy', 'dreads', 'frida', 'fro', 'longButNotTooLong', 'miaWallace',
  'shavedSides', 'straight02', 'straight01', 'straightAndStrand', 'frizzle', 'shaggy', 'shortCurly', 'shortFlat',
  'shortRound', 'shortWaved', 'sides', 'theCaesar', 'theCaesarAndSidePart', 'bigHair'];
const NOT_SMILING = ['default', 'serious', 'sad', 'concerned'];
const HAIR_COLOURS = { Black_Hair: ['2c1b18'], Brown_Hair: ['a55728', '724133', '4a312c'], Blond_Hair: ['b58143', 'd6b370'],
  Gray_Hair: ['e8e1e1', 'ecdcbf'], Red_Hair: ['c93305'] };
const DARK_SKIN = ['614335', 'ae5d29'];
const SKIN = ['614335', 'd08b5b', 'ae5d29', 'edb98a', 'ffdbb4', 'fd9841', 'f8d25c'];
const EYES_OPEN = ['default', 'happy', 'side', 'squint', 'surprised'];
export const NAMES = ['Smiling', 'Eyeglasses', 'Sunglasses', 'Wearing_Hat', 'Bald', 'No_Beard', 'Mustache',
  'Black_Hair', 'Brown_Hair', 'Blond_Hair', 'Gray_Hair', 'Red_Hair', 'Eyes_Closed', 'Dark_Skin'];

// face draws one face's options and its attributes.
function face(r) {
  const a = Object.fromEntries(NAMES.map((k) => [k, false]));
  // Zoomed in on the face, as CelebA's aligned crops are: the mouth and
  // the eyes take enough of 64x64 for a model to keep them.
  const o = { seed: String(Math.floor(r() * 1e9)), size, backgroundColor: ['ffffff'], scale: 150, translateY: 6 };
  a.Smiling = r() < 0.5;
  o.mouth = [a.Smiling ? 'smile' : pick(r, NOT_SMILING)];
  const g = r();
  a.Eyeglasses = g < 0.25; a.Sunglasses = g >= 0.25 && g < 0.33;
  o.accessoriesProbability = a.Eyeglasses || a.Sunglasses ? 100 : 0;
  o.accessories = [a.Sunglasses ? 'sunglasses' : pick(r, GLASSES)];
  const t = r();
  a.Wearing_Hat = t < 0.2; a.Bald = t >= 0.2 && t < 0.25;
  o.topProbability = a.Bald ? 0 : 100;
  o.top = [a.Wearing_Hat ? pick(r, HATS) : pick(r, HAIR)];
  const hairName = pick(r, Object.keys(HAIR_COLOURS));
  o.hairColor = [pick(r, HAIR_COLOURS[hairName])];
  if (!a.Wearing_Hat && !a.Bald) a[hairName] = true; // hair that shows
  const f = r();
  a.No_Beard = f >= 0.3;
  a.Mustache = f >= 0.2 && f < 0.3;
  o.facialHairProbability = a.No_Beard ? 0 : 100;
  o.facialHair = [a.Mustache ? pick(r, ['moustacheFancy', 'moustacheMagnum']) : pick(r, ['beardLight', 'beardMajestic', 'beardMedium'])];
  o.facialHairColor = o.hairColor;
  a.Eyes_Closed = r() < 0.15;
  o.eyes = [a.Eyes_Closed ? 'closed' : pick(r, EYES_OPEN)];
  const skin = pick(r, SKIN);
  o.skinColor = [skin];
  a.Dark_Skin = DARK_SKIN.includes(skin);
  o.style = ['default'];
  return { o, a };
}

// rasterise writes svg as a size x size PNG at path (rsvg-convert, on a
// white background).
function rasterise(svg, path) {
  return new Promise((resolve, reject) => {
    const p = spawn('rsvg-convert', ['-w', String(size), '-h', String(size), '-b', 'white', '-o', path], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', (e) => reject(new Error(`rsvg-convert: ${e.message} (install Debian's librsvg2-bin: make deps-faces)`)));
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`rsvg-convert exited ${code}: ${err}`))));
    p.stdin.end(svg);
  });
}

// sheetCols is how many faces one rsvg-convert call draws per row of a
// sheet (sheetCols x sheetCols faces): one process per face took 40 ms.
const sheetCols = 10;

// drawSheet renders faces (up to sheetCols²) as one SVG, cuts the PNG
// into one file per face and writes face k to file(k).
async function drawSheet(list, file) {
  const parts = list.map(({ o }, k) => {
    const svg = createAvatar(avataaars, { ...o, randomizeIds: true }).toString();
    return `<svg x="${(k % sheetCols) * size}" y="${Math.floor(k / sheetCols) * size}"` + svg.slice(4); // its own width and height: size
  });
  const W = sheetCols * size, H = Math.ceil(list.length / sheetCols) * size;
  const sheet = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${parts.join('')}</svg>`;
  const png = await rasteriseBuffer(sheet, W, H);
  const img = decode(png);
  list.forEach((_, k) => writeFileSync(file(k), encodeRGB(size, size, tile(img, k % sheetCols, Math.floor(k / sheetCols), size))));
}

// rasteriseBuffer renders svg at w x h with rsvg-convert, returning the PNG.
function rasteriseBuffer(svg, w, h) {
  return new Promise((resolve, reject) => {
    const p = spawn('rsvg-convert', ['-w', String(w), '-h', String(h), '-b', 'white'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks = [];
    let err = '';
    p.stdout.on('data', (d) => chunks.push(d));
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', (e) => reject(new Error(`rsvg-convert: ${e.message} (install Debian's librsvg2-bin: make deps-faces)`)));
    p.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`rsvg-convert exited ${code}: ${err}`))));
    p.stdin.end(svg);
  });
}

async function main() {
  if (args.pair) { // one face with the option and one without, the rest the same
    mkdirSync(out, { recursive: true });
    const { o } = face(rng(seed));
    const [k, v] = args.pair.split('=');
    const withIt = { ...o, [k]: [v] }, without = { ...o };
    if (k === 'accessories') { withIt.accessoriesProbability = 100; without.accessoriesProbability = 0; }
    if (k === 'mouth') without.mouth = ['serious'];
    await rasterise(createAvatar(avataaars, withIt).toString(), join(out, 'with.png'));
    await rasterise(createAvatar(avataaars, without).toString(), join(out, 'without.png'));
    return;
  }
  const tmp = join(dirname(out), `.${basename(out)}.part`);
  rmSync(tmp, { recursive: true, force: true });
  const imgDir = join(tmp, 'img_align_celeba');
  mkdirSync(imgDir, { recursive: true });
  const r = rng(seed);
  const faces = [];
  for (let i = 0; i < n; i++) faces.push(face(r));
  let next = 0, done = 0;
  const started = Date.now();
  const per = sheetCols * sheetCols;
  const worker = async () => {
    while (next < n) {
      const lo = next;
      next = Math.min(n, next + per);
      const hi = next;
      await drawSheet(faces.slice(lo, hi), (k) => join(imgDir, `${String(lo + k + 1).padStart(6, '0')}.png`));
      done += hi - lo;
      const s = (Date.now() - started) / 1000;
      process.stderr.write(`\rfaces: ${done} of ${n} drawn, ${Math.round(s)} s, about ${Math.round(s / done * (n - done))} s left  `);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  process.stderr.write('\n');
  const lines = [String(n), NAMES.join(' ')];
  const part = [];
  faces.forEach(({ a }, i) => {
    const file = `${String(i + 1).padStart(6, '0')}.png`;
    lines.push(file + ' ' + NAMES.map((k) => (a[k] ? ' 1' : '-1')).join(' '));
    part.push(`${file} ${i % 10 === 9 ? 2 : i % 10 === 8 ? 1 : 0}`); // 80% train, 10% validation, 10% test
  });
  writeFileSync(join(tmp, 'list_attr_celeba.txt'), lines.join('\n') + '\n');
  writeFileSync(join(tmp, 'list_eval_partition.txt'), part.join('\n') + '\n');
  if (existsSync(out)) rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  console.log(JSON.stringify({ out, faces: n, size, attributes: NAMES, seconds: (Date.now() - started) / 1000 }));
}

main().catch((e) => {
  console.error('faces:', e.message);
  process.exit(1);
});
