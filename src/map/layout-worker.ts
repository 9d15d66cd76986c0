/** The layout (layout.ts) in a worker thread: started by layoutKnnInWorker. */
import { serveWorkerTask } from "../worker-task.js";
import { layoutKnn, type LayoutTask } from "./layout.js";

serveWorkerTask(({ graph, options }: LayoutTask) => layoutKnn(graph, options), (xy) => [xy.buffer as ArrayBuffer]);
