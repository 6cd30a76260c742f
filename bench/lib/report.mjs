// @ts-check
/** Renders latest.json as the markdown table `npm run bench` prints and bench/README.md quotes. */

/** @param {number | null} v @param {string} unit */
function fmt(v, unit) {
  if (v == null) return '—';
  if (unit === 'bytes') return `${(v / 1e6).toFixed(2)} MB`;
  if (unit === 'photos/s') return v.toFixed(1);
  if (unit === 'ms') return v >= 100 ? v.toFixed(0) : v.toFixed(1);
  return String(Math.round(v * 1000) / 1000);
}

const RATIOS = [
  'overhead_vs_floor',
  'overhead_vs_floor_answer',
  'overhead_vs_floor_12mp',
  'overhead_ratio',
  'overhead_ratio_12mp',
  'threads_ratio_floor',
  'threads_ratio_app',
  'batch_ratio',
  'nsfwjs_latency_ratio',
  'nsfwjs_latency_ratio_answer',
  'nsfwjs_cold_start_ratio',
  'nsfwjs_bytes_ratio',
  'transformersjs_latency_ratio',
  'transformersjs_latency_ratio_answer',
  'transformersjs_cold_start_ratio',
  'transformersjs_bytes_ratio',
  'transformersjs_bytes_ratio_gzip',
  'transformersjs_bytes_ratio_brotli',
  'nsfwjs_bytes_ratio_gzip',
];

const SECTIONS = [
  ['overhead', 'Overhead over the raw model (default model)'],
  ['threads', 'Threads'],
  ['cold', 'Cold start and bytes'],
  ['batch', 'Batch'],
  ['train', 'Train your own classifier'],
  ['peers', 'Peers, per photo'],
];

/** @param {any} r latest.json */
export function markdown(r) {
  const m = r.machine ?? {};
  const out = [];
  out.push(
    `Measured ${r.date} on ${m.cpu} (${m.cores} cores, ${m.memory_gb} GB), ${m.os}, Node ${m.node}, ${m.browser}.`,
  );
  if (m.load_average_at_start)
    out.push(
      `Load average (1/5/15 min): ${m.load_average_at_start.join(' / ')} at start, ${m.load_average_at_end?.join(' / ') ?? '?'} at end.`,
    );
  out.push(
    `Command: \`${r.command}\` — ${r.settings.iterations} timed runs per photo after ${r.settings.warmup} warm-up, ${r.settings.cold_starts} cold starts, photos: ${r.settings.photos.join(', ')} + 12 MP; threads: ${r.settings.threads}.`,
  );
  out.push('');
  out.push('| Ratio (ours / theirs, medians, lower is better) | Value | Compares |');
  out.push('| --- | ---: | --- |');
  for (const name of RATIOS) {
    const d = r.details?.ratios?.[name];
    const v = r[name];
    out.push(
      `| \`${name}\` | ${v == null ? `— (${r.reasons?.[name] ?? 'not measured'})` : v.toFixed(2)} | ${d ? `${d.numerator} / ${d.denominator}` : ''} |`,
    );
  }
  for (const [key, title] of SECTIONS) {
    const rows = r.rows.filter((/** @type {any} */ x) => x.section === key);
    if (rows.length === 0) continue;
    out.push('');
    out.push(`**${title}**`);
    out.push('');
    out.push('| Figure | Median | Min | Max | n | Unit | Notes |');
    out.push('| --- | ---: | ---: | ---: | ---: | --- | --- |');
    for (const x of rows) {
      const notes = x.median == null ? `not measured: ${x.reason}` : (x.note ?? '');
      out.push(
        `| ${x.label} | ${fmt(x.median, x.unit)} | ${fmt(x.min, x.unit)} | ${fmt(x.max, x.unit)} | ${x.n} | ${x.unit} | ${notes.replace(/\|/g, '\\|')} |`,
      );
    }
  }
  if (r.notes?.length) {
    out.push('');
    for (const n of r.notes) out.push(`- ${n}`);
  }
  return out.join('\n');
}
