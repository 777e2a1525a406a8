/**
 * Benchmark of @autosing/parquet-io: read/write MB/s of an audio-bytes table and a token table,
 * rows/s of a 5-table join, and the peak RSS of streaming a large partition. Anchors: DuckDB
 * reading the same files, and `cat file > /dev/null` (page-cache read speed of this machine).
 *
 *   pnpm --filter @autosing/parquet-io bench            # about a minute on 2 cores
 *   BENCH_LARGE_MB=2048 pnpm --filter @autosing/parquet-io bench   # a 2 GB partition for the RSS figure
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { DuckDBInstance } from "@duckdb/node-api";

import {
  type AlignmentRecord,
  artistEmbsTable,
  atoksTable,
  chunkedTable,
  createTableWriter,
  indexTable,
  joinById,
  makeAlignment,
  openTable,
  stepPath,
  stoksTable,
  writeTable,
} from "../src/index.js";

const MB = 1e6;

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Random bytes (incompressible, like encoded audio). */
function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 255;
    out[i + 1] = (state >>> 8) & 255;
    out[i + 2] = (state >>> 16) & 255;
    out[i + 3] = (state >>> 24) & 255;
  }
  return out;
}

/** Pseudo-random 12-bit codes (SNAC's 4096-entry codebooks); real tokens compress no better. */
function tokens(length: number, seed: number): Int32Array {
  const out = new Int32Array(length);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = (state >>> 0) % 4096;
  }
  return out;
}

function catSeconds(file: string): number {
  const start = process.hrtime.bigint();
  execFileSync("sh", ["-c", `cat '${file}' > /dev/null`]);
  return seconds(start);
}

function row(label: string, figure: string, anchors: string): void {
  console.log(`${label.padEnd(34)} ${figure.padStart(14)}   ${anchors}`);
}

async function duckSeconds(sql: string): Promise<number> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run("SET threads = 1");
  const start = process.hrtime.bigint();
  await connection.runAndReadAll(sql);
  const elapsed = seconds(start);
  connection.closeSync();
  instance.closeSync();
  return elapsed;
}

const alignment: AlignmentRecord = makeAlignment({
  starts: Array.from({ length: 120 }, (_, i) => i * 0.25),
  ends: Array.from({ length: 120 }, (_, i) => i * 0.25 + 0.2),
  scores: new Array<number>(120).fill(-0.5),
  tokens: Array.from({ length: 120 }, (_, i) => (i % 39) + 1),
  words: Array.from({ length: 40 }, (_, i) => `word${i}`),
  lines: ["line one", "line two"],
  tokens_per_word: new Array<number>(40).fill(3),
  words_per_line: [20, 20],
});

