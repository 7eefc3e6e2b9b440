/**
 * Runs fuzz cases in a worker thread so that a hang or a memory explosion is caught and reported
 * instead of freezing the test run. A timer in the test's own thread could not interrupt a
 * synchronous loop in a reader; `Worker.terminate()` can. One worker per test file, reused case
 * after case (starting one costs about a second: tsx compiles the engine's sources), replaced
 * only after a case killed it.
 */
import { Worker } from 'node:worker_threads';
import { caseTimeoutMs, MEMORY_GROWTH_BYTES } from './settings.ts';
import type { CaseRequest, CaseResult } from './spec.ts';

export type TimedResult = CaseResult & { ms?: number };

export class Sandbox {
  private worker?: Worker;
  private starting?: Promise<Worker>;
  private settle?: (r: TimedResult) => void;

  private start(): Promise<Worker> {
    if (this.worker) return Promise.resolve(this.worker);
    this.starting ??= new Promise<Worker>((resolve, reject) => {
      // The heap cap turns a runaway JS heap into ERR_WORKER_OUT_OF_MEMORY (typed arrays live
      // outside it: those are watched through the process's resident size below).
      const w = new Worker(new URL('./worker.mjs', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 3072 } });
      w.once('message', (m: { ready?: boolean }) => {
        if (!m.ready) return reject(new Error('fuzz sandbox: unexpected first message'));
        w.on('message', (r: TimedResult) => this.settle?.(r));
        this.worker = w;
        this.starting = undefined;
        resolve(w);
      });
      w.on('error', (e: Error & { code?: string }) => {
        const memory = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
        this.drop(w);
        if (!this.settle) return reject(e);
        this.settle(memory ? { outcome: 'memory', message: `the JS heap ran out: ${e.message}` } : { outcome: 'bad', name: 'WorkerCrash', message: e.message, stack: e.stack ?? '' });
      });
      w.on('exit', (code) => {
        this.drop(w);
        this.settle?.({ outcome: 'bad', name: 'WorkerExit', message: `the sandbox worker exited (code ${code}) mid-case`, stack: '' });
      });
    });
    return this.starting;
  }

  private drop(w: Worker): void {
    if (this.worker === w) this.worker = undefined;
    this.starting = undefined;
  }

  private kill(): void {
    const w = this.worker;
    this.worker = undefined;
    if (w) {
      w.removeAllListeners('exit');
      void w.terminate();
    }
  }

  /** The case in flight: the worker answers in order, so a second case waits for the first. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Runs one case; never rejects for anything the engine does. */
  run(req: CaseRequest): Promise<TimedResult> {
    const next = this.queue.then(() => this.runNow(req));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(req: CaseRequest): Promise<TimedResult> {
    const w = await this.start();
    return new Promise<TimedResult>((resolve) => {
      const base = process.memoryUsage.rss();
      const finish = (r: TimedResult) => {
        clearTimeout(timer);
        clearInterval(sampler);
        this.settle = undefined;
        resolve(r);
      };
      const limit = caseTimeoutMs();
      const timer = setTimeout(() => {
        this.kill();
        finish({ outcome: 'hang', message: `no answer within ${Math.round(limit / 1000)} s` });
      }, limit);
      const sampler = setInterval(() => {
        const grown = process.memoryUsage.rss() - base;
        if (grown > MEMORY_GROWTH_BYTES) {
          this.kill();
          finish({ outcome: 'memory', message: `the process grew by ${Math.round(grown / 2 ** 20)} MiB during the case` });
        }
      }, 20);
      this.settle = finish;
      w.postMessage(req);
    });
  }

  async close(): Promise<void> {
    this.settle = undefined;
    const w = this.worker;
    this.worker = undefined;
    if (w) {
      w.removeAllListeners('exit');
      await w.terminate();
    }
  }
}
