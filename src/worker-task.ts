/**
 * One task in a worker thread: the caller's side (runWorkerTask) and the worker module's
 * (serveWorkerTask). The topic map runs its two longest steps this way, each beside other work,
 * so a map at tens of thousands of papers uses both cores of a laptop.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData, type TransferListItem } from "node:worker_threads";

/** A worker's result, and how long its task took there (ms, the worker's start not counted). */
export interface WorkerResult<T> {
  result: T;
  ms: number;
}

/**
 * Starts the worker module at `url` on `data` and gives its result; null when there is no such
 * file to start, as when the sources run as TypeScript under vitest (the caller then does the
 * work itself). A worker that fails or exits without a result rejects with its error.
 */
export function runWorkerTask<T>(url: URL, data: unknown, transfer: readonly TransferListItem[] = []): Promise<WorkerResult<T>> | null {
  if (!existsSync(fileURLToPath(url))) return null;
  return new Promise<WorkerResult<T>>((resolve, reject) => {
    const worker = new Worker(url, { workerData: data, transferList: [...transfer] });
    let settled = false;
    worker.once("message", (message: { result?: T; ms?: number; error?: string }) => {
      settled = true;
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve({ result: message.result as T, ms: message.ms! });
    });
    worker.once("error", (error) => {
      settled = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`worker thread ${fileURLToPath(url)} exited (code ${code}) without a result`));
    });
  });
}

/** In a worker module: runs `task` on the data the worker was started with and posts the result and its time (or the error's message). */
export function serveWorkerTask<D, T>(task: (data: D) => T, transfer: (result: T) => TransferListItem[] = () => []): void {
  if (isMainThread || !parentPort) return;
  try {
    const started = performance.now();
    const result = task(workerData as D);
    parentPort.postMessage({ result, ms: performance.now() - started }, transfer(result));
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
}
