/**
 * `leannet report` and `leannet diff --html` pages in Chromium (playwright-core), opened from disk
 * with the network off: no script error, nothing fetched, one drawn box per drawn node, a clicked
 * node's madds equal to analyze --json, the slowest profiled node in the top colour bin, merged
 * RepVGG blocks marked in the diff; first paint and frame times for DenseNet-121 (light) and a
 * generated 20,000-node model (printed, and written to report-timings.json in the temp folder).
 * Screenshots go to the test's temp folder, and also to $LEANNET_SCREENSHOTS when set.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveOnnx } from '../../src/index.js';
import { residualChain } from '../helpers/big-model.js';
import { leannet } from '../helpers/cli.js';
import { launchChromium } from '../helpers/browser.js';
import { sharedModel, tempDir } from '../helpers/models.js';

const dir = tempDir();
const pages = {
  densenet: path.join(dir, 'densenet.html'),
  squeeze: path.join(dir, 'squeezenet.html'),
  big: path.join(dir, 'chain20k.html'),
  diff: path.join(dir, 'diff.html'),
};
const timings: Record<string, unknown> = {};
let browser: Browser;

function run(args: string[]) {
  const r = leannet(args, { timeout: 300_000 });
  if (r.code !== 0) throw new Error(`leannet ${args.join(' ')}: ${r.stderr}`);
  return r;
}

function shot(name: string) {
  const file = path.join(dir, name);
  const extra = process.env['LEANNET_SCREENSHOTS'];
  return { file, copy: () => extra && fs.copyFileSync(file, path.join(extra, name)) };
}

/** Open a page offline; collect errors and any request that is not a file. */
async function open(file: string): Promise<{ page: Page; errors: string[]; requests: string[]; paintedAt: number }> {
  const context = await browser.newContext({ offline: true, viewport: { width: 1500, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('request', (r) => !r.url().startsWith('file:') && requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => (window as any).leannet !== undefined);
  // The first frame with the graph on screen: two animation frames after the first draw.
  const paintedAt = await page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now())))));
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return { responseEnd: Math.round(n.responseEnd), domInteractive: Math.round(n.domInteractive), scriptStart: Math.round((window as any).leannet.scriptStart), scriptMs: Math.round((window as any).leannet.firstPaint) };
  });
  timings[`${path.basename(file)}_navigation`] = nav;
  return { page, errors, requests, paintedAt };
}

