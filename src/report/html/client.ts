/**
 * The report page's script. `reportClient` is embedded as source text (`reportClient.toString()`),
 * so it uses nothing outside its own body but the DOM and, when present, Chart.js. It draws each
 * graph on a canvas from the precomputed boxes (only what is in view, labels only when legible),
 * colours nodes by the chosen metric in six log-scaled bins, and fills the side panel, the
 * sortable table and the charts.
 */
/* eslint-disable */
export function reportClient(doc: any): void {
  const t0 = performance.now();
  const $ = (sel: string) => document.querySelector(sel) as HTMLElement;
  const esc = (s: unknown) => String(s).replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' } as any)[ch]);
  const si = (n: number) => {
    if (n === null || n === undefined || !isFinite(n)) return String(n);
    const a = Math.abs(n);
    for (const [v, p] of [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as [number, string][]) if (a >= v) return (n / v).toPrecision(3) + ' ' + p;
    return Number.isInteger(n) ? String(n) : n.toPrecision(3);
  };
  const grouped = (n: number) => (Number.isInteger(n) ? String(n).replace(/\B(?=(\d{3})+$)/g, ',') : n.toPrecision(4));
  const shape = (s: any) => (s ? (s.length ? s.join('x') : 'scalar') : '?');
  const graphs: any[] = doc.graphs;
  const BINS = ['#ffffb2', '#fed976', '#feb24c', '#fd8d3c', '#f03b20', '#bd0026'];
  const SEVERITY: any = { high: '#bd0026', medium: '#fd8d3c', low: '#fed976' };
  const STATUS: any = { same: '#d9d9d9', changed: '#fd8d3c', removed: '#e31a1c', added: '#33a02c' };
  const metricValue = (g: any, i: number, m: string): number | string | null => {
    const l = g.layers[i];
    const x = g.extra[i];
    if (m === 'madds' || m === 'memAccess' || m === 'intensity' || m === 'params') return l[m];
    if (m === 'time') return x.time;
    if (m === 'severity') return x.severity;
    if (m === 'status') return x.status;
    return null;
  };
  let metric: string = doc.metrics[0];
  // Bins per graph for the current metric: colour index per node (-1 none), and the legend.
  function binning(g: any) {
    const n = g.layers.length;
    const bin = new Int8Array(n).fill(-1);
    const colors: string[] = [];
    const legend: [string, string][] = [];
    if (metric === 'severity' || metric === 'status') {
      const map = metric === 'severity' ? SEVERITY : STATUS;
      const keys = Object.keys(map);
      keys.forEach((k) => {
        colors.push(map[k]);
        legend.push([map[k], k]);
      });
      for (let i = 0; i < n; i++) {
        const v = metricValue(g, i, metric);
        const k = keys.indexOf(v as string);
        bin[i] = k;
      }
      return { bin, colors, legend };
    }
    // Log-scaled bins between the smallest and largest positive value over every graph on the page (so two sides compare).
    let lo = Infinity;
    let hi = 0;
    for (const gg of graphs) for (let i = 0; i < gg.layers.length; i++) {
      if (gg.boxes[i * 4] < 0) continue;
      const v = metricValue(gg, i, metric) as number;
      if (v > 0) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    const K = BINS.length;
    const llo = Math.log(lo);
    const span = Math.log(hi) - llo;
    for (let i = 0; i < n; i++) {
      const v = metricValue(g, i, metric) as number;
      if (!(v > 0)) continue;
      bin[i] = span > 0 ? Math.min(K - 1, Math.floor(((Math.log(v) - llo) / span) * K)) : K - 1;
    }
    for (let k = 0; k < K; k++) {
      colors.push(BINS[k]!);
      if (hi > 0 && span > 0) legend.push([BINS[k]!, `${si(Math.exp(llo + (span * k) / K))} – ${si(Math.exp(llo + (span * (k + 1)) / K))}`]);
    }
    if (hi > 0 && !(span > 0)) legend.push([BINS[K - 1]!, `all ${si(hi)}`]);
    return { bin, colors, legend };
  }

  let selected: { g: number; i: number } | null = null;
  const panes: any[] = [];
  function makePane(gi: number) {
    const g = graphs[gi];
    const host = document.getElementById(`graph-${gi}`)!;
    const canvas = document.createElement('canvas');
    host.appendChild(canvas);
    const ctx = canvas.getContext('2d')!;
    const st = { s: 1, tx: 0, ty: 0, w: 0, h: 0, dpr: window.devicePixelRatio || 1, bins: binning(g), pending: false, frames: [] as number[], drawn: 0 };
    function resize() {
      st.w = host.clientWidth;
      st.h = host.clientHeight;
      canvas.width = st.w * st.dpr;
      canvas.height = st.h * st.dpr;
      canvas.style.width = st.w + 'px';
      canvas.style.height = st.h + 'px';
    }
    function fit() {
      const s = Math.min(st.w / (g.width + 40), st.h / (g.height + 40));
      st.s = Math.min(s, 1.5);
      st.tx = (st.w - g.width * st.s) / 2;
      st.ty = 20 * st.s;
    }
    function draw() {
      st.pending = false;
      const f0 = performance.now();
      const { s, tx, ty } = st;
      ctx.setTransform(st.dpr, 0, 0, st.dpr, 0, 0);
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, st.w, st.h);
      ctx.setTransform(st.dpr * s, 0, 0, st.dpr * s, st.dpr * tx, st.dpr * ty);
      const x0 = -tx / s, y0 = -ty / s, x1 = (st.w - tx) / s, y1 = (st.h - ty) / s;
      const B = g.boxes;
      const E = g.edges;
      const bends = g.bends;
      ctx.beginPath();
      for (let k = 0; k < E.length; k += 2) {
        const a = E[k] * 4, b = E[k + 1] * 4;
        const ax = B[a] + B[a + 2] / 2, ay = B[a + 1] + B[a + 3], bx = B[b] + B[b + 2] / 2, by = B[b + 1];
        const pts = bends[k >> 1];
        if (pts) {
          let lx = Math.min(ax, bx), hx = Math.max(ax, bx);
          for (let j = 0; j < pts.length; j += 2) {
            if (pts[j] < lx) lx = pts[j];
            if (pts[j] > hx) hx = pts[j];
          }
          if (hx < x0 || lx > x1 || Math.max(ay, by) < y0 || Math.min(ay, by) > y1) continue;
          ctx.moveTo(ax, ay);
          for (let j = 0; j < pts.length; j += 2) ctx.lineTo(pts[j], pts[j + 1]);
          ctx.lineTo(bx, by);
          continue;
        }
        if (Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1 || Math.max(ay, by) < y0 || Math.min(ay, by) > y1) continue;
        ctx.moveTo(ax, ay);
        ctx.lineTo(bx, by);
      }
      ctx.strokeStyle = '#999';
      ctx.lineWidth = 1 / Math.max(s, 0.25);
      ctx.stroke();
      const bin = st.bins.bin;
      const n = g.layers.length;
      let drawn = 0;
      for (let c = -1; c < st.bins.colors.length; c++) {
        ctx.fillStyle = c < 0 ? '#eeeeee' : st.bins.colors[c]!;
        for (let i = 0; i < n; i++) {
          if (bin[i] !== c) continue;
          const x = B[i * 4];
          if (x < 0) continue;
          const y = B[i * 4 + 1], w = B[i * 4 + 2], h = B[i * 4 + 3];
          if (x > x1 || x + w < x0 || y > y1 || y + h < y0) continue;
          ctx.fillRect(x, y, w, h);
          drawn++;
        }
      }
      st.drawn = drawn;
      if (s * 24 >= 9) {
        ctx.fillStyle = '#111';
        ctx.strokeStyle = '#555';
        ctx.lineWidth = 0.6;
        ctx.font = '11px system-ui, sans-serif';
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        for (let i = 0; i < n; i++) {
          const x = B[i * 4];
          if (x < 0) continue;
          const y = B[i * 4 + 1], w = B[i * 4 + 2], h = B[i * 4 + 3];
          if (x > x1 || x + w < x0 || y > y1 || y + h < y0) continue;
          ctx.strokeRect(x, y, w, h);
          ctx.fillText(g.layers[i].opType, x + w / 2, y + h / 2, w - 4);
        }
      }
      if (selected && selected.g === gi) {
        const i = selected.i * 4;
        ctx.strokeStyle = '#0050ff';
        ctx.lineWidth = 3 / s;
        ctx.strokeRect(B[i] - 2 / s, B[i + 1] - 2 / s, B[i + 2] + 4 / s, B[i + 3] + 4 / s);
      }
      st.frames.push(performance.now() - f0);
      if (st.frames.length > 600) st.frames.shift();
    }
    const request = () => {
      if (!st.pending) {
        st.pending = true;
        requestAnimationFrame(draw);
      }
    };
    let drag: { x: number; y: number; moved: boolean } | null = null;
    canvas.addEventListener('mousedown', (e) => (drag = { x: e.clientX, y: e.clientY, moved: false }));
    window.addEventListener('mousemove', (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
      st.tx += dx;
      st.ty += dy;
      drag.x = e.clientX;
      drag.y = e.clientY;
      request();
    });
    window.addEventListener('mouseup', (e) => {
      if (drag && !drag.moved && e.target === canvas) {
        const r = canvas.getBoundingClientRect();
        const i = hit((e.clientX - r.left - st.tx) / st.s, (e.clientY - r.top - st.ty) / st.s);
        if (i >= 0) select(gi, i, false);
      }
      drag = null;
    });
    canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = canvas.getBoundingClientRect();
      const mx = e.clientX - r.left, my = e.clientY - r.top;
      const k = Math.exp(-e.deltaY * 0.0015);
      const s2 = Math.max(0.002, Math.min(8, st.s * k));
      st.tx = mx - ((mx - st.tx) * s2) / st.s;
      st.ty = my - ((my - st.ty) * s2) / st.s;
      st.s = s2;
      request();
    }, { passive: false });
    function hit(x: number, y: number): number {
      const B = g.boxes;
      for (let i = 0; i < g.layers.length; i++) {
        const bx = B[i * 4];
        if (bx < 0) continue;
        if (x >= bx && x <= bx + B[i * 4 + 2] && y >= B[i * 4 + 1] && y <= B[i * 4 + 1] + B[i * 4 + 3]) return i;
      }
      return -1;
    }
    function center(i: number) {
      const B = g.boxes;
      if (B[i * 4] < 0) return;
      if (st.s < 0.8) st.s = 1;
      st.tx = st.w / 2 - (B[i * 4] + B[i * 4 + 2] / 2) * st.s;
      st.ty = st.h / 2 - (B[i * 4 + 1] + B[i * 4 + 3] / 2) * st.s;
    }
    /** Where node i is on the page (client coordinates), for tests and for linking. */
    function screenOf(i: number) {
      const r = canvas.getBoundingClientRect();
      const B = g.boxes;
      return { x: r.left + st.tx + (B[i * 4] + B[i * 4 + 2] / 2) * st.s, y: r.top + st.ty + (B[i * 4 + 1] + B[i * 4 + 3] / 2) * st.s };
    }
    resize();
    fit();
    window.addEventListener('resize', () => {
      resize();
      request();
    });
    const pane = { g, st, draw, request, fit, center, screenOf, rebin: () => (st.bins = binning(g)) };
    panes.push(pane);
    return pane;
  }

  function legend() {
    const b = panes[0].st.bins;
    $('#legend').innerHTML = b.legend.map(([c, t]: [string, string]) => `<div><span class="sw" style="background:${c}"></span>${esc(t)}</div>`).join('') + '<div><span class="sw" style="background:#eeeeee"></span>none / 0</div>';
  }

  function select(gi: number, i: number, centre: boolean) {
    selected = { g: gi, i };
    const g = graphs[gi];
    const l = g.layers[i];
    const x = g.extra[i];
    const row = (k: string, v: string, raw?: unknown) => `<tr><th>${esc(k)}</th><td data-k="${esc(k)}"${raw !== undefined ? ` data-value="${esc(raw)}"` : ''}>${v}</td></tr>`;
    let h = `<h3>${esc(l.name)}</h3><table class="kv">`;
    h += row('op', esc(l.opType + (l.domain ? ' (' + l.domain + ')' : '') + (l.kind ? ' · ' + l.kind : '')));
    h += row('inputs', l.inputs.map((v: any) => `${esc(v.name)} <b>${esc(shape(v.shape))}</b>`).join('<br>'));
    h += row('outputs', l.outputs.map((v: any) => `${esc(v.name)} <b>${esc(shape(v.shape))}</b>`).join('<br>'));
    for (const [k, v] of x.attrs) h += row('@' + k, esc(v));
    for (const k of ['params', 'buffers', 'madds', 'flops', 'memAccess', 'memAccessBytes', 'elementwise']) h += row(k, grouped(l[k]), l[k]);
    h += row('intensity', l.intensity.toFixed(3), l.intensity);
    h += row('share of madds', (l.maddsShare * 100).toFixed(2) + '%');
    if (x.time !== null) h += row('time', x.time.toFixed(4) + ' ms', x.time);
    if (x.ranAs) h += row('ran as', esc(x.ranAs) + (x.fused.length ? ' (with ' + x.fused.map(esc).join(', ') + ')' : ''));
    if (x.status) h += row('status', esc(x.status) + (x.matchedBy ? ` (matched by ${esc(x.matchedBy)})` : ''));
    if (x.match !== undefined && x.match !== null) {
      const o = graphs[1 - gi].layers[x.match];
      h += row('other side', esc(o.name));
      for (const k of ['params', 'madds', 'memAccess']) h += row('Δ ' + k, (gi === 0 ? o[k] - l[k] : l[k] - o[k]).toLocaleString('en-US'));
    }
    h += '</table>';
    if (x.findings.length) h += '<h4>Findings</h4><ul>' + x.findings.map((k: number) => `<li class="sev-${doc.findings[k].severity}">[${esc(doc.findings[k].severity)}] ${esc(doc.findings[k].rule)}: ${esc(doc.findings[k].text)}</li>`).join('') + '</ul>';
    $('#details').innerHTML = h;
    if (centre) panes[gi].center(i);
    for (const p of panes) p.request();
    if (x.match !== undefined && x.match !== null && panes[1 - gi]) {
      panes[1 - gi].center(x.match);
    }
  }

  // Controls.
  const sel = $('#metric') as HTMLSelectElement;
  sel.innerHTML = doc.metrics.map((m: string) => `<option value="${m}">${m}</option>`).join('');
  sel.addEventListener('change', () => {
    metric = sel.value;
    for (const p of panes) {
      p.rebin();
      p.request();
    }
    legend();
  });
  let lastQuery = '';
  let hits: { g: number; i: number }[] = [];
  let hitAt = 0;
  $('#search').addEventListener('keydown', (e: KeyboardEvent) => {
    if (e.key !== 'Enter') return;
    const q = ($('#search') as HTMLInputElement).value.trim().toLowerCase();
    if (!q) return;
    if (q !== lastQuery) {
      lastQuery = q;
      hits = [];
      // Exact names first, then names that contain the text.
      graphs.forEach((g, gi) => g.layers.forEach((l: any, i: number) => l.name.toLowerCase() === q && hits.push({ g: gi, i })));
      graphs.forEach((g, gi) => g.layers.forEach((l: any, i: number) => l.name.toLowerCase() !== q && l.name.toLowerCase().includes(q) && hits.push({ g: gi, i })));
      hitAt = 0;
    }
    $('#search-note').textContent = hits.length ? `${hitAt + 1} of ${hits.length}` : 'no match';
    if (hits.length) {
      const h = hits[hitAt++ % hits.length]!;
      select(h.g, h.i, true);
    }
  });

  // Table: every layer of the first graph (the report) or the changed nodes (a diff), sortable and filterable.
  const cols: { key: string; label: string; num: boolean; get: (r: any) => any }[] = doc.table.columns.map((c: any) => ({ ...c, get: (r: any) => r[c.key] }));
  const rows: any[] = doc.table.rows;
  let sortKey = doc.table.sort;
  let sortDir = -1;
  const LIMIT = 500;
  function renderTable() {
    const f = ($('#filter') as HTMLInputElement).value.trim().toLowerCase();
    let rs = f ? rows.filter((r) => String(r.name).toLowerCase().includes(f) || String(r.opType).toLowerCase().includes(f)) : rows.slice();
    const c = cols.find((c) => c.key === sortKey)!;
    rs.sort((a, b) => {
      const x = c.get(a), y = c.get(b);
      return (c.num ? (x ?? -Infinity) - (y ?? -Infinity) : String(x).localeCompare(String(y))) * sortDir;
    });
    const total = rs.length;
    rs = rs.slice(0, LIMIT);
    const fmt = (c: any, v: any) => (v === null || v === undefined ? '' : c.num ? (c.key === 'intensity' ? Number(v).toFixed(2) : c.key === 'time' ? Number(v).toFixed(4) : c.key.startsWith('d') ? (v > 0 ? '+' : '') + si(v) : si(v)) : esc(v));
    $('#table-note').textContent = total > LIMIT ? `showing the first ${LIMIT} of ${total} rows (filter or sort to see others)` : `${total} rows`;
    $('#layers').innerHTML = `<thead><tr>${cols.map((c) => `<th data-key="${c.key}" class="${c.num ? 'num' : ''}">${esc(c.label)}${c.key === sortKey ? (sortDir < 0 ? ' ▼' : ' ▲') : ''}</th>`).join('')}</tr></thead><tbody>${rs
      .map((r) => `<tr data-g="${r.g}" data-i="${r.i}">${cols.map((c) => `<td class="${c.num ? 'num' : ''}">${fmt(c, c.get(r))}</td>`).join('')}</tr>`)
      .join('')}</tbody>`;
  }
  $('#layers').addEventListener('click', (e) => {
    const th = (e.target as HTMLElement).closest('th');
    if (th) {
      const k = th.getAttribute('data-key')!;
      sortDir = k === sortKey ? -sortDir : -1;
      sortKey = k;
      renderTable();
      return;
    }
    const tr = (e.target as HTMLElement).closest('tr[data-i]');
    if (tr) select(Number(tr.getAttribute('data-g')), Number(tr.getAttribute('data-i')), true);
  });
  $('#filter').addEventListener('input', renderTable);

  graphs.forEach((_, gi) => makePane(gi));
  legend();
  renderTable();
  for (const p of panes) p.draw();
  const firstPaint = performance.now() - t0;
  /** Milliseconds from navigation start to the end of the first graph paint. */
  const paintedAt = performance.now();

  // Charts (Chart.js, inlined), drawn after the graph so the graph paints first.
  const charts: any[] = [];
  requestAnimationFrame(() =>
    setTimeout(() => {
      // Chart.js is the page's last script: loaded by now, after the graph's first frame.
      const Chart = (window as any).Chart;
      if (Chart) for (const c of doc.charts) {
        const el = document.getElementById(c.id) as HTMLCanvasElement | null;
        if (el) charts.push(new Chart(el, c.spec));
      }
    }, 0),
  );
  (window as any).leannet = {
    firstPaint,
    paintedAt,
    /** When this script started (ms from navigation start): what came before was the browser reading and parsing the file. */
    scriptStart: t0,
    panes,
    graphs,
    select,
    charts: () => charts.length,
    metric: () => metric,
    setMetric: (m: string) => {
      sel.value = m;
      sel.dispatchEvent(new Event('change'));
    },
    binOf: (gi: number, i: number) => panes[gi].st.bins.bin[i],
    bins: () => panes[0].st.bins.colors.length,
  };
}
