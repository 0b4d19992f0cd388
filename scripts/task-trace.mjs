#!/usr/bin/env node
// The main-thread tasks of a cold load, from a Chromium trace: which tasks are long (over
// 50 ms) between navigation and the first result plus 5 seconds, and what each is made of.
//
//   node scripts/task-trace.mjs                     (dist/, the Futian sample, 4× slowdown, 3 loads)
//   node scripts/task-trace.mjs --dir /tmp/dist-old --runs 5 --rate 4 --query '?lat=22.535&lng=114.02'
//   node scripts/task-trace.mjs --profile         (adds V8's sampling profiler: the functions that
//                                                  took the time in each long task; wasm functions
//                                                  have names only in a build that keeps them,
//                                                  e.g. wasm-opt -g)
//
// Prints, per load, the time to the first result, the long tasks and a "blocking" total: the
// sum over those tasks of the time beyond 50 ms (what Lighthouse's total blocking time adds
// up, here over a fixed window: from navigation to the first result + 5 s). Then the long tasks
// of the median load, each with its largest parts (script, style and layout, paint, garbage
// collection, wasm compilation) and the functions or timers they came from.
// scripts/perf.mjs (`tasks`) uses the same functions for docs/BROWSER_BENCHMARKS.md.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, WAIT_MS, distDir, warmUp } from '../tests/e2e/lib.mjs';
import { startServer } from './serve.mjs';
import { PHONE, recordFirstResult } from './bench-page.mjs';

export const LONG_TASK_MS = 50;
/** How long after the first result tasks are still counted. */
export const AFTER_FIRST_RESULT_MS = 5000;

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'toplevel',
  'blink.user_timing',
  'v8',
  'v8.wasm',
  'disabled-by-default-v8.compile',
];

/** What kind of work a trace event is. */
function kindOf(e) {
  const n = e.name;
  if (/^(UpdateLayoutTree|Layout|RecalculateStyles|ScheduleStyleRecalculation|InvalidateLayout|HitTest|IntersectionObserverController::computeIntersections)$/.test(n)) return 'style+layout';
  if (/^(Paint|PrePaint|Layerize|Commit|CompositeLayers|UpdateLayer|PaintImage|RasterTask|Decode Image)$/.test(n)) return 'paint';
  if (/GC|Scavenge|MarkCompact|Sweep/i.test(n)) return 'gc';
  if (/wasm/i.test(n) || /^v8\.(compile|compileModule)$/.test(n)) return 'compile';
  if (n === 'ParseHTML' || n === 'ParseAuthorStyleSheet') return 'parse';
  return 'script';
}

