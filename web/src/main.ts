/**
 * The app's page: pick or drop a model for A (and B), show its totals, lint summary and the
 * report page `leannet report` writes (in an iframe), measure it with onnxruntime-web and
 * compare A with B. Nothing heavy runs here: reading a dropped file is asynchronous and its bytes
 * are transferred to the worker (worker.ts), which does the rest. No request leaves this origin.
 */
import type { Analyzed, Backend, Reply, Request, Slot } from './messages.js';
import type { BenchResult, CompareResult } from '../../src/core.js';

const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector(sel) as T;
const worker = new Worker(new URL('worker.js', location.href), { type: 'module' });

/** What the page holds, read by the browser test (window.leannetApp). */
const state = {
  analyzed: {} as Partial<Record<Slot, Analyzed>>,
  measured: {} as Partial<Record<Slot, BenchResult>>,
  compared: null as CompareResult | null,
  backends: [] as Backend[],
  errors: [] as string[],
  busy: 0,
  /** The longest gap between animation frames while the worker was busy (ms): the tab never froze when this is small. */
  maxFrameGapMs: 0,
};
(window as unknown as { leannetApp: unknown }).leannetApp = { state };

let nextId = 1;
const pending = new Map<number, { resolve: (r: Reply) => void }>();
worker.onmessage = (ev: MessageEvent<Reply>) => {
  const r = ev.data;
  if (r.type === 'progress') return status(r.text);
  const p = pending.get(r.id);
  pending.delete(r.id);
  p?.resolve(r);
};

function status(text: string, error = false) {
  const el = $('#status');
  el.textContent = text;
  el.className = error ? 'error' : '';
}

/** Send one request; resolves with its reply; errors are shown in one line. */
type Ask = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;
async function ask(q: Ask, transfer: Transferable[] = []): Promise<Reply | undefined> {
  const id = nextId++;
  const done = new Promise<Reply>((resolve) => pending.set(id, { resolve }));
  state.busy++;
  watchFrames();
  worker.postMessage({ ...q, id } as Request, transfer);
  const r = await done;
  state.busy--;
  if (r.type === 'error') {
    state.errors.push(r.message);
    status(r.message, true);
    return undefined;
  }
  return r;
}

let watching = false;
function watchFrames() {
  if (watching) return;
  watching = true;
  let last = performance.now();
  const tick = (now: number) => {
    state.maxFrameGapMs = Math.max(state.maxFrameGapMs, now - last);
    last = now;
    if (state.busy > 0) requestAnimationFrame(tick);
    else watching = false;
  };
  requestAnimationFrame(tick);
}

