/**
 * The lab's HTML page in a real browser (Debian's Chromium through playwright-core): opened from
 * disk with the network off, every chart draws, nothing is fetched, no script error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXPERIMENTS, labHtml, type LabResult } from '../../src/index.js';
import { launchChromium } from '../helpers/browser.js';
import { tempDir } from '../helpers/models.js';

/** A lab result with every experiment's real configurations and made-up timings (the page is under test, not the machine). */
function fakeResult(): LabResult {
  const experiments = EXPERIMENTS.map((e) => {
    const configs = e.configs({ quick: true });
    const cols = [...new Set(configs.map((c) => c.column))];
    return {
      id: e.id,
      title: e.title,
      source: e.source,
      claim: e.claim.text,
      holds: e.id !== 'group',
      verdict: 'holds here (1 of 1 column)',
      explanation: e.id === 'group' ? 'an explanation <with> "markup" & such' : undefined,
      columns: cols.map((column) => ({
        column,
        holds: true,
        because: 'because',
        rows: configs.filter((c) => c.column === column).map((config, i) => ({ config, madds: 1e6, memAccess: 1e5, median: 1 + i, p10: 0.9 + i, p90: 1.1 + i, relSpeed: { median: 1 / (1 + i), lo: 0.9 / (1 + i), hi: 1.1 / (1 + i) } })),
      })),
    };
  });
  return {
    env: { cpu: 'test cpu', cores: 2, platform: 'linux x64', node: process.version, date: '2026-11-28T00:00:00.000Z' },
    quick: true,
    settings: [{ engine: { engine: 'ort', runtime: 'onnxruntime-node', version: '1.30.0', provider: 'cpu', threads: 2, interOpThreads: null, executionMode: 'sequential', optLevel: 'all', spinning: false }, experiments }],
  } as LabResult;
}

describe('lab HTML in Chromium', () => {
  it('opens from disk offline and draws one chart per experiment', async () => {
    const file = path.join(tempDir(), 'lab.html');
    fs.writeFileSync(file, labHtml(fakeResult()));
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ offline: true });
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('request', (r) => !r.url().startsWith('file:') && requests.push(r.url()));
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(() => (window as unknown as { Chart?: { instances: object } }).Chart !== undefined);
      const drawn = await page.evaluate(() => {
        const canvases = [...document.querySelectorAll('canvas')];
        const charts = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }).Chart;
        return canvases.map((c) => {
          const blank = document.createElement('canvas');
          blank.width = c.width;
          blank.height = c.height;
          return { id: c.id, chart: !!charts.getChart(c), width: c.width, png: c.toDataURL().length, blankPng: blank.toDataURL().length };
        });
      });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(drawn.map((d) => d.id)).toEqual(EXPERIMENTS.map((e) => `chart-0-${e.id}`));
      for (const d of drawn) {
        expect(d.chart).toBe(true);
        expect(d.width).toBeGreaterThan(100);
        // A drawn chart compresses far worse than an empty canvas of the same size.
        expect(d.png).toBeGreaterThan(3 * d.blankPng);
      }
      // Text from the run is escaped, not injected.
      expect(await page.textContent('body')).toContain('an explanation <with> "markup" & such');
    } finally {
      await browser.close();
    }
  });
});