/** Child mode: stream the audio column of a large index.parquet and report peak RSS. */
async function streamChild(file: string): Promise<void> {
  const reader = await openTable(file, indexTable);
  let bytes = 0;
  for await (const group of reader.rowGroups({ columns: ["id", "audio"] })) for (const r of group) bytes += r.audio.length;
  process.stdout.write(JSON.stringify({ bytes, maxRssKiB: process.resourceUsage().maxRSS }));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "parquet-io-bench-"));
  try {
    const load = loadavg()[0] ?? 0;
    console.log(
      `@autosing/parquet-io bench (node ${process.version}, ${cpus().length} cores, load average ${load.toFixed(1)}; DuckDB single-threaded as anchor)\n`,
    );
    row("figure", "parquet-io", "anchors");

    // 1. Audio bytes: 160 rows × 256 KiB of incompressible bytes (~42 MB).
    const audioFile = join(dir, "vocals.parquet");
    const audioRows = Array.from({ length: 160 }, (_, i) => ({ id: `song${i}_at_0`, audio: randomBytes(256 * 1024, i + 1) }));
    const audioMB = audioRows.reduce((sum, r) => sum + r.audio.length, 0) / MB;
    let start = process.hrtime.bigint();
    await writeTable(audioFile, chunkedTable, audioRows.map((r) => ({ ...r, alignment, artist: "a" })));
    const audioWrite = audioMB / seconds(start);
    start = process.hrtime.bigint();
    let read = 0;
    for await (const group of (await openTable(audioFile, chunkedTable)).rowGroups({ columns: ["id", "audio"] })) for (const r of group) read += r.audio.length;
    const audioRead = read / MB / seconds(start);
    const audioDuck = audioMB / (await duckSeconds(`SELECT sum(octet_length(audio)) FROM '${audioFile}'`));
    const audioCat = statSync(audioFile).size / MB / catSeconds(audioFile);
    row("audio table write", `${audioWrite.toFixed(0)} MB/s`, "");
    row("audio table read (id, audio)", `${audioRead.toFixed(0)} MB/s`, `DuckDB ${audioDuck.toFixed(0)} MB/s, cat ${audioCat.toFixed(0)} MB/s`);

    // 2. Tokens: 200 rows × 4 × 2496 acoustic tokens (int64 in the file, as upstream).
    const tokensFile = join(dir, "atoks.parquet");
    const tokenRows = Array.from({ length: 200 }, (_, i) => ({ id: `song${i}_at_0`, values: tokens(4 * 2496, i) }));
    const tokenMB = (tokenRows.length * 4 * 2496 * 8) / MB; // logical int64 bytes
    start = process.hrtime.bigint();
    await writeTable(tokensFile, atoksTable("vocals"), tokenRows);
    const tokenWriteSeconds = seconds(start);
    const tokenWrite = tokenMB / tokenWriteSeconds;
    start = process.hrtime.bigint();
    let values = 0;
    for await (const group of (await openTable(tokensFile, atoksTable("vocals"))).rowGroups()) for (const r of group) values += r.values.length;
    const tokenReadSeconds = seconds(start);
    const tokenDuck = tokenMB / (await duckSeconds(`SELECT sum(list_sum("values")) FROM '${tokensFile}'`));
    const tokenCat = statSync(tokensFile).size / MB / catSeconds(tokensFile);
    row("token table write (int64 MB)", `${tokenWrite.toFixed(1)} MB/s`, `${((tokenRows.length * 9984) / MB / tokenWriteSeconds).toFixed(2)} M tokens/s`);
    row(
      "token table read (int64 MB)",
      `${(tokenMB / tokenReadSeconds).toFixed(1)} MB/s`,
      `${(values / MB / tokenReadSeconds).toFixed(2)} M tokens/s; DuckDB ${tokenDuck.toFixed(0)} MB/s, cat ${tokenCat.toFixed(0)} MB/s (${(statSync(tokensFile).size / MB).toFixed(1)} MB on disk)`,
    );

    // 3. Five-table join of one partition (construct-dataset's join).
    const data = join(dir, "data");
    const ids = Array.from({ length: 150 }, (_, i) => `song${i}_at_0`);
    const p = (step: string): string => stepPath(data, 0, step);
    await writeTable(p("atoks_vocals_snac_32khz"), atoksTable("vocals"), ids.map((id, i) => ({ id, values: tokens(4 * 2496, i) })));
    await writeTable(p("atoks_no_vocals_snac_32khz"), atoksTable("no_vocals"), ids.map((id, i) => ({ id, values: tokens(4 * 2496, i + 7) })));
    await writeTable(p("stoks"), stoksTable, ids.map((id, i) => ({ id, values: tokens(750, i) })));
    await writeTable(p("artist_embs"), artistEmbsTable, ids.map((id) => ({ id, embs: new Float32Array(768).fill(0.5) })));
    await writeTable(p("chunked"), chunkedTable, ids.map((id) => ({ id, audio: new Uint8Array(16), alignment, artist: null })));
    start = process.hrtime.bigint();
    let joined = 0;
    for await (const batch of joinById([
      { file: p("atoks_vocals_snac_32khz"), table: atoksTable("vocals"), columns: [{ name: "values", as: "atoks" }] },
      { file: p("atoks_no_vocals_snac_32khz"), table: atoksTable("no_vocals"), columns: [{ name: "values", as: "mtoks" }] },
      { file: p("stoks"), table: stoksTable, columns: [{ name: "values", as: "stoks" }] },
      { file: p("artist_embs"), table: artistEmbsTable, columns: [{ name: "embs" }] },
      { file: p("chunked"), table: chunkedTable, columns: [{ name: "alignment" }] },
    ]))
      joined += batch.length;
    const joinRate = joined / seconds(start);
    const joinDuck =
      ids.length /
      (await duckSeconds(
        `SELECT count(*), sum(len(a."values") + len(m."values") + len(s."values") + len(e.embs) + len(c.alignment.starts))
         FROM '${p("atoks_vocals_snac_32khz")}' a JOIN '${p("atoks_no_vocals_snac_32khz")}' m USING (id)
         JOIN '${p("stoks")}' s USING (id) JOIN '${p("artist_embs")}' e USING (id) JOIN '${p("chunked")}' c USING (id)`,
      ));
    row("5-table join (30 s rows)", `${joinRate.toFixed(0)} rows/s`, `DuckDB ${joinDuck.toFixed(0)} rows/s`);

    // 4. Peak RSS streaming a large index.parquet (default 512 MB; BENCH_LARGE_MB to change).
    const largeMB = Number(process.env.BENCH_LARGE_MB ?? 512);
    const largeFile = join(dir, "index.parquet");
    const chunk = randomBytes(512 * 1024, 99);
    const writer = await createTableWriter(largeFile, indexTable, { rowGroupBytes: 32 << 20 });
    const largeRows = Math.ceil((largeMB * MB) / chunk.length);
    for (let i = 0; i < largeRows; i += 1) writer.append([{ id: `song${i}`, audio: chunk, artist: "x" }]);
    writer.finish();
    const here = fileURLToPath(import.meta.url);
    start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, [...process.execArgv, here, "--stream", largeFile], { encoding: "utf8" });
    const streamSeconds = seconds(start);
    if (child.status !== 0) throw new Error(`stream child failed: ${child.stderr}`);
    const streamed = JSON.parse(child.stdout) as { bytes: number; maxRssKiB: number };
    const idle = spawnSync(process.execPath, [...process.execArgv, "-e", "process.stdout.write(String(process.resourceUsage().maxRSS))"], { encoding: "utf8" });
    const largeDuck = (statSync(largeFile).size / MB) / (await duckSeconds(`SELECT sum(octet_length(audio)) FROM '${largeFile}'`));
    row(
      `stream ${(statSync(largeFile).size / MB).toFixed(0)} MB index.parquet`,
      `${(streamed.maxRssKiB / 1024).toFixed(0)} MiB RSS`,
      `idle node ${(Number(idle.stdout) / 1024).toFixed(0)} MiB; row groups of 32 MiB; ${(streamed.bytes / MB / streamSeconds).toFixed(0)} MB/s; DuckDB ${largeDuck.toFixed(0)} MB/s, cat ${(statSync(largeFile).size / MB / catSeconds(largeFile)).toFixed(0)} MB/s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--stream" && process.argv[3]) await streamChild(process.argv[3]);
else await main();
