import { describe, expect, it } from 'vitest';
import { docsUrl } from '../../src/report/markdown.js';
import { FINGERPRINT_KEY, pascalCase, relativeUri, renderSarif } from '../../src/report/sarif.js';
import { auditFixture, FIXTURE_FILES } from './real.js';
import { sarifValidator } from './validate.js';
import { SAMPLE_OPTS, SAMPLE_RULES, sampleResult } from './sample.js';

const validate = sarifValidator();

function check(text: string): any {
  const log = JSON.parse(text);
  const ok = validate(log);
  expect(ok, JSON.stringify(validate.errors, null, 2)).toBe(true);
  return log;
}

const text = renderSarif(sampleResult(), SAMPLE_OPTS);
const log = check(text);
const run = log.runs[0];

describe('sarif report', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
  });

  it('the validator does reject broken logs', () => {
    const bad = structuredClone(log);
    bad.runs[0].results[0].level = 'info';
    expect(validate(bad)).toBe(false);
    const bad2 = structuredClone(log);
    delete bad2.runs[0].tool.driver.name;
    expect(validate(bad2)).toBe(false);
    const bad3 = structuredClone(log);
    bad3.runs[0].tool.driver.rules[0].helpUri = 'not a uri';
    expect(validate(bad3)).toBe(false);
    const bad4 = structuredClone(log);
    bad4.runs[0].results[0].locations[0].physicalLocation.region = { startColumn: 3 };
    expect(validate(bad4)).toBe(false);
  });

  it('describes the tool and every rule that ran', () => {
    const driver = run.tool.driver;
    expect(driver.name).toBe('shipshape');
    expect(driver.version).toBe('0.1.0');
    expect(driver.informationUri).toMatch(/^https:\/\//);
    expect(driver.rules.map((r: any) => r.id)).toEqual(SAMPLE_RULES.map((r) => r.meta.id));
    const priv = driver.rules.find((r: any) => r.id === 'privileged');
    expect(priv).toMatchObject({
      name: 'Privileged',
      shortDescription: { text: "Container runs 'privileged'" },
      fullDescription: { text: "Finds services with 'privileged: true'." },
      helpUri: 'https://github.com/shipshape/shipshape/blob/main/docs/rules/privileged.md',
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['security'], precision: 'high', 'security-severity': '8.0' },
    });
    expect(priv.help.text).toContain('A privileged container can take over the host.');
    expect(priv.help.markdown).toContain('```yaml\nservices:\n  worker:\n    privileged: true\n```');
    const port = driver.rules.find((r: any) => r.id === 'port-all-interfaces');
    expect(port.properties['security-severity']).toBe('5.5');
    expect(port.defaultConfiguration.level).toBe('warning');
    // security-severity only on security rules
    for (const r of driver.rules) expect('security-severity' in r.properties).toBe(r.properties.tags.includes('security'));
    expect(driver.rules.find((r: any) => r.id === 'obsolete-version').defaultConfiguration.level).toBe('note');
    for (const r of driver.rules) {
      expect(r.helpUri).toBe(docsUrl(r.id));
      expect(r.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    }
  });

  it('has one result per finding with the right rule, level and location', () => {
    const r = sampleResult();
    expect(run.results).toHaveLength(r.findings.length);
    run.results.forEach((res: any, i: number) => {
      const f = r.findings[i]!;
      expect(res.ruleId).toBe(f.rule);
      expect(run.tool.driver.rules[res.ruleIndex].id).toBe(f.rule);
      expect(res.level).toBe({ error: 'error', warning: 'warning', info: 'note' }[f.severity]);
      expect(res.message.text).toBe(f.message);
      const loc = res.locations[0].physicalLocation;
      expect(loc.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(loc.artifactLocation.uri).toBe(relativeUri(f.file));
      expect(loc.region).toEqual({ startLine: f.line, startColumn: f.column });
    });
    const port = run.results.find((x: any) => x.ruleId === 'port-all-interfaces');
    expect(port.locations[0].physicalLocation.artifactLocation.uri).toBe('sub%20dir/docker-compose.yml');
    expect(port.locations[0].physicalLocation.region).toEqual({ startLine: 7, startColumn: 9 });
    expect(port.locations[0].logicalLocations).toEqual([{ name: 'db', kind: 'resource' }]);
    expect(port.properties).toMatchObject({ priority: 'P2', category: 'security', service: 'db' });
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///home/someone/projects/demo/');
  });

  it('gives every result a stable, unique fingerprint', () => {
    const fps = run.results.map((x: any) => x.partialFingerprints[FINGERPRINT_KEY]);
    expect(new Set(fps).size).toBe(fps.length);
    for (const fp of fps) expect(fp).toMatch(/^[0-9a-f]{64}:\d+$/);
    // moving a finding to another line keeps its fingerprint
    const moved = sampleResult();
    for (const f of moved.findings) f.line += 3;
    const again = JSON.parse(renderSarif(moved, SAMPLE_OPTS)).runs[0].results.map((x: any) => x.partialFingerprints[FINGERPRINT_KEY]);
    expect(again).toEqual(fps);
  });

  it('leaves suppressed findings out and reports tool problems as notifications', () => {
    expect(run.results.some((x: any) => x.suppressions)).toBe(false);
    expect(run.properties.suppressed).toBe(2);
    const notes = run.invocations[0].toolExecutionNotifications;
    expect(run.invocations[0].executionSuccessful).toBe(true);
    expect(notes).toContainEqual({ level: 'error', message: { text: 'internal error in rule no-healthcheck: TypeError: boom' }, associatedRule: { id: 'no-healthcheck', index: 3 } });
    expect(notes[1].locations[0].physicalLocation.region.startLine).toBe(60);
  });

  it('is deterministic', () => {
    expect(renderSarif(sampleResult(), SAMPLE_OPTS)).toBe(text);
    expect(renderSarif(structuredClone(sampleResult()), { color: false, rules: [...SAMPLE_RULES] })).toBe(text);
  });

  it('is valid for an empty audit and without rule modules', () => {
    const empty = sampleResult();
    empty.findings = [];
    empty.suppressed = [];
    empty.invalidSuppressions = [];
    empty.ruleErrors = [];
    const out = check(renderSarif(empty, SAMPLE_OPTS));
    expect(out.runs[0].results).toEqual([]);
    expect(out.runs[0].invocations[0].toolExecutionNotifications).toBeUndefined();
    const bare = check(renderSarif(sampleResult(), { color: false, rules: [] }));
    expect(bare.runs[0].tool.driver.rules[0].fullDescription.text).toBe('A build names a Dockerfile that does not exist');
  });

  it('is valid for a real audit', async () => {
    const { result, rules } = await auditFixture(FIXTURE_FILES);
    const out = check(renderSarif(result, { color: false, rules }));
    const r = out.runs[0].results.find((x: any) => x.ruleId === 'obsolete-version');
    expect(r.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'docker-compose.yml', uriBaseId: '%SRCROOT%' }, region: { startLine: 1, startColumn: 1 } });
    expect(r.level).toBe('note');
  });

  it('names rules in PascalCase and encodes paths', () => {
    expect(pascalCase('no-root-user')).toBe('NoRootUser');
    expect(pascalCase('obsolete-version')).toBe('ObsoleteVersion');
    expect(relativeUri('a b/c#d.yml')).toBe('a%20b/c%23d.yml');
    expect(relativeUri('dir\\file.yml')).toBe('dir/file.yml');
  });

  it('points at files outside the root with file: URIs', () => {
    const r = sampleResult();
    r.findings[0]!.file = '/etc/compose/x y.yml';
    const out = check(renderSarif(r, SAMPLE_OPTS));
    expect(out.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'file:///etc/compose/x%20y.yml' });
  });
});
