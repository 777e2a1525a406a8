// One `runQueueWorker` in its own process with short BullMQ locks, so a test can kill it (-9) mid-job
// and see another worker notice within seconds (autosing worker keeps the 60 s default).
// Arguments: <redis url> <state dir> <datasets JSON> <lock milliseconds>.
import process from "node:process";

import { runQueueWorker } from "../../dist/index.js";

const [url, stateDir, datasets, lock] = process.argv.slice(2);
const worker = await runQueueWorker({
  url,
  stateDir,
  modelsDir: undefined,
  datasets: JSON.parse(datasets),
  log: (line) => process.stderr.write(`${line}\n`),
  lockMilliseconds: Number(lock),
  stalledCheckMilliseconds: Number(lock) / 2,
});
process.once("SIGTERM", () => void worker.close().then(() => process.exit(0)));
