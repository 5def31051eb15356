import { defineConfig } from 'vitest/config';

// Node 20 runs the tests; Lambda runs Node 22. The lockfile pins the SDK, so its notice that
// future versions need Node 22 is noise here (set before globalSetup and the forked workers start).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One in-memory DynamoDB Local for the run; integration files make their own tables on it.
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
