import { describe, expect, it } from 'vitest';
import { esc, renderHtml } from '../../src/report/html.js';
import { DOCS_BASE } from '../../src/report/markdown.js';
import { auditFixture, FIXTURE_FILES } from './real.js';
import { SAMPLE_OPTS, sampleResult } from './sample.js';
import { unbalancedTags } from './validate.js';

const html = renderHtml(sampleResult(), SAMPLE_OPTS);

describe('html report', () => {
  it('is one self-contained, well-formed page', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(unbalancedTags(html)).toEqual([]);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('prefers-color-scheme:dark');
    expect(html).not.toMatch(/<(script|link|iframe|object|embed|img)\b/i);
    expect(html).not.toMatch(/<[^>]*\ssrc\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it('links only to the rule documentation and to its own anchors', () => {
    const hrefs = [...html.matchAll(/\bhref="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const h of hrefs) expect(h.startsWith('#') || h.startsWith(DOCS_BASE), h).toBe(true);
    for (const h of hrefs.filter((x) => x.startsWith('#'))) expect(html).toContain(`id="${h.slice(1)}"`);
    // every absolute URL in the page is a documentation link
    for (const m of html.matchAll(/https?:\/\/[^\s"'<)]+/g)) expect(m[0].startsWith(DOCS_BASE), m[0]).toBe(true);
  });

  it('escapes hostile text everywhere', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('<em>e</em>');
    expect(html).not.toContain('<b>tag</b>');
    expect(html).toContain('runs privileged &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt; | pipe');
    expect(html).toContain('<strong>Not loadable:</strong> sub dir/docker-compose.yml:3:1: bad &lt;script&gt;');
    expect(html).toContain('Title with | pipe and &lt;b&gt;tag&lt;/b&gt; and <code>code|span</code>');
    expect(html).toContain('needs /dev/kvm &lt;script&gt;');
    expect(esc(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('has the same content as the markdown, in the same order', () => {
    const marks = [
      '<h1>Docker Setup Audit: demo</h1>',
      'Executive Summary',
      '<span class="n">7.2</span>',
      '<strong>Overall Score: 7.2/10</strong>',
      'Key Strengths',
      'Critical Gaps',
      'Service Inventory',
      'Pain Points by Priority',
      'Priority 1: Critical Issues (Must Fix Before First Run)',
      'Priority 2: Security Issues (Fix Before Production Deploy)',
      'Priority 3: Reliability Issues (Fix Before Production Deploy)',
      'Priority 4: Configuration Improvements (Should Fix)',
      'Priority 5: Nice to Have (Future Enhancements)',
      'What Works Well (Preserve)',
      'Estimated Effort',
      '<h2>Suppressed</h2>',
      '<h2>Notes</h2>',
    ];
    const at = marks.map((m) => html.indexOf(m));
    expect(at.every((i) => i >= 0), JSON.stringify(marks.filter((_, i) => at[i]! < 0))).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(html).not.toContain('/home/someone');
    expect(html).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
  });

  it('shows inventory rows, findings with file:line and fix snippets in <pre>', () => {
    expect(html).toContain('<tr><td><code>db</code></td><td>127.0.0.1:5432→5432</td><td><code>postgres:16@sha256:abc</code></td><td>—</td><td>PostgreSQL database</td><td>✅ OK</td></tr>');
    expect(html).toContain('<dt>Location</dt><dd><code>docker-compose.yml:4</code></dd>');
    expect(html).toContain('<code>sub dir/docker-compose.yml:7</code>');
    expect(html).toContain('<code>docker-compose.yml:75</code> and 2 more');
    expect(html).toContain('<pre><code class="language-yaml">worker:\n  cap_add: [SYS_PTRACE]</code></pre>');
    expect(html).toContain('<pre><code class="language-text">```\nfenced inside\n```</code></pre>');
    expect(html).toMatch(/<article class="rule sev-error" id="task-P1-1">/);
    expect(html).toContain('<tr><td>P3 - Reliability</td><td class="num">1 task</td><td class="num">12</td><td>1.6–3.2 h</td></tr>');
  });

  it('is deterministic', () => {
    expect(renderHtml(sampleResult(), SAMPLE_OPTS)).toBe(html);
    expect(renderHtml(structuredClone(sampleResult()), { color: true, rules: [...SAMPLE_OPTS.rules] })).toBe(html);
  });

  it('renders a real audit', async () => {
    const { result, rules } = await auditFixture(FIXTURE_FILES);
    const out = renderHtml(result, { color: false, rules });
    expect(unbalancedTags(out)).toEqual([]);
    expect(out).toContain('<td><code>db</code></td>');
    expect(out).toContain('The top-level <code>version</code> key is obsolete');
    expect(out).not.toContain(result.root);
    expect(renderHtml(result, { color: false, rules })).toBe(out);
  });
});
