/**
 * A real `moto_server` (S3, SNS, SQS… over HTTP) for integration tests: started on 127.0.0.1 and a free port,
 * stopped by the test, and killed when the test process ends in any way that lets it run an exit handler.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { get } from 'node:http';
import type { Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './ports.ts';

const COMMAND = 'moto_server';
const HOST = '127.0.0.1';
const NOT_ON_PATH = `${COMMAND} is not on PATH (pip install "moto[server]")`;

export interface MotoServer {
  /** e.g. http://127.0.0.1:41234 — give it to the SDK clients as `endpoint`. */
  endpoint: string;
  /** Stops the server and resolves once it has exited; calling it again does nothing. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** @default 20000 — how long to wait for the server to answer HTTP before giving up. */
  readyTimeoutMs?: number;
}

/** The server exited before it answered, e.g. because another process took the port first. */
class MotoExitedError extends Error {
  override readonly name = 'MotoExitedError';
}

/** True when an executable `moto_server` is on PATH. */
export function motoAvailable(): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, COMMAND), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * For `describe(name, { skip: skipUnlessMoto() }, …)`: false when moto_server is there, else the skip notice.
 * Under CI=true a missing moto_server throws instead, so the suite fails rather than passing without its tests.
 */
export function skipUnlessMoto(): string | false {
  if (motoAvailable()) return false;
  if (process.env.CI === 'true') throw new Error(`${NOT_ON_PATH}; integration tests must run when CI=true`);
  return `${NOT_ON_PATH}: integration test skipped`;
}

/**
 * For use inside one test: `if (!requireMotoOrSkip(t)) return;`. Marks the test skipped with a one-line notice
 * when moto_server is missing, and fails it under CI=true.
 */
export function requireMotoOrSkip(t: Pick<TestContext, 'skip'>): boolean {
  const notice = skipUnlessMoto();
  if (notice === false) return true;
  t.skip(notice);
  return false;
}

/** SDK client settings for moto: fixed region and dummy credentials, so no profile or real account is ever used. */
export function motoClientConfig(endpoint: string) {
  return { region: 'us-east-1', endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
}

/** As motoClientConfig, with path-style bucket addressing (no bucket-name subdomains on 127.0.0.1). */
export function motoS3ClientConfig(endpoint: string) {
  return { ...motoClientConfig(endpoint), forcePathStyle: true };
}

const running = new Set<ChildProcess>();
let hooksInstalled = false;

/** The server runs in its own process group (see spawn), so its helpers and the Python behind a shim go too. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** A crashed or interrupted test must not leave a server behind: kill them all when this process ends. */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const child of running) signalGroup(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const child of running) signalGroup(child, 'SIGKILL');
      // Keep the default outcome of the signal (the process ends) unless someone else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** True when anything answers HTTP on the endpoint (moto answers every path). */
function answers(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(`${endpoint}/moto-api/`, { agent: false, timeout: 1000 }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  signalGroup(child, 'SIGTERM');
  const escalate = setTimeout(() => signalGroup(child, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(escalate);
}

async function launch(port: number, readyTimeoutMs: number): Promise<MotoServer> {
  installExitHooks();
  // detached: its own process group, so stopping it reaches every process it starts.
  const child = spawn(COMMAND, ['-H', HOST, '-p', String(port)], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderrTail = '';
  // Request logs go to stderr: keep reading it, or the server blocks once the pipe is full.
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2000);
  });
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      running.delete(child);
      resolve();
    };
    child.once('exit', done);
    child.once('error', (error) => {
      spawnError = error;
      done();
    });
  });
  // A test that forgets stop() must not keep its process alive; the exit hook then kills the server.
  child.unref();
  (child.stderr as Socket | null)?.unref();

  const endpoint = `http://${HOST}:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  let state: 'up' | 'down' | 'exited' = 'down';
  while (state === 'down') {
    state = await Promise.race([answers(endpoint).then((up) => (up ? 'up' : 'down')), exited.then(() => 'exited' as const)]);
    if (spawnError) throw new Error(`cannot start ${COMMAND}: ${spawnError.message}`, { cause: spawnError });
    if (state === 'exited') throw new MotoExitedError(`${COMMAND} exited before answering on ${endpoint}: ${stderrTail.trim()}`);
    if (state === 'down' && Date.now() > deadline) {
      await stopChild(child, exited);
      throw new Error(`${COMMAND} did not answer on ${endpoint} within ${readyTimeoutMs} ms: ${stderrTail.trim()}`);
    }
    if (state === 'down') await sleep(100);
  }

  let stopping: Promise<void> | undefined;
  return { endpoint, stop: () => (stopping ??= stopChild(child, exited)) };
}

/**
 * Starts moto_server on 127.0.0.1 and a free port and resolves once it answers HTTP.
 * A port taken between choosing and binding it makes the server exit; that is retried with another port.
 *
 * @example const moto = await startMoto(); const sns = new SNSClient(motoClientConfig(moto.endpoint)); … await moto.stop();
 */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launch(await freePort(HOST), readyTimeoutMs);
    } catch (error) {
      if (!(error instanceof MotoExitedError)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}