/** The V8 sampling profile of one thread: [timestamp µs, leaf node] and the nodes by id. */
function samplesOf(traceEvents, pid, tid) {
  const nodes = new Map();
  const samples = [];
  const starts = new Map();
  for (const e of traceEvents) {
    if (e.pid !== pid || e.tid !== tid) continue;
    if (e.name === 'Profile') starts.set(e.id, e.args.data.startTime);
  }
  const clock = new Map(starts);
  for (const e of traceEvents) {
    if (e.name !== 'ProfileChunk' || !clock.has(e.id)) continue;
    const data = e.args.data;
    for (const n of data.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
    const ids = data.cpuProfile?.samples ?? [];
    const deltas = data.timeDeltas ?? [];
    let t = clock.get(e.id);
    for (let i = 0; i < ids.length; i++) {
      t += deltas[i] ?? 0;
      samples.push([t, ids[i]]);
    }
    clock.set(e.id, t);
  }
  return { nodes, samples };
}

const OURS = /linli|leptos|tachys|reactive_graph|wasm_bindgen|^__wbg|\.js\b/;

/** Milliseconds per function within [from, to]: by leaf ("self"), and inclusive for the app's own functions. */
function profileOf({ nodes, samples }, from, to) {
  const self = new Map();
  const app = new Map();
  let prev = null;
  for (const [t, id] of samples) {
    const dt = prev == null ? 0 : (t - prev) / 1000;
    prev = t;
    if (t < from || t > to) continue;
    let n = nodes.get(id);
    const name = (node) => node?.callFrame?.functionName || `(${node?.callFrame?.url ? path.basename(node.callFrame.url) : 'program'})`;
    self.set(name(n), (self.get(name(n)) ?? 0) + dt);
    // Every app frame on the stack, once per sample (inclusive time).
    const seen = new Set();
    for (; n; n = nodes.get(n.parent)) {
      const k = name(n).replace(/::h[0-9a-f]{16}$/, '');
      if (/linli_(app|core)/.test(k) && !seen.has(k)) {
        seen.add(k);
        app.set(k, (app.get(k) ?? 0) + dt);
      }
    }
  }
  const top = (m, k) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .filter(([, v]) => v >= 2)
      .map(([k, v]) => `${k.replace(/::h[0-9a-f]{16}$/, '').slice(0, 70)} ${v.toFixed(0)}`);
  return { self: top(self, 4), app: top(app, 8) };
}

/** A label for where a piece of script came from. */
function labelOf(e) {
  const d = e.args?.data ?? {};
  const file = (u) => (u ? path.basename(String(u).split('?')[0]) : '');
  switch (e.name) {
    case 'FunctionCall':
      return `call ${d.functionName || '(anonymous)'}${d.url ? ` (${file(d.url)})` : ''}`;
    case 'EvaluateScript':
      return `evaluate ${file(d.url)}`;
    case 'v8.compileModule':
    case 'v8.compile':
      return `compile ${file(d.url ?? e.args?.fileName)}`;
    case 'TimerFire':
      return 'timer';
    case 'FireAnimationFrame':
      return 'animation frame';
    case 'EventDispatch':
      return `event ${d.type ?? ''}`;
    case 'RunMicrotasks':
    case 'v8.runMicrotasks':
      return 'microtasks';
    case 'XHRReadyStateChange':
    case 'ResourceReceivedData':
      return e.name;
    default:
      return e.name;
  }
}

/**
 * The long tasks of the page's main thread in a trace, from navigation start to
 * `untilMs` (milliseconds after it), each with its parts.
 */
export function longTasks(traceEvents, pageUrl, untilMs, withProfile = false) {
  const nav = traceEvents.find(
    (e) => e.name === 'navigationStart' && String(e.args?.data?.documentLoaderURL ?? '').startsWith(pageUrl.split('?')[0]),
  );
  if (!nav) throw new Error('no navigationStart for the page in the trace');
  const { pid, tid } = nav;
  const start = nav.ts;
  const end = start + untilMs * 1000;
  const onMain = traceEvents
    .filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.ts >= start && e.ts <= end && typeof e.dur === 'number')
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // Top-level tasks only (a task's own `RunTask` event sits inside the scheduler's).
  const profile = withProfile ? samplesOf(traceEvents, pid, tid) : null;
  const tasks = [];
  for (const e of onMain) {
    if (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask') continue;
    const last = tasks.at(-1);
    if (last && e.ts < last.ts + last.dur) continue;
    tasks.push(e);
  }
  const out = [];
  for (const t of tasks) {
    const ms = t.dur / 1000;
    if (ms <= LONG_TASK_MS) continue;
    const inside = onMain.filter(
      (e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && !/RunTask|PerformMicrotaskCheckpoint|^Receive mojo/.test(e.name),
    );
    // Time by kind: each event's own time (its duration less its children's), so nothing
    // is counted twice.
    const byKind = {};
    const own = new Map(inside.map((e) => [e, e.dur]));
    const stack = [];
    for (const e of inside) {
      while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
      if (stack.length) own.set(stack.at(-1), own.get(stack.at(-1)) - e.dur);
      stack.push(e);
    }
    for (const [e, us] of own) byKind[kindOf(e)] = (byKind[kindOf(e)] ?? 0) + Math.max(0, us) / 1000;
    // Where the script came from: the outermost labelled events, largest first.
    const top = [];
    const seen = [];
    for (const e of inside) {
      if (seen.some((s) => e.ts >= s.ts && e.ts + e.dur <= s.ts + s.dur)) continue;
      seen.push(e);
      top.push({ label: labelOf(e), ms: e.dur / 1000 });
    }
    top.sort((a, b) => b.ms - a.ms);
    out.push({ atMs: (t.ts - start) / 1000, ms, byKind, top: top.slice(0, 3), profile: profile ? profileOf(profile, t.ts, t.ts + t.dur) : null });
  }
  return out;
}

/** The sum over long tasks of their time beyond 50 ms. */
export const blockingMs = (tasks) => tasks.reduce((sum, t) => sum + Math.max(0, t.ms - LONG_TASK_MS), 0);

/** One cold load of `url` at CPU slowdown `rate`, traced. */
export async function tracedLoad(browser, url, rate, withProfile = false) {
  const context = await browser.newContext(PHONE);
  try {
    await context.addInitScript(recordFirstResult);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    await browser.startTracing(page, {
      categories: withProfile ? [...CATEGORIES, 'disabled-by-default-v8.cpu_profiler'] : CATEGORIES,
    });
    let trace;
    try {
      await page.goto(url, { waitUntil: 'commit' });
      // Polled through CDP in the page's own world: Playwright's locators would inject their
      // script into the page, a long task of its own at 4× slowdown.
      const read = async (expression) => (await cdp.send('Runtime.evaluate', { expression, returnByValue: true })).result.value;
      const deadline = Date.now() + 3 * WAIT_MS;
      let firstResultMs;
      while (!(firstResultMs = await read('window.__firstResultMs'))) {
        if (Date.now() > deadline) throw new Error(`no result within ${3 * WAIT_MS} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const now = await read('performance.now()');
      await new Promise((r) => setTimeout(r, Math.max(0, firstResultMs + AFTER_FIRST_RESULT_MS - now + 200)));
      trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
      const tasks = longTasks(trace.traceEvents ?? trace, url, firstResultMs + AFTER_FIRST_RESULT_MS, withProfile);
      const timings = await read('window.__linliTimings');
      return { firstResultMs, tasks, blockingMs: blockingMs(tasks), timings };
    } finally {
      if (!trace) await browser.stopTracing().catch(() => {});
    }
  } finally {
    await context.close();
  }
}

/** `runs` traced loads; the loads sorted by blocking time, and the median one. */
export async function tracedLoads(browser, url, rate, runs, withProfile = false) {
  const loads = [];
  for (let i = 0; i < runs; i++) loads.push(await tracedLoad(browser, url, rate, withProfile));
  const sorted = [...loads].sort((a, b) => a.blockingMs - b.blockingMs);
  return { loads, median: sorted[sorted.length >> 1] };
}

const fmt = (x) => `${x.toFixed(0)} ms`;
const table = (header, rows) =>
  [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** Markdown: every load's totals, then the median load's long tasks with their parts. */
export function tasksMarkdown({ loads, median }) {
  const runRows = loads.map((l, i) => [
    String(i + 1),
    fmt(l.firstResultMs),
    String(l.tasks.length),
    l.tasks.length ? fmt(Math.max(...l.tasks.map((t) => t.ms))) : '–',
    fmt(l.blockingMs),
  ]);
  const taskRows = median.tasks.map((t) => {
    const kinds = Object.entries(t.byKind)
      .filter(([, v]) => v >= 5)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
      .join(', ');
    const row = [fmt(t.atMs), fmt(t.ms), kinds || '–', t.top.map((p) => `${p.label} ${p.ms.toFixed(0)}`).join('; ')];
    if (t.profile) row.push(t.profile.app.join('; ') || '–', t.profile.self.join('; ') || '–');
    return row;
  });
  const profiled = median.tasks.some((t) => t.profile);
  return [
    table(['load', 'first result', 'tasks > 50 ms', 'longest', 'blocking (sum beyond 50 ms)'], runRows),
    '',
    `Long tasks of the median load (by blocking time), ms from navigation start:`,
    '',
    table(['at', 'task', 'made of (ms)', 'largest parts (ms)', ...(profiled ? ['app functions, inclusive (ms, sampled)', 'self (ms, sampled)'] : [])], taskRows),
  ].join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const dir = opt('dir', distDir);
  const rate = Number(opt('rate', 4));
  const runs = Number(opt('runs', 3));
  const query = opt('query', '?lat=22.535&lng=114.02');
  const withProfile = args.includes('--profile');
  const server = await startServer(dir);
  await warmUp(server.url);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const url = new URL(query, server.url).href;
    await tracedLoad(browser, url, 1); // untimed
    const result = await tracedLoads(browser, url, rate, runs, withProfile);
    console.log(`${dir}, ${query}, ${rate}× slowdown, ${runs} loads:\n`);
    console.log(tasksMarkdown(result));
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
