/**
 * How every function is bundled: ONE set of esbuild settings, read both by the house construct
 * (mapped onto `NodejsFunction`'s `bundling` props) and by `bundleFunction`, which runs esbuild
 * directly with the same options so that a benchmark measures bundles exactly as CDK builds them.
 *
 * CDK's local bundling runs `esbuild --bundle <entry> --target=… --platform=node --format=esm
 * --outfile=<asset>/index.mjs --minify --sourcemap --sources-content=false --main-fields=…
 * --banner:js=…` from the project root, with no `--external` flag when `bundleAwsSDK` is on.
 * `esbuildOptions` below is that command line as esbuild API options; test/infra/bundling.test.ts
 * builds one handler both ways and compares the bytes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, LogLevel, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions, Metafile } from 'esbuild';

/** The project root: where package.json, package-lock.json and functions/ live. */
export const projectRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The lockfile CDK reads to pick the package manager (npm). */
export const depsLockFilePath = path.join(projectRoot, 'package-lock.json');

/**
 * ESM output has no `require`; a bundled CommonJS dependency that requires a Node.js builtin
 * would throw "Dynamic require of … is not supported". The banner gives the module a real one.
 * The import is aliased so it cannot clash with a `createRequire` import esbuild itself emits.
 */
export const esmRequireBanner =
  "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);";

/** The settings themselves, once. Everything below is derived from these. */
export const bundleSettings = {
  /** Matches the Lambda runtime (Node.js 22). */
  target: 'node22',
  minify: true,
  /** Linked source map (`index.mjs.map`), used at run time through NODE_OPTIONS=--enable-source-maps. */
  sourceMap: true,
  /** Stack traces need names and positions, not the sources: keeps the .map small. */
  sourcesContent: false,
  /** Prefer the ESM build of dependencies: the AWS SDK tree-shakes far better (about 336 KB vs 537 KB). */
  mainFields: ['module', 'main'],
  banner: esmRequireBanner,
  /**
   * Bundle the AWS SDK v3 instead of using the runtime's copy: tree-shaken and minified, it loads
   * faster at cold start, and the version is the one the lockfile pins and the tests ran against.
   */
  bundleAwsSdk: true,
} as const;

/** The esbuild API form of the settings: what CDK's command line amounts to. */
export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: bundleSettings.target,
  minify: bundleSettings.minify,
  sourcemap: bundleSettings.sourceMap,
  sourcesContent: bundleSettings.sourcesContent,
  mainFields: [...bundleSettings.mainFields],
  banner: { js: bundleSettings.banner },
  external: bundleSettings.bundleAwsSdk ? [] : ['@aws-sdk/*'],
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** The same settings as `NodejsFunction` bundling props. */
export const nodejsBundling: BundlingOptions = {
  target: bundleSettings.target,
  format: OutputFormat.ESM,
  minify: bundleSettings.minify,
  sourceMap: bundleSettings.sourceMap,
  sourcesContent: bundleSettings.sourcesContent,
  mainFields: [...bundleSettings.mainFields],
  banner: bundleSettings.banner,
  bundleAwsSDK: bundleSettings.bundleAwsSdk,
  logLevel: LogLevel.WARNING,
};

/** The file CDK writes for an ESM bundle; name your `outfile` the same to get identical bytes. */
export const bundleFileName = 'index.mjs';

/** A route's or trigger's `handler` (e.g. `functions/accounts/get`) as the entry file CDK bundles. */
export function handlerEntry(handler: string): string {
  return path.join(projectRoot, `${handler}.ts`);
}

export function handlerExists(handler: string): boolean {
  return existsSync(handlerEntry(handler));
}

/**
 * Bundles one entry with exactly the options CDK uses (run from the project root, like CDK).
 * Writes `outfile` and `outfile.map`; returns esbuild's metafile so callers can explain the size.
 */
export async function bundleFunction(entry: string, outfile: string): Promise<Metafile> {
  const { build } = await import('esbuild');
  const result = await build({
    ...esbuildOptions,
    mainFields: [...esbuildOptions.mainFields],
    external: [...esbuildOptions.external],
    entryPoints: [path.resolve(projectRoot, entry)],
    outfile: path.resolve(outfile),
    absWorkingDir: projectRoot,
    metafile: true,
  });
  return result.metafile;
}
