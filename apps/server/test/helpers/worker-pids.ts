/** The pids of this process's embedded-queue workers (Linux /proc): what a crash test kills. */
import { readFile, readdir } from "node:fs/promises";

export async function workerPids(parent: number = process.pid): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const [stat, cmdline] = await Promise.all([readFile(`/proc/${entry}/stat`, "utf8").catch(() => ""), readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "")]);
    // stat: "pid (comm) state ppid …"; comm may hold spaces, so read after its closing parenthesis.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid === parent && cmdline.includes("worker-process")) pids.push(Number(entry));
  }
  return pids;
}
