// Service instances as child processes (`node --import tsx server/main.ts`), each on its own
// port, all on one DATABASE_URL; killed with SIGKILL and started again on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A copy of the service's code (server, db, templates, assets; node_modules linked) in a
 * temporary folder, so that every restart runs the same code even while the working tree
 * changes under it (edits in progress would make a restart fail for reasons unrelated to
 * the fault being injected).
 */
export function snapshotService(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbo-fault-'));
  for (const entry of ['server', 'db', 'templates', 'assets', 'package.json', 'tsconfig.json']) {
    if (fs.existsSync(path.join(ROOT, entry)))
      fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface InstanceOptions {
  name: string;
  port: number;
  /** The folder holding the service's code (a snapshot); the repository by default. */
  cwd?: string;
  env: Record<string, string>;
  /** Where the instance's stdout and stderr go (the JSON log holds no personal data). */
  logFile: string;
}

/**
 * Instances still running. If the harness itself dies (an uncaught error), they are killed on
 * its way out instead of being left serving, connected to a scratch database.
 */
const LIVE = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of LIVE) child.kill('SIGKILL');
});

export class ServiceInstance {
  private child: ChildProcess | null = null;
  /** True between a successful /health and the kill. */
  up = false;
  starts = 0;
  kills = 0;
  /** How long each start took to the first 200 on /health, ms. */
  startTimes: number[] = [];
  private log: fs.WriteStream;

  constructor(readonly options: InstanceOptions) {
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    this.log = fs.createWriteStream(options.logFile, { flags: 'a' });
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Starts the process and waits for /health. A start slower than `timeoutMs` (a machine
   * loaded by other work) is killed and tried again, `attempts` times in all.
   */
  async start(timeoutMs = 120_000, attempts = 3): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce(timeoutMs);
      } catch (e) {
        if (this.child) await this.kill();
        if (attempt >= attempts) throw e;
      }
    }
  }

  private async startOnce(timeoutMs: number): Promise<void> {
    const t0 = Date.now();
    this.starts++;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: this.options.cwd ?? ROOT,
      env: {
        ...process.env,
        ...this.options.env,
        PORT: String(this.options.port),
        HOST: '127.0.0.1',
        PUBLIC_URL: `http://fault.localhost:${this.options.port}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    LIVE.add(child);
    child.once('exit', () => LIVE.delete(child));
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    let exited = false;
    child.once('exit', () => {
      exited = true;
      this.up = false;
      if (this.child === child) this.child = null;
    });
    while (Date.now() - t0 < timeoutMs) {
      if (exited) throw new Error(`${this.options.name} exited during start (see ${this.options.logFile})`);
      try {
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) {
          await res.arrayBuffer();
          this.up = true;
          this.startTimes.push(Date.now() - t0);
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.options.name} did not answer /health within ${timeoutMs} ms`);
  }

  /** SIGKILL: no shutdown handler runs, open transactions die with their connections. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.up = false;
    this.kills++;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  }

  /** SIGTERM and wait (the service's graceful stop). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.up = false;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
  }

  close(): void {
    this.log.end();
  }
}
