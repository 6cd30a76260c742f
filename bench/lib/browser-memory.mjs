// @ts-check
/**
 * The whole browser's memory, from Linux's /proc: every process of one Chromium (browser, renderers, GPU, utility —
 * workers live in their renderer), summed, sampled while a batch runs.
 *
 * Two sums: RSS, which counts a page shared by several processes (Chromium's own code, shared memory) once per
 * process and so overstates the total, and PSS, which divides each shared page among its sharers and so adds up to
 * what the browser really holds. Linux only; elsewhere the sampler says so and the rows are null with that reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { appInstrumentation, launch, waitAppReady } from './browser.mjs';

/** Parent pid of each process, from /proc/<pid>/stat (field 4; the name in field 2 may hold spaces and parentheses). */
export function readParents() {
  /** @type {Map<number, number>} */
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = parseStatParent(stat);
      if (ppid != null) parents.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  return parents;
}

/** @param {string} stat the text of /proc/<pid>/stat @returns {number | null} */
export function parseStatParent(stat) {
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(afterName[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

/** `root` and all its descendants. @param {number} root @param {Map<number, number>} parents @returns {number[]} */
export function processTree(root, parents) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const tree = [];
  const todo = [root];
  while (todo.length > 0) {
    const pid = /** @type {number} */ (todo.pop());
    tree.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** A `Name:   1234 kB` field of /proc status/smaps_rollup, in bytes. @param {string} text @param {string} field */
export function kbField(text, field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

/** RSS and PSS of the processes, summed (processes that ended in between count 0). @param {number[]} pids */
export function memoryOf(pids) {
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    try {
      rss += kbField(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
      pss += kbField(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
    } catch {
      // Ended while we looked.
    }
  }
  return { rss, pss, processes: pids.length };
}

/** The Chromium processes started by this Node process since `before` (a set of pids): the new browser's root. */
export function newBrowserRoot(/** @type {Set<number>} */ before) {
  const parents = readParents();
  const mine = [...parents].filter(([pid, ppid]) => ppid === process.pid && !before.has(pid)).map(([pid]) => pid);
  const browsers = mine.filter((pid) => {
    try {
      return /chrom/i.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  });
  if (browsers.length !== 1) throw new Error(`expected one new browser process, found ${browsers.length}`);
  return /** @type {number} */ (browsers[0]);
}

/** This Node process's children now (to tell a browser launched next from what was there before). */
export function childrenNow() {
  return new Set([...readParents()].filter(([, ppid]) => ppid === process.pid).map(([pid]) => pid));
}

/**
 * A Chromium of its own (so its processes' memory is the app's alone) with the instrumented app open and ready; the
 * browser is closed again if the app does not open. The caller closes it when done.
 * @param {string} origin the app's origin
 */
export async function openAppInOwnBrowser(origin) {
  const before = childrenNow();
  const browser = await launch();
  try {
    const root = newBrowserRoot(before);
    const context = await browser.newContext();
    await context.addInitScript(appInstrumentation);
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await waitAppReady(page);
    return { browser, root, page };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/**
 * Samples the browser under `root` every `everyMs` until stopped; keeps the peak RSS and PSS sums and the most
 * processes seen. The process list is re-read each time (renderers and utility processes come and go).
 * @param {number} root @param {number} everyMs
 */
export function sampleBrowserMemory(root, everyMs = 500) {
  const peak = { rss: 0, pss: 0, processes: 0, samples: 0 };
  const sample = () => {
    const m = memoryOf(processTree(root, readParents()));
    peak.rss = Math.max(peak.rss, m.rss);
    peak.pss = Math.max(peak.pss, m.pss);
    peak.processes = Math.max(peak.processes, m.processes);
    peak.samples++;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    /** Takes a last sample and returns the peaks. */
    stop() {
      clearInterval(timer);
      sample();
      return { ...peak };
    },
  };
}
