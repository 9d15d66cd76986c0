/** The layout (layout.ts) in a worker thread: started by layoutKnnInWorker. */
import { serveWorkerTask } from "../worker-task.js";
import { layoutKnn, type LayoutTask } from "./layout.js";

serveWorkerTask(
  ({ graph, options }: LayoutTask) => {
    const started = performance.now();
    const xy = layoutKnn(graph, options);
    return { xy, ms: performance.now() - started };
  },
  ({ xy }) => [xy.buffer as ArrayBuffer],
);
