import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  motoAvailable,
  motoClientConfig,
  motoS3ClientConfig,
  requireMotoOrSkip,
  skipUnlessMoto,
  startMoto,
} from './moto.ts';

const saved = { PATH: process.env.PATH, CI: process.env.CI };

function restoreEnv(): void {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/** A folder holding an executable named moto_server, to put on PATH. */
function fakeMotoDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-moto-'));
  writeFileSync(join(dir, 'moto_server'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dir, 'moto_server'), 0o755);
  return dir;
}

/** Resolves true once nothing accepts TCP connections on the endpoint any more (polls up to 5 s). */
async function portClosed(endpoint: string): Promise<boolean> {
  const { hostname, port } = new URL(endpoint);
  for (let i = 0; i < 50; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port), hostname);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (!open) return true;
    await sleep(100);
  }
  return false;
}

describe('Function: motoAvailable()', () => {
  afterEach(restoreEnv);

  it('is false when no PATH folder holds moto_server', () => {
    process.env.PATH = '';
    assert.equal(motoAvailable(), false);
  });

  it('is true when a PATH folder holds an executable moto_server', () => {
    const dir = fakeMotoDir();
    try {
      process.env.PATH = dir;
      assert.equal(motoAvailable(), true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Function: requireMotoOrSkip()', () => {
  afterEach(restoreEnv);

  it('skips with a one-line notice when moto_server is missing outside CI', () => {
    process.env.PATH = '';
    delete process.env.CI;
    const notices: (string | undefined)[] = [];
    assert.equal(requireMotoOrSkip({ skip: (message?: string) => void notices.push(message) }), false);
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /^moto_server is not on PATH .*: integration test skipped$/);
  });

  it('throws when moto_server is missing and CI=true', () => {
    process.env.PATH = '';
    process.env.CI = 'true';
    assert.throws(() => requireMotoOrSkip({ skip: () => assert.fail('must not skip in CI') }), /CI=true/);
    assert.throws(() => skipUnlessMoto(), /moto_server is not on PATH/);
  });

  it('lets the test run when moto_server is there', () => {
    const dir = fakeMotoDir();
    try {
      process.env.PATH = dir;
      assert.equal(requireMotoOrSkip({ skip: () => assert.fail('must not skip') }), true);
      assert.equal(skipUnlessMoto(), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Function: motoClientConfig()', () => {
  it('pins region and dummy credentials, and S3 gets path-style addressing', () => {
    const endpoint = 'http://127.0.0.1:5000';
    assert.deepEqual(motoClientConfig(endpoint), {
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    assert.equal(motoS3ClientConfig(endpoint).forcePathStyle, true);
  });
});

describe('Function: startMoto()', { skip: skipUnlessMoto() }, () => {
  let moto: Awaited<ReturnType<typeof startMoto>>;
  before(async () => {
    moto = await startMoto();
  });
  after(() => moto?.stop());

  it('serves AWS APIs on 127.0.0.1 and a free port', async () => {
    assert.match(moto.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    const sns = new SNSClient(motoClientConfig(moto.endpoint));
    const topics = await sns.send(new ListTopicsCommand({}));
    assert.ok(Array.isArray(topics.Topics));
    sns.destroy();
  });

  it('gives each call its own server', async () => {
    const second = await startMoto();
    try {
      assert.notEqual(second.endpoint, moto.endpoint);
    } finally {
      await second.stop();
    }
    assert.ok(await portClosed(second.endpoint), 'stop() leaves the port closed');
    await second.stop();
  });

  /** Runs a script that starts moto, prints its endpoint, then ends as `ending` says; returns that endpoint. */
  async function endpointOfDeadScript(ending: string, signal?: NodeJS.Signals): Promise<string> {
    const helper = new URL('./moto.ts', import.meta.url).href;
    const script = `import { startMoto } from ${JSON.stringify(helper)};
      const moto = await startMoto();
      console.log(moto.endpoint);
      ${ending}`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const lines = createInterface({ input: child.stdout });
    const first = await lines[Symbol.asyncIterator]().next();
    lines.close();
    const endpoint: string = first.done ? '' : first.value;
    if (signal) child.kill(signal);
    await exited;
    return endpoint;
  }

  it('kills the server when the test process crashes', async () => {
    const endpoint = await endpointOfDeadScript("throw new Error('test crashed');");
    assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(await portClosed(endpoint), `moto still answers on ${endpoint}`);
  });

  it('kills the server when the test process is terminated', async () => {
    const endpoint = await endpointOfDeadScript('setInterval(() => {}, 1000);', 'SIGTERM');
    assert.ok(await portClosed(endpoint), `moto still answers on ${endpoint}`);
  });
});
