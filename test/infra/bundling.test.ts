/**
 * `bundleFunction` must build a handler byte for byte as CDK's NodejsFunction does, since a
 * benchmark relies on it to measure "the bundles CDK deploys". Proven by building one real handler
 * both ways. This test bundles for real (esbuild, a few seconds) and needs the handler to exist.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bundleFileName,
  bundleFunction,
  esbuildOptions,
  handlerEntry,
  handlerExists,
  nodejsBundling,
  projectRoot,
} from '../../infra/bundling';
import { HouseFunction } from '../../infra/constructs/house-function';
import { triggers } from '../../lib/routes';

const handler = triggers[0].handler;
const scratch = mkdtempSync(path.join(tmpdir(), 'bundling-test-'));

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('bundling settings', () => {
  it('give NodejsFunction the same settings as the esbuild options', () => {
    expect(nodejsBundling).toMatchObject({
      target: esbuildOptions.target,
      format: esbuildOptions.format,
      minify: esbuildOptions.minify,
      sourceMap: esbuildOptions.sourcemap,
      sourcesContent: esbuildOptions.sourcesContent,
      mainFields: esbuildOptions.mainFields,
      banner: esbuildOptions.banner.js,
      bundleAwsSDK: esbuildOptions.external.length === 0,
    });
    expect(nodejsBundling.externalModules).toBeUndefined();
    expect(esbuildOptions).toMatchObject({ platform: 'node', format: 'esm', target: 'node22', bundle: true });
  });
});

describe.skipIf(!handlerExists(handler))(`bundleFunction on ${handler}`, () => {
  it('writes the same bundle as CDK synth', { timeout: 60_000 }, async () => {
    const app = new App({ outdir: path.join(scratch, 'cdk.out') });
    new HouseFunction(new Stack(app, 'BundleProbe'), 'Probe', { handler });
    const assembly = app.synth();
    const assetDirs = readdirSync(assembly.directory).filter((name) => name.startsWith('asset.'));
    expect(assetDirs).toHaveLength(1);
    const cdkBundle = readFileSync(path.join(assembly.directory, assetDirs[0] as string, bundleFileName));

    const outfile = path.join(scratch, 'direct', bundleFileName);
    const metafile = await bundleFunction(handlerEntry(handler), outfile);
    const direct = readFileSync(outfile);

    expect(direct.length).toBe(cdkBundle.length);
    expect(direct.equals(cdkBundle)).toBe(true);
    expect(Object.keys(metafile.outputs)).toContain(path.relative(projectRoot, outfile));
    // ESM with the require shim, and the AWS SDK inside the bundle rather than left to the runtime.
    const text = direct.toString('utf8');
    expect(text.startsWith('import { createRequire as __bundleCreateRequire }')).toBe(true);
    expect(text).not.toMatch(/from\s*["']@aws-sdk\//);
  });
});
