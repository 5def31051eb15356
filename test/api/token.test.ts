import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lib/store/keys';
import { startTestStack, type TestStack } from '../support/stack';

/** The token command's code path: sign-up on first use, the trigger once, one user per email. */

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const claims = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));

async function profiles(sub: string): Promise<Record<string, unknown>[]> {
  const key = keys.profile(sub);
  return (await stack.scanAll()).filter((item) => item.pk === key.pk && item.sk === key.sk);
}

describe('token', () => {
  it('gives the same user for the same email in any case, verified by default', async () => {
    const first = claims(await stack.token('Frank@Example.COM'));
    const again = claims(await stack.token('frank@example.com'));
    const spaced = claims(await stack.token('  FRANK@EXAMPLE.COM '));
    expect(first.sub).toEqual(expect.any(String));
    expect(again.sub).toBe(first.sub);
    expect(spaced.sub).toBe(first.sub);
    expect(first).toMatchObject({ email: 'frank@example.com', email_verified: true, token_use: 'id' });
    expect(claims(await stack.token('grace@example.com')).sub).not.toBe(first.sub);
  });

  it('runs the post-confirmation trigger, which records the profile exactly once', async () => {
    const { sub } = claims(await stack.token('heidi@example.com'));
    await stack.token('HEIDI@example.com');
    await stack.token('heidi@example.com', { unverified: true });
    const stored = await profiles(sub as string);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ sub, email: 'heidi@example.com' });
  });

  it('--unverified makes a new user with email_verified false, recorded by the trigger too', async () => {
    const token = claims(await stack.token('ivan@example.com', { unverified: true }));
    expect(token).toMatchObject({ email: 'ivan@example.com', email_verified: false });
    expect(await profiles(token.sub as string)).toHaveLength(1);
    // An existing user stays as they are, either way.
    expect(claims(await stack.token('ivan@example.com'))).toMatchObject({
      sub: token.sub,
      email_verified: false,
    });
  });

  it('--unverified changes nothing for an existing verified user', async () => {
    const verified = claims(await stack.token('judy@example.com'));
    const after = claims(await stack.token('judy@example.com', { unverified: true }));
    expect(after).toMatchObject({ sub: verified.sub, email_verified: true });
  });

  it('rejects what is not an email address', async () => {
    await expect(stack.token('not-an-email')).rejects.toThrow(/Not an email/);
  });
});

describe('npm run -s token', () => {
  const run = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        'npm',
        ['run', '-s', 'token', '--', ...args],
        { env: { ...process.env, ...env } },
        (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('prints exactly one line, the ID token of that user', async () => {
    const inProcess = claims(await stack.token('kim@example.com'));
    const { code, stdout } = await run(['KIM@example.com'], {
      PORT: String(stack.port),
      DATA_DIR: stack.dataDir,
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(claims(stdout.trim())).toMatchObject({ sub: inProcess.sub, email: 'kim@example.com' });
  });

  it('fails with a message on stderr and nothing on stdout when no stack runs on DATA_DIR', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'no-stack-'));
    try {
      const { code, stdout, stderr } = await run(['kim@example.com'], { DATA_DIR: empty });
      expect(code).not.toBe(0);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/npm start/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
