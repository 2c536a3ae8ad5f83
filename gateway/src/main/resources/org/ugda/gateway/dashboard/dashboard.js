// UGDA dashboard: plain JavaScript, plain SVG, nothing fetched from anywhere but this gateway.
//
// Rule of this file: text that came from the server reaches the DOM only as text nodes
// (textContent, createTextNode, SVG <text> children); no innerHTML, outerHTML,
// insertAdjacentHTML or document.write anywhere. Attribute values are set with setAttribute, and
// class names derived from server values are passed through cssToken() first.
'use strict';

(function () {
  const ACTIVE = ['QUEUED', 'RUNNING', 'AWAITING_HUMANS'];
  const POLL_MS = 3000;
  const KEY_STORE = 'ugda.apiKey';
  const SAMPLE_PAGES = 50; // at most 50 pages of 1,000 samples for the selection charts

  const state = {
    key: null,
    selected: null, // run id
    run: null,
    timer: null,
    poll: 0,
    cards: new Map(), // chart id -> {card, body, sig}
    authFailed: false,
  };

  // ---------------------------------------------------------------- DOM helpers (text only)

  function el(tag, cls, ...children) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    append(e, children);
    return e;
  }

  function svg(tag, attrs, ...children) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    append(e, children);
    return e;
  }

  function append(parent, children) {
    for (const c of children) {
      if (c == null || c === false) continue;
      if (Array.isArray(c)) append(parent, c);
      else if (c instanceof Node) parent.appendChild(c);
      else parent.appendChild(document.createTextNode(String(c)));
    }
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /** A server value made safe as (part of) a class name. */
  function cssToken(s) {
    return String(s == null ? '' : s).toLowerCase().replace(/[^a-z0-9_-]/g, '');
  }

  function badge(st) {
    return el('span', 'badge st-' + cssToken(st), String(st == null ? '?' : st).toLowerCase());
  }

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- formatting

  function fmt(x, digits) {
    if (typeof x !== 'number' || !Number.isFinite(x)) return '—';
    const a = Math.abs(x);
    if (digits == null && Number.isInteger(x) && a < 1e7) return String(x);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2);
    return x.toFixed(digits == null ? (a >= 100 ? 1 : 3) : digits);
  }

  function duration(ms) {
    if (!Number.isFinite(ms) || ms < 0) return '';
    const s = Math.round(ms / 1000);
    if (s < 60) return s + ' s';
    const m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + (s % 60) + ' s';
    const h = Math.floor(m / 60);
    if (h < 48) return h + ' h ' + (m % 60) + ' min';
    return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
  }

  function age(iso) {
    const t = Date.parse(iso);
    if (!Number.isFinite(t)) return '';
    const s = Math.max(0, Math.round((Date.now() - t) / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.floor(s / 60) + ' min ago';
    if (s < 48 * 3600) return Math.floor(s / 3600) + ' h ago';
    return Math.floor(s / 86400) + ' d ago';
  }

  function span(startIso, endIso) {
    const a = Date.parse(startIso);
    if (!Number.isFinite(a)) return '';
    const b = endIso ? Date.parse(endIso) : Date.now();
    const d = duration(b - a);
    return d && !endIso ? d + ' so far' : d;
  }

  // ---------------------------------------------------------------- the key and the API

  /**
   * A key can come in the URL fragment (#key=...&run=...): a fragment is never sent to the
   * server, and the page removes it from the address bar (history.replaceState) right after
   * reading it, keeping only #run=<id>. The key then lives in sessionStorage: this tab only.
   */
  function readFragment() {
    const hash = location.hash.replace(/^#/, '');
    if (!hash) return;
    const p = new URLSearchParams(hash);
    if (p.get('key')) {
      try { sessionStorage.setItem(KEY_STORE, p.get('key')); } catch (e) { state.key = p.get('key'); }
    }
    if (p.get('run')) state.selected = p.get('run');
    rememberRun();
  }

  function rememberRun() {
    const frag = state.selected ? '#run=' + encodeURIComponent(state.selected) : '';
    history.replaceState(null, '', location.pathname + location.search + frag);
  }

  function loadKey() {
    try { state.key = sessionStorage.getItem(KEY_STORE) || state.key; } catch (e) { /* no storage */ }
    $('key-forget').hidden = !state.key;
    $('key-form').hidden = !!state.key && !state.authFailed;
  }

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  /** A chart's data that is not there (yet): the message says why. */
  class Missing extends Error {}

  async function api(path) {
    if (!state.key) throw new ApiError(0, 'no API key given');
    let r;
    try {
      r = await fetch(path, {
        headers: { Authorization: 'Bearer ' + state.key, Accept: 'application/json' },
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiError(0, 'the gateway cannot be reached (' + e.message + ')');
    }
    if (r.status === 401 || r.status === 403) {
      authFailure(r.status);
      throw new ApiError(r.status, r.status === 401
        ? 'the gateway refused the API key (401)'
        : 'the API key may not read this (403)');
    }
    if (!r.ok) {
      let detail = '';
      try { const p = await r.json(); detail = p.detail || p.title || ''; } catch (e) { /* not JSON */ }
      throw new ApiError(r.status, 'HTTP ' + r.status + (detail ? ': ' + detail : ''));
    }
    return r.json();
  }

  function authFailure(status) {
    state.authFailed = true;
    stopPolling();
    banner(status === 401
      ? 'The gateway refused the API key (401 Unauthorized). Enter a valid key above; every /api call'
        + ' needs "Authorization: Bearer <key>".'
      : 'The API key was accepted but may not read this (403 Forbidden). Use a key with read access.');
    $('key-form').hidden = false;
  }

  function banner(text) {
    const b = $('banner');
    b.textContent = text || '';
    b.hidden = !text;
  }

  const enc = encodeURIComponent;

  // ---------------------------------------------------------------- runs list

  async function refresh() {
    stopPolling();
    if (!state.key) {
      $('status').textContent = 'Enter an API key to load the runs.';
      markReady();
      return;
    }
    let runs;
    try {
      runs = await api('api/runs');
    } catch (e) {
      $('runs-note').textContent = 'Runs not available: ' + e.message;
      markReady();
      return;
    }
    state.authFailed = false;
    banner('');
    $('key-form').hidden = true;
    renderRuns(runs);
    await loadExperiments();
    if (!state.selected && runs.length) state.selected = runs[0].id;
    if (state.selected) await loadRun();
    else markReady();
    $('status').textContent = 'updated ' + new Date().toLocaleTimeString()
      + (state.run && ACTIVE.includes(state.run.state) ? ' · live, every ' + POLL_MS / 1000 + ' s' : '');
    if (state.run && ACTIVE.includes(state.run.state) && !state.authFailed) {
      state.timer = setTimeout(() => { state.poll++; refresh(); }, POLL_MS);
    }
  }

  function stopPolling() {
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
  }

  function renderRuns(runs) {
    const tbody = $('runs').tBodies[0];
    clear(tbody);
    for (const r of runs) {
      const tr = el('tr', r.id === state.selected ? 'selected' : '',
        el('td', '', el('div', 'run-name', r.name),
          el('div', 'note', 'method ' + String(r.method) + ' · step ' + String(r.currentStep || '—')
            + ' · ' + age(r.createdAt))),
        el('td', '', badge(r.state)));
      tr.setAttribute('data-run', String(r.id));
      tr.addEventListener('click', () => select(r.id));
      tbody.appendChild(tr);
    }
    $('runs-note').textContent = runs.length ? runs.length + ' runs, newest first'
      : 'No runs yet: POST /api/runs starts one.';
    document.body.setAttribute('data-runs', String(runs.length));
  }

  function select(id) {
    if (id === state.selected) return;
    state.selected = id;
    state.run = null;
    rememberRun();
    for (const c of state.cards.values()) c.card.remove();
    state.cards.clear();
    refresh();
  }

  // ---------------------------------------------------------------- one run

  async function loadRun() {
    let run;
    try {
      run = await api('api/runs/' + enc(state.selected));
    } catch (e) {
      $('run-title').textContent = 'Run ' + state.selected;
      $('run-meta').textContent = 'not available: ' + e.message;
      markReady();
      return;
    }
    state.run = run;
    for (const tr of $('runs').tBodies[0].rows) {
      tr.className = tr.getAttribute('data-run') === String(run.id) ? 'selected' : '';
    }
    renderRun(run);
    await renderCharts(run);
    markReady();
  }

  function renderRun(run) {
    $('run-title').textContent = run.name;
    const meta = $('run-meta');
    clear(meta);
    const req = run.request || {};
    append(meta, [badge(run.state), ' ', run.method, ' · budget ', fmt(req.budget, 2), ' · expert ',
      req.expert || '—', ' · preset ', req.preset || '—', ' · seed ', req.seed == null ? '—' : req.seed,
      ' · created ', age(run.createdAt), run.startedAt ? ' · ' + span(run.startedAt, run.finishedAt) : '',
      ' · id ', run.id]);
    if (run.error) meta.appendChild(el('div', 'error', run.error));
    const tl = $('timeline');
    clear(tl);
    for (const s of run.steps || []) {
      const li = el('li', 'step st-' + cssToken(s.state),
        el('div', '', el('span', 'name', s.ordinal + '. ' + s.name), ' ', badge(s.state)),
        el('div', 'detail', s.startedAt ? span(s.startedAt, s.finishedAt) : 'not started'));
      li.setAttribute('data-step', String(s.name));
      if (s.reusedFrom) {
        const a = el('a', '', String(s.reusedFrom).slice(0, 8));
        a.setAttribute('href', '#run=' + enc(s.reusedFrom));
        a.addEventListener('click', (ev) => { ev.preventDefault(); select(s.reusedFrom); });
        li.appendChild(el('div', 'reused', '↻ reused from run ', a));
      }
      if (s.progress && s.state === 'RUNNING') li.appendChild(el('div', 'detail', pairs(s.progress)));
      if (s.outputs && Object.keys(s.outputs).length) li.appendChild(el('div', 'detail', pairs(s.outputs)));
      if (s.error) li.appendChild(el('div', 'error', s.error));
      tl.appendChild(li);
    }
  }

  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  /** "key: value · ..." of a step's outputs or progress; ids cut to 8 characters (full in the tooltip). */
  const LONG = 160; // a value longer than this is cut (the whole map is in the tooltip)

  function pairs(map) {
    const e = el('span', '');
    const all = JSON.stringify(map);
    e.setAttribute('title', all.length > 4000 ? all.slice(0, 4000) + '…' : all);
    e.textContent = Object.entries(map).map(([k, v]) => {
      const text = typeof v === 'number' ? fmt(v) : typeof v === 'string' && UUID.test(v) ? v.slice(0, 8) + '…'
        : typeof v === 'object' ? JSON.stringify(v) : String(v);
      return k + ': ' + (text.length > LONG ? text.slice(0, LONG) + '…' : text);
    }).join(' · ');
    return e;
  }

  // ---------------------------------------------------------------- charts

  function step(run, name) {
    return (run.steps || []).find((s) => s.name === name);
  }

  function output(run, name, key) {
    const s = step(run, name);
    if (!s) throw new Missing('a ' + String(run.method) + ' run has no ' + name + ' step');
    const v = s.outputs && s.outputs[key];
    if (v == null) {
      throw new Missing(s.state === 'FAILED' ? 'the ' + name + ' step failed'
        : 'the ' + name + ' step has not got that far (' + String(s.state).toLowerCase() + ')');
    }
    return v;
  }

  /** A chart's signature: what its data depends on; the chart is redrawn when it changes. */
  function sig(run, deps) {
    return deps.map((n) => {
      const s = step(run, n);
      return n + ':' + (s ? s.state + (s.state === 'RUNNING' ? '@' + state.poll : '') : '-');
    }).join(',') + '|' + (run.results ? 'r' : '');
  }

  const CHARTS = [
    { id: 'proxy-mean', title: 'Proxy reward (ensemble mean) over PPO steps', deps: ['ppo', 'ppo-refined'], draw: drawProxyMean },
    { id: 'proxy-variance', title: 'Ensemble variance over PPO steps', deps: ['ppo', 'ppo-refined'], draw: drawProxyVariance },
    { id: 'gold-proxy', title: 'Gold reward next to proxy reward over PPO steps', deps: ['ppo', 'ppo-refined'], draw: drawGoldProxy },
    { id: 'overopt', title: 'Over-optimisation: reward against √KL', deps: ['ppo', 'ppo-refined'], draw: drawOverOpt },
    { id: 'variance-hist', title: 'Ensemble variance of the logged samples, with the γ cut', deps: ['select'], draw: drawVarianceHist },
    { id: 'influence', title: 'Influence (aggregate) against uncertainty (variance)', deps: ['select'], draw: drawInfluence },
    { id: 'scores', title: 'Relabel scores', deps: ['relabel'], draw: drawScores },
    { id: 'versions', title: 'Ensemble versions and held-out accuracy', deps: ['ensemble', 'refine', 'evaluate'], draw: drawVersions },
    { id: 'results', title: 'Results: gold reward per subtask, SFT vs final policy', deps: ['evaluate'], draw: drawResults, wide: true },
  ];

  async function renderCharts(run) {
    const holder = $('charts');
    const cache = {};
    await Promise.all(CHARTS.map(async (c) => {
      let entry = state.cards.get(c.id);
      if (!entry) {
        const body = el('div', 'body');
        const card = el('div', 'card' + (c.wide ? ' wide' : ''), el('h3', '', c.title), body);
        card.setAttribute('data-chart', c.id);
        entry = { card, body, sig: null };
        state.cards.set(c.id, entry);
      }
      holder.appendChild(entry.card); // keeps CHARTS' order
      const s = sig(run, c.deps);
      if (s === entry.sig) return;
      entry.sig = s;
      const body = el('div', 'body');
      try {
        await c.draw(run, body, cache);
        entry.card.setAttribute('data-state', 'drawn');
      } catch (e) {
        clear(body);
        body.appendChild(el('p', 'missing', 'not available: ' + (e && e.message ? e.message : String(e))));
        entry.card.setAttribute('data-state', 'missing');
        if (!(e instanceof Missing) && !(e instanceof ApiError)) console.error(e);
      }
      entry.body.replaceWith(body);
      entry.body = body;
    }));
  }

  /** Memoised per render: several charts read the same service resource. */
  function once(cache, key, f) {
    if (!cache[key]) cache[key] = f();
    return cache[key];
  }

  const PPO_STEPS = [['ppo', 'first PPO'], ['ppo-refined', 'PPO on the refined ensemble']];

  /** The PPO runs' steps: [{label, steps}], plus why any is missing; Missing when none is there. */
  async function ppoSeries(run, cache) {
    return once(cache, 'ppo', async () => {
      const got = [];
      const why = [];
      for (const [name, label] of PPO_STEPS) {
        if (!step(run, name)) continue;
        try {
          const id = output(run, name, 'policyRunId');
          const steps = await api('api/policy/v1/runs/' + enc(id) + '/steps');
          if (!steps.length) throw new Missing('the ' + name + ' run has logged no step yet');
          got.push({ name, label, steps });
        } catch (e) {
          why.push(label + ': ' + e.message);
        }
      }
      if (!got.length) throw new Missing(why.join('; ') || 'a ' + String(run.method) + ' run trains no policy');
      return { got, why };
    });
  }

  function metric(stepsList, key, xf) {
    const pts = [];
    for (const s of stepsList) {
      const m = s.metrics || {};
      const y = m[key];
      const x = xf ? xf(s) : s.step;
      if (typeof y === 'number' && Number.isFinite(y) && Number.isFinite(x)) pts.push([x, y]);
    }
    return pts;
  }

  function missingNote(body, why) {
    if (why.length) body.appendChild(el('p', 'note', 'not available: ' + why.join('; ')));
  }

  async function drawProxyMean(run, body, cache) {
    const { got, why } = await ppoSeries(run, cache);
    lineChart(body, got.map((g, i) => ({ label: g.label, cls: 's' + i, pts: metric(g.steps, 'proxyMean') })),
      'PPO step', 'proxy reward mean');
    missingNote(body, why);
  }

  async function drawProxyVariance(run, body, cache) {
    const { got, why } = await ppoSeries(run, cache);
    lineChart(body, got.map((g, i) => ({ label: g.label, cls: 's' + i, pts: metric(g.steps, 'proxyVariance') })),
      'PPO step', 'ensemble variance');
    missingNote(body, why);
  }

  async function drawGoldProxy(run, body, cache) {
    const { got, why } = await ppoSeries(run, cache);
    const series = [];
    got.forEach((g, i) => {
      series.push({ label: 'proxy · ' + g.label, cls: 's' + (2 * i), pts: metric(g.steps, 'proxyMean') });
      series.push({ label: 'gold · ' + g.label, cls: 's' + (2 * i + 1), dashed: true, pts: metric(g.steps, 'goldMean') });
    });
    if (!series.some((s) => s.label.startsWith('gold') && s.pts.length)) {
      why.push('no gold reward in the PPO steps (prompts outside the benchmark world)');
    }
    lineChart(body, series, 'PPO step', 'reward');
    missingNote(body, why);
  }

  async function drawOverOpt(run, body, cache) {
    const { got, why } = await ppoSeries(run, cache);
    const rootKl = (s) => Math.sqrt(Math.max(0, (s.metrics || {}).kl));
    const series = [];
    got.forEach((g, i) => {
      series.push({ label: 'proxy · ' + g.label, cls: 's' + (2 * i), pts: metric(g.steps, 'proxyMean', rootKl), dots: true });
      series.push({ label: 'gold · ' + g.label, cls: 's' + (2 * i + 1), dashed: true, pts: metric(g.steps, 'goldMean', rootKl), dots: true });
    });
    lineChart(body, series, '√KL(policy ‖ SFT)', 'reward');
    missingNote(body, why);
  }

  async function selection(run, cache) {
    return once(cache, 'selection', async () => {
      const id = output(run, 'select', 'selectionId');
      const view = await api('api/selection/v1/selections/' + enc(id));
      const items = [];
      let after = null;
      let pages = 0;
      do {
        const page = await api('api/selection/v1/selections/' + enc(id) + '/samples?limit=1000'
          + (after ? '&after=' + enc(after) : ''));
        for (const it of page.items || []) items.push(it);
        after = page.next;
        pages++;
      } while (after && pages < SAMPLE_PAGES);
      if (!items.length) {
        throw new Missing('the selection has no samples yet (' + String(view.state).toLowerCase() + ')');
      }
      return { view, items, truncated: !!after };
    });
  }

  async function drawVarianceHist(run, body, cache) {
    const { view, items, truncated } = await selection(run, cache);
    const gamma = view.request && view.request.gamma;
    const v = items.map((s) => s.rewardVariance).filter(Number.isFinite);
    const passed = items.filter((s) => s.passedUncertainty).map((s) => s.rewardVariance);
    const cut = passed.length ? passed.reduce((a, b) => Math.min(a, b)) : null;
    const lo = v.reduce((a, b) => Math.min(a, b), Infinity);
    const hi = v.reduce((a, b) => Math.max(a, b), -Infinity);
    const n = 30;
    const w = (hi - lo) / n || 1;
    const bins = Array.from({ length: n }, (_, i) => ({ x0: lo + i * w, x1: lo + (i + 1) * w, a: 0, b: 0 }));
    for (const s of items) {
      const i = Math.min(n - 1, Math.max(0, Math.floor((s.rewardVariance - lo) / w)));
      if (s.passedUncertainty) bins[i].a++; else bins[i].b++;
    }
    histogram(body, bins, 'ensemble variance', 'samples',
      cut == null ? null : { x: cut, label: 'γ = ' + fmt(gamma, 2) });
    body.appendChild(el('div', 'legend', el('span', '', el('span', 'sw passed'), 'passed the γ cut (' + passed.length + ')'),
      el('span', '', el('span', 'sw filtered'), 'filtered out (' + (items.length - passed.length) + ')')));
    body.appendChild(el('p', 'note', items.length + ' samples' + (truncated ? ' (first ' + items.length + ' only)' : '')
      + ' · strategy ' + String((view.request || {}).strategy) + ' · kept ' + (view.keptSize == null ? '—' : view.keptSize)
      + (gamma == null ? '' : ' · the cut is on the variance rank: the top ' + fmt(100 * (1 - gamma), 0) + ' % pass')));
  }

  async function drawInfluence(run, body, cache) {
    const { items } = await selection(run, cache);
    const pts = items.filter((s) => typeof s.aggregate === 'number' && Number.isFinite(s.aggregate));
    if (!pts.length) throw new Missing('this selection\'s strategy computed no influence');
    const kept = pts.filter((s) => s.kept).length;
    scatter(body, pts.map((s) => ({ x: s.rewardVariance, y: s.aggregate, kept: s.kept })),
      'ensemble variance (uncertainty)', 'influence (aggregate)');
    body.appendChild(el('div', 'legend', el('span', '', el('span', 'sw kept'), 'kept, to the expert (' + kept + ')'),
      el('span', '', el('span', 'sw other'), 'not kept (' + (pts.length - kept) + ')')));
  }

  async function drawScores(run, body) {
    const id = output(run, 'relabel', 'relabelJobId');
    const labels = await api('api/relabel/v1/relabel/jobs/' + enc(id) + '/labels');
    if (!labels.length) throw new Missing('no label yet');
    const current = new Map(); // the newest label per item (corrections supersede)
    for (const l of labels) {
      const c = current.get(l.itemId);
      if (!c || Date.parse(l.createdAt) >= Date.parse(c.createdAt)) current.set(l.itemId, l);
    }
    const counts = [0, 0, 0, 0, 0];
    let sum = 0;
    const experts = new Set();
    for (const l of current.values()) {
      if (l.score >= 1 && l.score <= 5) { counts[l.score - 1]++; sum += l.score; }
      experts.add(String(l.expert));
    }
    bars(body, counts.map((c, i) => ({ label: String(i + 1), value: c })), 'score', 'labels');
    body.appendChild(el('p', 'note', current.size + ' labels · mean score ' + fmt(sum / current.size, 2)
      + ' · expert ' + [...experts].join(', ')));
  }

  async function drawVersions(run, body) {
    const id = output(run, 'ensemble', 'ensembleId');
    const versions = await api('api/reward/v1/ensembles/' + enc(id) + '/versions');
    const acc = (run.results && run.results.accuracy) || {};
    const used = new Set();
    for (const n of ['ensemble', 'refine']) {
      const s = step(run, n);
      if (s && s.outputs && s.outputs.version != null) used.add(String(s.outputs.version));
    }
    const withAcc = versions.filter((v) => typeof acc[String(v.number)] === 'number');
    if (withAcc.length) {
      bars(body, withAcc.map((v) => ({ label: 'v' + v.number, value: acc[String(v.number)] })), 'version',
        'held-out pair accuracy', 1);
    }
    const table = el('table', '', el('thead', '', el('tr', '', el('th', '', 'version'), el('th', '', 'kind'),
      el('th', '', 'parent'), el('th', '', 'created'), el('th', 'num', 'accuracy'))));
    const tb = el('tbody', '');
    for (const v of versions) {
      tb.appendChild(el('tr', '', el('td', '', 'v' + v.number + (used.has(String(v.number)) ? ' (this run)' : '')),
        el('td', '', v.kind), el('td', '', v.parent == null ? '—' : 'v' + v.parent), el('td', '', age(v.createdAt)),
        el('td', 'num', fmt(acc[String(v.number)]))));
    }
    table.appendChild(tb);
    body.appendChild(table);
    if (!withAcc.length) {
      body.appendChild(el('p', 'note', 'accuracy not available: ' + (run.results ? 'the results name none'
        : 'the run has not been evaluated yet')));
    }
  }

  async function drawResults(run, body) {
    const r = run.results;
    if (!r) {
      const s = step(run, 'evaluate');
      throw new Missing('the evaluate step has not finished (' + (s ? String(s.state).toLowerCase() : 'no such step') + ')');
    }
    const pol = r.policy || {};
    const sft = r.sft || {};
    const subtasks = [...new Set([...Object.keys(sft), ...Object.keys(pol)])];
    const table = el('table', '', el('thead', '', el('tr', '', el('th', '', 'subtask'),
      el('th', 'num', 'SFT gold mean ± sd'), el('th', 'num', 'SFT variance'), el('th', 'num', 'policy gold mean ± sd'),
      el('th', 'num', 'policy variance'), el('th', 'num', 'Δ mean'), el('th', 'num', 'n (SFT / policy)'))));
    const tb = el('tbody', '');
    const pm = (g) => (g && typeof g.mean === 'number' ? fmt(g.mean) + ' ± ' + fmt(Math.sqrt(g.variance)) : '—');
    for (const t of subtasks) {
      const a = sft[t] || {};
      const b = pol[t] || {};
      tb.appendChild(el('tr', '', el('td', '', t), el('td', 'num', pm(a)), el('td', 'num', fmt(a.variance)),
        el('td', 'num', pm(b)), el('td', 'num', fmt(b.variance)),
        el('td', 'num', fmt(typeof a.mean === 'number' && typeof b.mean === 'number' ? b.mean - a.mean : NaN)),
        el('td', 'num', (a.n == null ? '—' : a.n) + ' / ' + (b.n == null ? '—' : b.n))));
    }
    table.appendChild(tb);
    body.appendChild(table);
    body.appendChild(el('p', 'note', 'relabelled samples: ' + (r.relabelled == null ? '—' : r.relabelled)
      + ' · method ' + String(run.method)));
  }

  // ---------------------------------------------------------------- plain SVG

  const W = 620;
  const H = 300;
  const M = { l: 62, r: 28, t: 12, b: 44 };

  function ticks(lo, hi, n) {
    if (!(hi > lo)) { hi = lo + 1; lo -= 1; }
    const step0 = (hi - lo) / n;
    const p = Math.pow(10, Math.floor(Math.log10(step0)));
    const m = step0 / p;
    const step = (m >= 5 ? 10 : m >= 2 ? 5 : m >= 1 ? 2 : 1) * p;
    const out = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
    return { lo: Math.min(lo, out[0]), hi: Math.max(hi, out[out.length - 1]), ticks: out };
  }

  function tick(t) {
    const a = Math.abs(t);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return t.toExponential(1);
    return String(Number(t.toPrecision(6)));
  }

  function frame(xs, ys, xLabel, yLabel, opts) {
    const o = opts || {};
    const min = (a) => a.reduce((p, q) => Math.min(p, q), Infinity);
    const max = (a) => a.reduce((p, q) => Math.max(p, q), -Infinity);
    const xt = ticks(min(xs), max(xs), 6);
    const yt = ticks(o.y0 ? Math.min(0, min(ys)) : min(ys), o.y1 != null ? Math.max(o.y1, max(ys)) : max(ys), 5);
    const X = (x) => M.l + (x - xt.lo) / (xt.hi - xt.lo) * (W - M.l - M.r);
    const Y = (y) => H - M.b - (y - yt.lo) / (yt.hi - yt.lo) * (H - M.t - M.b);
    const root = svg('svg', { class: 'chart', viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    const axis = svg('g', { class: 'axis' });
    for (const t of yt.ticks) {
      root.appendChild(svg('line', { class: 'grid', x1: M.l, x2: W - M.r, y1: Y(t), y2: Y(t) }));
      axis.appendChild(svg('text', { x: M.l - 6, y: Y(t) + 4, 'text-anchor': 'end' }, tick(t)));
    }
    if (!o.noXTicks) {
      for (const t of xt.ticks) {
        axis.appendChild(svg('line', { x1: X(t), x2: X(t), y1: H - M.b, y2: H - M.b + 4 }));
        axis.appendChild(svg('text', { x: X(t), y: H - M.b + 16, 'text-anchor': 'middle' }, tick(t)));
      }
    }
    axis.appendChild(svg('line', { x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b }));
    axis.appendChild(svg('line', { x1: M.l, x2: M.l, y1: M.t, y2: H - M.b }));
    axis.appendChild(svg('text', { x: (M.l + W - M.r) / 2, y: H - 6, 'text-anchor': 'middle' }, xLabel));
    axis.appendChild(svg('text', { x: 12, y: (M.t + H - M.b) / 2, 'text-anchor': 'middle',
      transform: 'rotate(-90 12 ' + (M.t + H - M.b) / 2 + ')' }, yLabel));
    root.appendChild(axis);
    return { root, X, Y };
  }

  function lineChart(body, series, xLabel, yLabel) {
    const drawn = series.filter((s) => s.pts.length);
    if (!drawn.length) throw new Missing('the steps carry no such metric');
    const xs = drawn.flatMap((s) => s.pts.map((p) => p[0]));
    const ys = drawn.flatMap((s) => s.pts.map((p) => p[1]));
    const f = frame(xs, ys, xLabel, yLabel);
    for (const s of drawn) {
      const pts = s.dots ? s.pts : s.pts.slice().sort((a, b) => a[0] - b[0]);
      const d = pts.map((p, i) => (i ? 'L' : 'M') + f.X(p[0]).toFixed(1) + ' ' + f.Y(p[1]).toFixed(1)).join(' ');
      f.root.appendChild(svg('path', { class: 'line ' + s.cls + (s.dashed ? ' dashed' : ''), d },
        svg('title', {}, s.label)));
      if (s.dots || pts.length === 1) {
        for (const p of pts) f.root.appendChild(svg('circle', { class: s.cls, cx: f.X(p[0]), cy: f.Y(p[1]), r: 2.5 }));
      }
    }
    body.appendChild(el('div', 'legend', drawn.map((s) => el('span', '', el('span', 'sw ' + s.cls), s.label
      + ' (' + s.pts.length + ')'))));
    body.appendChild(f.root);
  }

  function histogram(body, bins, xLabel, yLabel, cut) {
    const f = frame([bins[0].x0, bins[bins.length - 1].x1], bins.map((b) => b.a + b.b), xLabel, yLabel, { y0: true });
    for (const b of bins) {
      const x = f.X(b.x0) + 0.5;
      const w = Math.max(0.5, f.X(b.x1) - f.X(b.x0) - 1);
      if (b.b) f.root.appendChild(svg('rect', { class: 'bar filtered', x, width: w, y: f.Y(b.b), height: f.Y(0) - f.Y(b.b) }));
      if (b.a) {
        f.root.appendChild(svg('rect', { class: 'bar passed', x, width: w, y: f.Y(b.a + b.b),
          height: f.Y(b.b) - f.Y(b.a + b.b) }));
      }
    }
    if (cut) {
      const x = f.X(cut.x);
      f.root.appendChild(svg('line', { class: 'cut', x1: x, x2: x, y1: M.t, y2: H - M.b }));
      f.root.appendChild(svg('text', { class: 'title', x: x + 4, y: M.t + 12 }, cut.label));
    }
    body.appendChild(f.root);
  }

  function scatter(body, pts, xLabel, yLabel) {
    const f = frame(pts.map((p) => p.x), pts.map((p) => p.y), xLabel, yLabel);
    for (const p of pts.filter((q) => !q.kept).concat(pts.filter((q) => q.kept))) {
      f.root.appendChild(svg('circle', { class: 'dot' + (p.kept ? ' kept' : ''), cx: f.X(p.x), cy: f.Y(p.y), r: p.kept ? 3 : 2.5 }));
    }
    body.appendChild(f.root);
  }

  function bars(body, items, xLabel, yLabel, yMax) {
    const top = items.reduce((m, b) => Math.max(m, b.value), 0) * 1.12; // room for the value labels
    const f = frame([0, items.length], items.map((b) => b.value), xLabel, yLabel,
      { y0: true, y1: yMax == null ? top : Math.max(yMax, top), noXTicks: true });
    const slot = (f.X(items.length) - f.X(0)) / items.length;
    items.forEach((b, i) => {
      const x = f.X(0) + i * slot + slot * 0.15;
      f.root.appendChild(svg('rect', { class: 'bar score', x, width: slot * 0.7, y: f.Y(b.value),
        height: f.Y(0) - f.Y(b.value) }, svg('title', {}, b.label + ': ' + b.value)));
      f.root.appendChild(svg('text', { x: x + slot * 0.35, y: H - M.b + 16, 'text-anchor': 'middle' }, b.label));
      f.root.appendChild(svg('text', { x: x + slot * 0.35, y: f.Y(b.value) - 4, 'text-anchor': 'middle' },
        Number.isInteger(b.value) ? String(b.value) : fmt(b.value)));
    });
    body.appendChild(f.root);
  }

  // ---------------------------------------------------------------- experiments

  /** "0.452 ± 0.013" of a Stat ({mean, ci95, n}); "n/a" where one seed gives no interval. */
  function stat(st, signed) {
    if (!st || typeof st.mean !== 'number') return '—';
    const m = (signed && st.mean >= 0 ? '+' : '') + st.mean.toFixed(3);
    return m + ' ± ' + (typeof st.ci95 === 'number' ? st.ci95.toFixed(3) : 'n/a');
  }

  function label(method, budget) {
    const m = String(method).toUpperCase();
    return m === 'SFT' ? m : m + ' ' + Math.round(100 * budget) + '%';
  }

  function table(head, rows) {
    return el('table', 'experiment',
      el('thead', '', el('tr', '', head.map((h) => el('th', '', h)))),
      el('tbody', '', rows.map((r) => el('tr', '', r.map((c) => (c instanceof Node ? c : el('td', '', c)))))));
  }

  async function loadExperiments() {
    const panel = $('experiments-panel');
    let names;
    try {
      names = await api('api/experiments');
    } catch (e) {
      panel.hidden = true;
      return;
    }
    const keys = Object.keys(names || {});
    panel.hidden = keys.length === 0;
    document.body.setAttribute('data-experiments', String(keys.length));
    if (!keys.length) return;
    const sel = $('experiment-select');
    const chosen = keys.includes(sel.value) ? sel.value : keys[0];
    clear(sel);
    for (const k of keys) {
      const o = el('option', '', k + ' (' + names[k] + ' runs)');
      o.value = k;
      sel.appendChild(o);
    }
    sel.value = chosen;
    sel.onchange = () => renderExperiment(sel.value);
    await renderExperiment(chosen);
  }

  async function renderExperiment(name) {
    const box = $('experiment-tables');
    let r;
    try {
      r = await api('api/experiments/' + enc(name));
    } catch (e) {
      clear(box);
      box.appendChild(el('p', 'missing', 'not available: ' + e.message));
      return;
    }
    clear(box);
    box.appendChild(el('p', 'note', r.finished + ' of ' + r.runs + ' cells finished'
      + (r.unfinished.length ? ' · unfinished: ' + r.unfinished.map((u) => u.name).join(', ') : '')));
    const noises = [...new Set(r.main.map((m) => m.noise))];
    for (const noise of noises) {
      box.appendChild(el('h3', '', noise === 'clean' ? 'Table 2: clean preferences' : 'Table 3: ' + noise));
      box.appendChild(table(
        ['method', 'seeds', 'gold helpful', 'gold harmless', 'gold all', 'var helpful', 'var harmless', 'RM acc.'],
        r.main.filter((m) => m.noise === noise).map((m) => [label(m.method, m.budget), String(m.seeds.length),
          stat(m.goldMean.helpful), stat(m.goldMean.harmless), stat(m.goldMean.all),
          stat(m.goldVariance.helpful), stat(m.goldVariance.harmless), stat(m.accuracy.all)])));
      const wins = r.wins.filter((w) => w.noise === noise);
      if (wins.length) {
        box.appendChild(el('h3', '', 'Figure 2 layout: UGDA against each cell (' + noise + ')'));
        box.appendChild(table(['UGDA', 'against', 'win', 'tie', 'lose', 'Δ gold all', 'verdict'],
          wins.map((w) => [w.ugda, w.baseline, stat(w.win), stat(w.tie), stat(w.lose), stat(w.diff.all, true),
            el('td', cssToken(w.verdict), w.verdict)])));
      }
    }
    const sweeps = r.sweeps || [];
    if (sweeps.length) {
      box.appendChild(el('h3', '', 'Sweeps: projection dimension, gamma and eta'));
      box.appendChild(table(['noise', 'sweep', 'd', 'gamma', 'eta', 'gold all', 'kept'],
        sweeps.map((s) => [s.noise, s.sweep, String(s.dim), fmt(s.gamma, 2),
          s.eta == null ? '—' : fmt(s.eta, 2), stat(s.goldMean.all), stat(s.kept)])));
    }
    document.body.setAttribute('data-experiment', String(name));
  }

  // ---------------------------------------------------------------- start

  /**
   * Marks for a headless browser that only sees the final DOM: data-ready once the runs (and the
   * selected run's charts) are drawn; data-pwned says whether any injected script ran;
   * data-key-in-url whether the key is still in the address bar.
   */
  function markReady() {
    document.body.setAttribute('data-ready', 'true');
    document.body.setAttribute('data-pwned', window.__pwned ? 'yes' : 'no');
    document.body.setAttribute('data-key-in-url', /(^|[#&?])key=/.test(location.href) ? 'yes' : 'no');
  }

  function start() {
    readFragment();
    loadKey();
    $('key-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const k = $('key-input').value.trim();
      if (!k) return;
      try { sessionStorage.setItem(KEY_STORE, k); } catch (e) { state.key = k; }
      $('key-input').value = '';
      state.authFailed = false;
      loadKey();
      refresh();
    });
    $('key-forget').addEventListener('click', () => {
      try { sessionStorage.removeItem(KEY_STORE); } catch (e) { /* no storage */ }
      state.key = null;
      stopPolling();
      loadKey();
      $('key-form').hidden = false;
      $('status').textContent = 'Key forgotten. Enter an API key to load the runs.';
    });
    refresh();
  }

  start();
})();