const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toPrecision(4));
const si = (n: number) => {
  for (const [v, p] of [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as [number, string][]) if (Math.abs(n) >= v) return `${(n / v).toPrecision(3)} ${p}`;
  return String(n);
};
const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
const ridge = () => {
  const v = Number(($('#ridge') as HTMLInputElement).value);
  return v > 0 ? v : undefined;
};

function showAnalysis(slot: Slot, a: Analyzed) {
  state.analyzed[slot] = a;
  delete state.measured[slot];
  state.compared = null;
  const t = a.totals;
  $(`#model-${slot}`).innerHTML = `<h3>${slot.toUpperCase()}: ${esc(a.name)}</h3>
<table class="kv" data-slot="${slot}">
<tr><th>nodes</th><td class="num" data-k="nodes">${fmt(t.nodes)}</td></tr>
<tr><th>params</th><td class="num" data-k="params">${fmt(t.params)}</td><td>${si(t.params)}</td></tr>
<tr><th>buffers</th><td class="num" data-k="buffers">${fmt(t.buffers)}</td></tr>
<tr><th>madds</th><td class="num" data-k="madds">${fmt(t.madds)}</td><td>${si(t.madds)}</td></tr>
<tr><th>memAccess</th><td class="num" data-k="memAccess">${fmt(t.memAccess)}</td><td>${si(t.memAccess)}B</td></tr>
<tr><th>lint</th><td colspan="2">${esc(a.lint.summary)}</td></tr>
<tr><th>time here</th><td colspan="2">decode ${a.ms.decode.toFixed(0)} ms, analyze ${a.ms.analyze.toFixed(0)} ms, lint ${a.ms.lint.toFixed(0)} ms, page ${a.ms.page.toFixed(0)} ms</td></tr>
</table><div class="measure" id="measure-${slot}"></div>`;
  ($('#view') as HTMLSelectElement).value = slot;
  showReport();
  status(`${a.name}: analysed in a worker; measure it with onnxruntime-web below.`);
}

function showReport() {
  const slot = ($('#view') as HTMLSelectElement).value as Slot;
  const a = state.analyzed[slot];
  ($('#report') as HTMLIFrameElement).srcdoc = a ? a.html : '<p style="font:13px system-ui">Drop a model to see its report.</p>';
}

async function openFile(slot: Slot, file: File) {
  status(`reading ${file.name} (${(file.size / 1e6).toFixed(1)} MB)…`);
  const bytes = await file.arrayBuffer();
  const r = await ask({ type: 'open', slot, name: file.name, bytes, ...(ridge() ? { ridge: ridge()! } : {}) }, [bytes]);
  if (r?.type === 'analyzed') showAnalysis(slot, r.result);
}

async function openZoo(slot: Slot) {
  const network = ($(`#zoo-${slot}`) as HTMLSelectElement).value;
  const r = await ask({ type: 'zoo', slot, network, ...(ridge() ? { ridge: ridge()! } : {}) });
  if (r?.type === 'analyzed') showAnalysis(slot, r.result);
}

const backend = () => ($('#backend') as HTMLSelectElement).value as Backend;
const budgetMs = () => Math.max(200, 1000 * Number(($('#budget') as HTMLInputElement).value || 3));
const statsLine = (s: BenchResult['stats']) => `median ${s.median.toFixed(3)} ms (p10 ${s.p10.toFixed(3)}, p90 ${s.p90.toFixed(3)}; ${s.runs} runs)`;

async function measure(slot: Slot) {
  const r = await ask({ type: 'measure', slot, backend: backend(), budgetMs: budgetMs() });
  if (r?.type !== 'measured') return;
  state.measured[slot] = r.result;
  const e = r.result.engine;
  $(`#measure-${slot}`).innerHTML = `<p class="measured" data-median="${r.result.stats.median}">${esc(statsLine(r.result.stats))} · ${e.runtime} ${e.version} ${e.provider}, ${e.threads} thread</p>`;
  status(`${r.result.model}: ${statsLine(r.result.stats)} on ${e.provider}`);
}

async function compareAB() {
  const r = await ask({ type: 'compare', backend: backend(), budgetMs: budgetMs() });
  if (r?.type !== 'compared') return;
  state.compared = r.result;
  const c = r.result;
  $('#compare').innerHTML = `<p><b>${esc(c.verdict)}</b></p><p>A ${esc(statsLine(c.a.stats))}<br>B ${esc(statsLine(c.b.stats))}<br>${c.ratio.pairs} interleaved pairs (A B, B A, …) on ${c.engine.provider}; ratio tA/tB ${c.ratio.median.toFixed(3)} (95% interval ${c.ratio.lo.toFixed(3)}–${c.ratio.hi.toFixed(3)})</p>`;
  status(c.verdict);
}

function wire(slot: Slot) {
  const input = $<HTMLInputElement>(`#file-${slot}`);
  input.addEventListener('change', () => input.files?.[0] && openFile(slot, input.files[0]));
  const zone = $(`#drop-${slot}`);
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) void openFile(slot, f);
  });
  $(`#zoo-go-${slot}`).addEventListener('click', () => void openZoo(slot));
  $(`#measure-go-${slot}`).addEventListener('click', () => void measure(slot));
}

wire('a');
wire('b');
$('#compare-go').addEventListener('click', () => void compareAB());
$('#view').addEventListener('change', showReport);
// A drop anywhere else must not make the browser navigate to the file.
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());
void ask({ type: 'backends' }).then((r) => {
  if (r?.type !== 'backends') return;
  state.backends = r.backends;
  const zoo = r.networks.map((n) => `<option value="${n.name}">${esc(n.title)} (zoo:${n.name})</option>`).join('');
  for (const slot of ['a', 'b']) $(`#zoo-${slot}`).innerHTML = zoo;
  $('#backend').innerHTML = r.backends.map((b) => `<option value="${b}">${b === 'wasm' ? 'WebAssembly (wasm)' : 'WebGPU'}</option>`).join('');
  status(`ready: ${r.backends.join(' and ')} available. Drop an .onnx file or pick a zoo network.`);
});
