/**
 * `--format html`: the markdown report as one self-contained page. Inline CSS, no scripts, no
 * external resources (a Content-Security-Policy forbids them); the only links are the rules'
 * documentation pages. Severity filters are checkboxes styled with `:has()`, so they work without
 * JavaScript. Light and dark themes follow `prefers-color-scheme`. Every piece of text from the
 * audited repository is escaped. Deterministic: no dates, no absolute paths.
 */
import type { AuditResult } from '../audit/result.js';
import type { Finding } from '../audit/types.js';
import {
  MAX_LOCATIONS,
  PRIORITY_LABELS,
  SEVERITY_ICON,
  countsSentences,
  docsUrl,
  effortTotals,
  fixDescriptions,
  formatHours,
  location,
  plural,
  projectName,
  reportModel,
  serviceSuffix,
  snippetsOf,
  statusLabel,
  type ReportModel,
  type RuleGroup,
} from './markdown.js';
import type { Renderer } from './types.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for element content and quoted attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Rule-written text: `backticks` become <code>, everything escaped. */
function rich(s: string): string {
  const parts = s.split('`');
  if (parts.length % 2 === 0) return esc(s);
  return parts.map((p, i) => (i % 2 === 0 ? esc(p) : `<code>${esc(p)}</code>`)).join('');
}

function code(s: string): string {
  return `<code>${esc(s)}</code>`;
}

function scoreClass(score: number): string {
  return score >= 8 ? 'good' : score >= 5 ? 'fair' : 'poor';
}

const CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--border:#d1d9e0;--panel:#f6f8fa;--code:#eff1f3;--link:#0969da;--err:#cf222e;--warn:#9a6700;--info:#0969da;--ok:#1a7f37}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--border:#3d444d;--panel:#151b23;--code:#262c36;--link:#4493f8;--err:#f85149;--warn:#d29922;--info:#4493f8;--ok:#3fb950}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px 20px 64px}
h1{font-size:1.8em;margin:.2em 0}h2{border-bottom:1px solid var(--border);padding-bottom:.3em;margin-top:2em}h3{margin-top:1.4em}
a{color:var(--link)}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
code{background:var(--code);padding:.1em .35em;border-radius:4px}
pre{background:var(--panel);border:1px solid var(--border);border-radius:6px;padding:12px;overflow:auto}pre code{background:none;padding:0}
table{border-collapse:collapse;width:100%;margin:.5em 0 1em}th,td{border:1px solid var(--border);padding:6px 10px;text-align:left;vertical-align:top}th{background:var(--panel)}
td.num,th.num{text-align:right}
td:first-child code,td:last-child{white-space:nowrap}
.meta{color:var(--muted)}
.summary{display:flex;gap:24px;align-items:center;flex-wrap:wrap}
.badge{display:inline-flex;flex-direction:column;align-items:center;justify-content:center;min-width:120px;padding:14px 18px;border-radius:12px;color:#fff;font-weight:700}
.badge .n{font-size:2.2em;line-height:1}.badge .of{font-size:.85em;opacity:.9}
.badge.good{background:#1a7f37}.badge.fair{background:#9a6700}.badge.poor{background:#cf222e}
.counts{flex:1;min-width:260px}
.pill{display:inline-block;border-radius:999px;padding:0 .6em;font-size:.8em;font-weight:600;border:1px solid currentColor}
.pill.error{color:var(--err)}.pill.warning{color:var(--warn)}.pill.info{color:var(--info)}
ul.plain{list-style:none;padding-left:0}ul.plain li{margin:.25em 0}
.rule{border:1px solid var(--border);border-radius:8px;padding:4px 16px 12px;margin:12px 0;background:var(--bg)}
.rule h4{margin:.8em 0 .4em;font-size:1.05em}
.rule dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0}.rule dt{font-weight:600}.rule dd{margin:0}
.rule dd ul{margin:0;padding-left:1.2em}
.filters{position:sticky;top:0;background:var(--bg);border-bottom:1px solid var(--border);padding:8px 0;z-index:1}
.filters label{margin-right:14px;cursor:pointer}
body:has(#show-error:not(:checked)) .rule.sev-error,body:has(#show-warning:not(:checked)) .rule.sev-warning,body:has(#show-info:not(:checked)) .rule.sev-info{display:none}
.broken{color:var(--err)}
footer{margin-top:3em;color:var(--muted);font-size:.9em}
@media print{.filters{display:none}}
`;

function summary(result: AuditResult, model: ReportModel): string {
  const out: string[] = ['<section id="summary"><h2>Executive Summary</h2>'];
  out.push(
    `<div class="summary"><div class="badge ${scoreClass(result.score)}" role="img" aria-label="Overall score ${result.score.toFixed(1)} out of 10"><span class="n">${result.score.toFixed(1)}</span><span class="of">/ 10</span></div>`,
    `<div class="counts"><p><strong>Overall Score: ${result.score.toFixed(1)}/10</strong></p><p>${esc(countsSentences(result, model).join(' '))}</p></div></div>`,
  );
  out.push('<h3 id="strengths">Key Strengths</h3><ul class="plain">');
  if (result.strengths.length) for (const s of result.strengths) out.push(`<li>✅ <strong>${rich(s.title)}</strong>: ${rich(s.detail)}</li>`);
  else out.push('<li>None detected.</li>');
  out.push('</ul><h3 id="gaps">Critical Gaps</h3><ul class="plain">');
  const gaps = model.sections.filter((s) => s.priority === 'P1' || s.priority === 'P2').flatMap((s) => s.groups);
  if (gaps.length) {
    for (const g of gaps) {
      out.push(`<li>${g.worst === 'error' ? '❌' : '⚠️'} <a href="#${esc(anchor(g.key))}">${rich(g.rule.title)}</a> (${g.rule.priority}, ${plural(g.findings.length, 'finding')})</li>`);
    }
  } else out.push('<li>None: no P1 or P2 findings.</li>');
  out.push('</ul></section>');
  return out.join('\n');
}

function inventory(result: AuditResult): string {
  const out: string[] = ['<section id="inventory"><h2>Service Inventory</h2>'];
  if (!result.inventory.length) out.push('<p>No compose files found.</p>');
  for (const unit of result.inventory) {
    out.push(`<h3>${esc(unit.unit)}${unit.kind === 'standalone' ? ' <span class="meta">(standalone)</span>' : ''}</h3>`);
    if (unit.files.length > 1) out.push(`<p class="meta">Files: ${unit.files.map(code).join(' + ')}</p>`);
    if (!unit.loaded) {
      out.push(`<p class="broken">❌ <strong>Not loadable:</strong> ${esc(unit.error ?? 'unknown error')}</p>`);
      continue;
    }
    if (!unit.services.length) {
      out.push('<p>No services.</p>');
      continue;
    }
    out.push('<table><thead><tr><th>Service</th><th>Ports</th><th>Image / Build</th><th>Profiles</th><th>Purpose</th><th>Status</th></tr></thead><tbody>');
    for (const s of unit.services) {
      const source: string[] = [];
      if (s.image) source.push(code(s.image));
      if (s.build) source.push(`build: ${code(s.build)}`);
      const st = statusLabel(s);
      out.push(
        `<tr><td>${code(s.name)}</td><td>${s.ports.map(esc).join(', ') || '—'}</td><td>${source.join(', ') || '—'}</td><td>${s.profiles.map(esc).join(', ') || '—'}</td><td>${esc(s.purpose) || '—'}</td><td>${st.icon} ${esc(st.text)}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  out.push('</section>');
  return out.join('\n');
}

function anchor(key: string): string {
  return `task-${key.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

function ruleBlock(g: RuleGroup): string {
  const r = g.rule;
  const locs = [...new Set(g.findings.map(location))];
  const messages = [...new Set(g.findings.map((f: Finding) => `${SEVERITY_ICON[f.severity]} ${rich(f.message)}${serviceSuffix(f) ? ` (${code(f.service!)})` : ''}`))];
  const out: string[] = [`<article class="rule sev-${g.worst}" id="${esc(anchor(g.key))}">`];
  out.push(`<h4><input type="checkbox" aria-label="done"> ${esc(g.key)} ${rich(r.title)}</h4>`);
  out.push(`<p class="meta"><a href="${esc(docsUrl(r.id))}">${code(r.id)}</a> · <span class="pill ${r.severity}">${r.severity}</span> · ${esc(String(r.category))} · ${plural(g.findings.length, 'finding')}</p>`);
  out.push('<dl>');
  out.push(`<dt>Location</dt><dd>${locs.slice(0, MAX_LOCATIONS).map(code).join(', ')}${locs.length > MAX_LOCATIONS ? ` and ${locs.length - MAX_LOCATIONS} more` : ''}</dd>`);
  if (messages.length === 1) out.push(`<dt>Current</dt><dd>${messages[0]}</dd>`);
  else out.push(`<dt>Current</dt><dd><ul>${messages.slice(0, MAX_LOCATIONS).map((m) => `<li>${m}</li>`).join('')}${messages.length > MAX_LOCATIONS ? `<li>… and ${messages.length - MAX_LOCATIONS} more</li>` : ''}</ul></dd>`);
  const risk = r.docs?.why ?? r.rationale;
  if (risk) out.push(`<dt>Risk</dt><dd>${rich(risk)}</dd>`);
  const words = [r.docs?.fix, ...fixDescriptions(g.findings).map((d) => `Automatic fix available: ${d}.`)].filter((s): s is string => !!s);
  const snippet = snippetsOf(g.findings)[0] ?? r.docs?.good;
  const lang = snippetsOf(g.findings)[0] ? 'yaml' : (r.docs?.lang ?? 'yaml');
  out.push(
    `<dt>Fix</dt><dd>${words.length ? words.map(rich).join(' ') : `See the <a href="${esc(docsUrl(r.id))}">rule documentation</a>.`}${snippet ? `<pre><code class="language-${esc(lang)}">${esc(snippet.replace(/\s+$/, ''))}</code></pre>` : ''}</dd>`,
  );
  out.push(`<dt>Effort</dt><dd>${esc(r.effort)}</dd>`);
  out.push('</dl></article>');
  return out.join('\n');
}

function painPoints(model: ReportModel): string {
  const out: string[] = ['<section id="pain-points"><h2>Pain Points by Priority</h2>'];
  out.push(
    '<div class="filters">Show: <label><input type="checkbox" id="show-error" checked> ❌ errors</label><label><input type="checkbox" id="show-warning" checked> ⚠️ warnings</label><label><input type="checkbox" id="show-info" checked> ℹ️ info</label></div>',
  );
  for (const s of model.sections) {
    out.push(`<h3 id="priority-${s.priority.slice(1)}">Priority ${s.priority.slice(1)}: ${esc(s.heading)}</h3>`);
    if (!s.groups.length) out.push('<p class="meta">No findings.</p>');
    for (const g of s.groups) out.push(ruleBlock(g));
  }
  out.push('</section>');
  return out.join('\n');
}

function preserve(result: AuditResult): string {
  const out: string[] = ['<section id="preserve"><h2>What Works Well (Preserve)</h2>'];
  if (!result.strengths.length) out.push('<p>Nothing detected yet: health checks, named volumes, non-root users, pinned images and profiles are what shipshape looks for.</p>');
  for (const s of result.strengths) {
    out.push(`<h3>✅ ${rich(s.title)}</h3><p>${rich(s.detail)}</p>`);
    if (s.evidence.length) out.push(`<p class="meta">Evidence: ${[...new Set(s.evidence.map(location))].map(code).join(', ')}</p>`);
  }
  out.push('</section>');
  return out.join('\n');
}

function effort(result: AuditResult): string {
  const out: string[] = ['<section id="effort"><h2>Estimated Effort</h2>'];
  if (!result.effort.length) out.push('<p>Nothing to do.</p>');
  else {
    out.push('<table><thead><tr><th>Priority</th><th class="num">Tasks</th><th class="num">Findings</th><th>Estimated Time</th></tr></thead><tbody>');
    for (const r of result.effort) {
      out.push(`<tr><td>${r.priority} - ${PRIORITY_LABELS[r.priority]}</td><td class="num">${plural(r.tasks, 'task')}</td><td class="num">${r.findings}</td><td>${formatHours(r.hours)}</td></tr>`);
    }
    const t = effortTotals(result);
    out.push(`<tr><th>Total</th><th class="num">${plural(t.tasks, 'task')}</th><th class="num">${t.findings}</th><th>${formatHours(t.hours)}</th></tr>`);
    out.push('</tbody></table>');
  }
  out.push('</section>');
  return out.join('\n');
}

function notes(result: AuditResult, model: ReportModel): string {
  const out: string[] = [];
  if (result.suppressed.length) {
    out.push('<section id="suppressed"><h2>Suppressed</h2><ul>');
    for (const s of result.suppressed) {
      const title = model.rules.get(s.rule)?.title;
      out.push(`<li>${code(location(s))} ${code(s.rule)}${title ? ` (${rich(title)})` : ''}: ${esc(s.reason)} (${esc(s.by)})</li>`);
    }
    out.push('</ul></section>');
  }
  const items: string[] = [];
  for (const s of result.unusedSuppressions) items.push(`<li>${code(location(s))}: unused suppression of ${code(s.rule)} (${esc(s.reason)})</li>`);
  for (const s of result.invalidSuppressions) items.push(`<li>${code(location(s))}: ignored shipshape-ignore comment: ${esc(s.why)}</li>`);
  for (const e of result.ruleErrors) items.push(`<li>internal error in rule ${code(e.rule)}: ${esc(e.message.split('\n')[0] ?? '')}</li>`);
  if (items.length) out.push(`<section id="notes"><h2>Notes</h2><ul>${items.join('')}</ul></section>`);
  return out.join('\n');
}

export const renderHtml: Renderer = (result, opts) => {
  const model = reportModel(result, opts);
  const name = projectName(result);
  const body = [
    `<header><h1>Docker Setup Audit: ${esc(name)}</h1>`,
    `<p class="meta">shipshape ${esc(result.tool.version)} · ${plural(result.rules.length, 'rule')} run · ${plural(result.inventory.length, 'compose unit')} · ${plural(model.serviceCount, 'service')}</p></header>`,
    summary(result, model),
    inventory(result),
    painPoints(model),
    preserve(result),
    effort(result),
    notes(result, model),
    `<footer>Generated by shipshape ${esc(result.tool.version)} (report format version ${result.version}).</footer>`,
  ]
    .filter(Boolean)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="color-scheme" content="light dark">
<title>shipshape audit: ${esc(name)} (${result.score.toFixed(1)}/10)</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
};