/** Drag across the graph; the draw time of each frame (ms) and the interval between frames. */
async function pan(page: Page, steps: number) {
  await page.evaluate(() => ((window as any).leannet.panes[0].st.frames.length = 0));
  const box = (await page.locator('#graph-0 canvas').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  const t0 = await page.evaluate(() => performance.now());
  for (let k = 0; k < steps; k++) {
    await page.mouse.move(cx + 200 * Math.sin(k / 8), cy + 150 * Math.cos(k / 8));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  }
  const t1 = await page.evaluate(() => performance.now());
  await page.mouse.up();
  const frames: number[] = await page.evaluate(() => (window as any).leannet.panes[0].st.frames.slice());
  frames.sort((a, b) => a - b);
  return { frames: frames.length, medianDrawMs: frames[frames.length >> 1], maxDrawMs: frames[frames.length - 1], msPerStep: (t1 - t0) / steps };
}

beforeAll(async () => {
  run(['report', sharedModel('light_densenet121.onnx'), '-o', pages.densenet]);
  run(['report', sharedModel('light_squeezenet.onnx'), '-o', pages.squeeze, '--profile', '--lint', '--time', '1']);
  const big = path.join(dir, 'chain20k.onnx');
  saveOnnx(residualChain(20_000), big);
  const t = performance.now();
  run(['report', big, '-o', pages.big]);
  timings['build20k_ms'] = Math.round(performance.now() - t);
  const after = path.join(dir, 'repvgg_rep.onnx');
  run(['rewrite', 'zoo:repvgg_a0', '-o', after, '--pass', 'fold-bn,reparam', '--no-measure', '--no-verify']);
  run(['diff', 'zoo:repvgg_a0', after, '--html', pages.diff]);
  browser = await launchChromium();
  // A browser already running (as a user's is): its first renderer starts here, not in a timed page load.
  const warm = await browser.newPage();
  await warm.setContent('<canvas></canvas><p>warm-up</p>');
  await warm.close();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  fs.writeFileSync(path.join(dir, 'report-timings.json'), JSON.stringify(timings, null, 2));
  console.log('report timings', JSON.stringify(timings));
});

describe('report page in Chromium', () => {
  it('DenseNet-121: offline, one box per drawn node, a clicked node shows its analyze --json madds; screenshots', async () => {
    const { page, errors, requests, paintedAt } = await open(pages.densenet);
    timings['densenet_firstPaint_ms'] = Math.round(paintedAt);
    const analyze = JSON.parse(leannet(['analyze', sharedModel('light_densenet121.onnx'), '--json']).stdout);
    const g = await page.evaluate(() => {
      const L = (window as any).leannet;
      const p = L.panes[0];
      return { drawnAtFit: p.st.drawn, layers: p.g.layers.length };
    });
    // The charts are drawn after the graph's first frame.
    await expect.poll(() => page.evaluate(() => (window as any).leannet.charts())).toBe(2);
    // 1746 nodes, of which 836 ConstantOfShape + 242 Unsqueeze only build weights.
    expect(g.layers).toBe(1746);
    // Boxes the canvas drew at the first (fitted) frame: one per node that is not a weight builder.
    expect(g.drawnAtFit).toBe(668);
    const s1 = shot('report-densenet121.png');
    await page.screenshot({ path: s1.file });
    s1.copy();
    // The conv with the most madds: zoom to it, click it on the canvas.
    const target = analyze.layers.reduce((m: number, l: { madds: number }, i: number) => (l.madds > analyze.layers[m].madds ? i : m), 0);
    const at = await page.evaluate((i) => {
      const p = (window as any).leannet.panes[0];
      p.center(i);
      p.draw();
      return p.screenOf(i);
    }, target);
    await page.mouse.click(at.x, at.y);
    await expect.poll(() => page.textContent('#details h3')).toBe(analyze.layers[target].name);
    expect(Number(await page.getAttribute('#details td[data-k="madds"]', 'data-value'))).toBe(analyze.layers[target].madds);
    // Another node, found by name through the search box.
    const other = analyze.layers.findIndex((l: { opType: string; name: string }) => l.opType === 'Concat');
    await page.fill('#search', analyze.layers[other].name);
    await page.press('#search', 'Enter');
    await expect.poll(() => page.textContent('#details h3')).toBe(analyze.layers[other].name);
    expect(Number(await page.getAttribute('#details td[data-k="madds"]', 'data-value'))).toBe(analyze.layers[other].madds);
    const s2 = shot('report-densenet121-zoomed.png');
    await page.screenshot({ path: s2.file });
    s2.copy();
    // The table sorts by a clicked column and filters.
    await page.fill('#filter', 'conv');
    const rows = await page.locator('#layers tbody tr').count();
    expect(rows).toBe(analyze.layers.filter((l: { name: string; opType: string }) => /conv/i.test(l.name) || /conv/i.test(l.opType)).length);
    timings['densenet_pan'] = await pan(page, 60);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(paintedAt).toBeLessThan(2000);
  });

  it('SqueezeNet profiled and linted: colouring by time puts the slowest node in the top bin', async () => {
    const { page, errors, requests } = await open(pages.squeeze);
    const r = await page.evaluate(() => {
      const L = (window as any).leannet;
      L.setMetric('time');
      const g = L.graphs[0];
      let slowest = -1;
      g.extra.forEach((x: { time: number | null }, i: number) => {
        if (x.time !== null && (slowest < 0 || x.time > g.extra[slowest].time)) slowest = i;
      });
      const timed = g.extra.filter((x: { time: number | null }) => x.time !== null).length;
      const fastest = g.extra.reduce((m: number, x: { time: number | null }, i: number) => (x.time !== null && x.time > 0 && (m < 0 || x.time < g.extra[m].time) ? i : m), -1);
      return { metrics: L.metric(), slowest, slowestBin: L.binOf(0, slowest), fastestBin: L.binOf(0, fastest), bins: L.bins(), timed, severity: g.extra.filter((x: { severity: string | null }) => x.severity).length, name: g.layers[slowest].name };
    });
    expect(r.metrics).toBe('time');
    expect(r.timed).toBeGreaterThan(10);
    expect(r.slowestBin).toBe(r.bins - 1);
    expect(r.fastestBin).toBe(0);
    expect(r.severity).toBeGreaterThan(0);
    const s = shot('report-squeezenet-time.png');
    await page.screenshot({ path: s.file, fullPage: true });
    s.copy();
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('a 20,000-node model: first paint under 5 s, panning frames', async () => {
    const { page, errors, requests, paintedAt } = await open(pages.big);
    timings['chain20k_firstPaint_ms'] = Math.round(paintedAt);
    // Boxes drawn at the first (fitted) frame.
    expect(await page.evaluate(() => (window as any).leannet.panes[0].st.drawn)).toBe(20_000);
    // Every value is the same here (each conv 1,024 madds): one legend entry.
    expect(await page.locator('#legend div').count()).toBe(2);
    timings['chain20k_pan_fit'] = await pan(page, 60);
    await page.evaluate(() => {
      const p = (window as any).leannet.panes[0];
      p.center(10_000);
      p.draw();
    });
    timings['chain20k_pan_zoomed'] = await pan(page, 60);
    const s = shot('report-chain20k.png');
    await page.screenshot({ path: s.file });
    s.copy();
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(paintedAt).toBeLessThan(5000);
  });

  it('RepVGG-A0 diff: both graphs drawn, the merged convs marked changed, the removed branches marked removed', async () => {
    const { page, errors, requests } = await open(pages.diff);
    const r = await page.evaluate(() => {
      const L = (window as any).leannet;
      const [a, b] = L.graphs;
      const changedB = b.layers.map((l: { name: string }, i: number) => [l.name, L.binOf(1, i)]).filter(([n]: [string]) => n.endsWith('.reparam'));
      const removedA = a.layers.map((l: { name: string }, i: number) => [l.name, L.binOf(0, i)]).filter(([n]: [string]) => /rbr_1x1\.conv$/.test(n));
      return { metric: L.metric(), elements: [L.panes[0].st.drawn, L.panes[1].st.drawn], changedB, removedA };
    });
    expect(r.metric).toBe('status');
    expect(r.elements).toEqual([169, 47]);
    expect(r.changedB).toHaveLength(22);
    // Legend order: same, changed, removed, added.
    for (const [, bin] of r.changedB) expect(bin).toBe(1);
    expect(r.removedA).toHaveLength(22);
    for (const [, bin] of r.removedA) expect(bin).toBe(2);
    const s = shot('diff-repvgg.png');
    await page.screenshot({ path: s.file });
    s.copy();
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });
});
