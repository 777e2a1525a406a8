// Speed and memory of reading a ~1 GB torch.save checkpoint: open it and read every tensor as
// float32, against the anchor of PyTorch's own torch.load of the same file in the same run. The
// file is written on the fly by /usr/bin/python3 (torch) into a temporary folder and removed after;
// without torch the bench says so and stops. Peak RSS is process.resourceUsage().maxRSS, so this
// process reads nothing else; torch.load's is its process's ru_maxrss.
// Run: pnpm --filter @autosing/torch-files bench [-- --megabytes 1024]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { openTorchFile } from "../src/index.js";

const python = "/usr/bin/python3";
const args = process.argv.slice(2);
const megabytesIndex = args.indexOf("--megabytes");
const megabytes = megabytesIndex >= 0 ? Number(args[megabytesIndex + 1]) : 1024;

// 16 MiB float32 matrices (one of them saved transposed, one as float16) up to the requested size.
const writer = `
import sys, torch
path, megabytes = sys.argv[1], int(sys.argv[2])
g = torch.Generator().manual_seed(0)
state = {}
count = max(1, megabytes // 16)
for i in range(count):
    t = torch.randn(2048, 2048, generator=g)
    if i == 1: t = t.t()
    if i == 2: t = t.half()
    state[f"layers.{i}.weight"] = t
torch.save({"config": {"layers": count}, "state_dict": state}, path)
`;
const loader = `
import sys, time, resource, torch
start = time.perf_counter()
spec = torch.load(sys.argv[1], map_location="cpu")
total = sum(float(t[0, 0]) for t in spec["state_dict"].values())
seconds = time.perf_counter() - start
print(f"{seconds:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} {total:.6f}")
`;

function run(script: string, ...scriptArgs: string[]): string | undefined {
  const result = spawnSync(python, ["-c", script, ...scriptArgs], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (result.error !== undefined || result.status !== 0) return undefined;
  return result.stdout.trim();
}

if (run("import torch") === undefined) {
  console.log(`torch-files bench: skipped — ${python} with torch is not available to write the checkpoint`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "torch-files-bench-"));
try {
  const path = join(dir, "checkpoint.pt");
  const written = performance.now();
  if (run(writer, path, String(megabytes)) === undefined) throw new Error("torch.save of the bench checkpoint failed");
  const size = statSync(path).size;
  console.log(`checkpoint: ${(size / 2 ** 30).toFixed(2)} GiB written by torch.save in ${((performance.now() - written) / 1000).toFixed(1)} s`);

  const baseline = process.memoryUsage().rss;
  const start = performance.now();
  const file = openTorchFile(path);
  const opened = performance.now();
  let total = 0;
  let tensors = 0;
  for (const tensor of file.tensors.values()) {
    const values = tensor.readFloat32();
    total += values[0] as number;
    tensors++;
  }
  file.close();
  const seconds = (performance.now() - start) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  console.log(
    `torch-files: open ${((opened - start) / 1000).toFixed(3)} s, open + read ${tensors} tensors ${seconds.toFixed(2)} s ` +
      `(${(size / 2 ** 20 / seconds).toFixed(0)} MiB/s), peak RSS ${mib(peak)} (${mib(baseline)} before opening), check ${total.toFixed(6)}`,
  );
  const anchor = run(loader, path);
  if (anchor === undefined) console.log("torch.load: failed");
  else {
    const [loadSeconds, maxRssKb, check] = anchor.split(" ");
    console.log(`torch.load (anchor): ${Number(loadSeconds).toFixed(2)} s, peak RSS ${mib(Number(maxRssKb) * 1024)} (whole process, torch included), check ${check}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
