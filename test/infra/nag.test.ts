/**
 * cdk-nag's AWS Solutions checks, run the way infra/app.ts runs them (a validation plugin on the
 * app, so a finding fails the synth), must find nothing that is not acknowledged; and every
 * acknowledgement must be needed and carry a real reason.
 */
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccountsStack } from '../../infra/stack';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

function build(stage: string): App {
  const app = new App({ context: { ...cdkJson.context, stage, 'aws:cdk:bundling-stacks': [] } });
  new AccountsStack(app, `Accounts-${stage}`);
  return app;
}

/** Every acknowledgement in the tree: where it is, which rule, and why. */
function acknowledgements(app: App): { path: string; id: string; reason: string }[] {
  const out: { path: string; id: string; reason: string }[] = [];
  for (const construct of app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [key, reason] of Object.entries(entry.data as Record<string, string>)) {
        out.push({ path: construct.node.path, id: key.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(['dev', 'prod'])('AWS Solutions checks, stage %s', (stage) => {
  it('report no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(build(stage));
    const findings = report.violations.map(
      (v) =>
        `${v.ruleName}: ${v.description} (${v.violatingResources.map((r) => r.constructPath).join(', ')})`,
    );
    expect(findings).toEqual([]);
  });

  it('let the synth pass when registered as a validation plugin, as infra/app.ts does', () => {
    const app = build(stage);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('acknowledge nothing that would not fire, each time with a reason', () => {
    const acknowledged = acknowledgements(build(stage));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledged) {
      expect(id, path).toMatch(/^AwsSolutions-/);
      expect(reason.length, `${path} ${id}`).toBeGreaterThanOrEqual(60);
      expect(reason, `${path} ${id}`).not.toMatch(/\b(todo|tbd|fixme|temporary)\b/i);
    }

    // The same app with every acknowledgement ignored: each acknowledged rule must really fire there.
    vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => {});
    const report = new AwsSolutionsChecks().validateScope(build(stage));
    for (const { path, id } of acknowledged) {
      const violation = report.violations.find((v) => v.ruleName === id);
      expect(
        violation?.violatingResources.some((r) => r.constructPath?.startsWith(`${path}/`)),
        `${id} acknowledged on ${path} but not raised there`,
      ).toBe(true);
    }
  });
});
