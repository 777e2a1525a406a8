import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { alignmentWordSpans, chunkedTable, indexTable, readTable, stemTable, stepPath } from "@autosing/parquet-io";
import { writeTestCorpus } from "@autosing/song-corpus";
import { decodeAudio, detectAudioFormat } from "@autosing/audio-codec";
import { type Table, tableFromIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DatasetCatalog } from "../src/datasets/dataset-catalog.js";
import { DatasetConfigError } from "../src/datasets/errors.js";
import { type RunningServer, startServer } from "../src/index.js";
import { type ProcessedDataset, writeProcessedDataset } from "./helpers/processed-dataset.js";
import { rawRequest } from "./helpers/raw-request.js";

const root = mkdtempSync(join(tmpdir(), "autosing-datasets-"));
let corpus: ProcessedDataset;
let songsOnly: string;
let server: RunningServer;

beforeAll(async () => {
  corpus = await writeProcessedDataset(root, "corpus");
  songsOnly = join(root, "songs-only");
  await mkdir(songsOnly);
  await writeTestCorpus(songsOnly, { songs: 2, seconds: 9, seed: 3 });
  // A dataset whose chunk table is not Parquet at all.
  await mkdir(join(root, "broken", "0"), { recursive: true });
  await writeFile(join(root, "broken", "0", "chunked.parquet"), "not parquet");
  server = await startServer({ port: 0, datasets: [{ name: "corpus", dir: corpus.dir }, { name: "songs", dir: songsOnly }, { name: "broken", dir: join(root, "broken") }], state: join(root, "state"), log: () => {} });
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

const CONTENT_TYPES = { wav: "audio/wav", flac: "audio/flac", mp3: "audio/mpeg", "ogg-vorbis": "audio/ogg", "ogg-opus": "audio/ogg" } as const;

interface Partitions {
  steps: { name: string }[];
  partitions: { partition: number; tables: Record<string, number | null>; done: Record<string, boolean> }[];
  missing: Record<string, number[]>;
}

/** Byte equality without vitest's element-by-element diff of a large typed array. */
function sameBytes(actual: ArrayBuffer, expected: Uint8Array): boolean {
  return Buffer.from(actual).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength));
}

async function rowsOf(path: string): Promise<{ response: Response; table: Table }> {
  const response = await fetch(`${server.url}${path}`);
  expect(response.status, await response.clone().text().catch(() => "")).toBe(200);
  return { response, table: tableFromIPC(new Uint8Array(await response.arrayBuffer())) };
}

describe("GET /api/datasets and partitions", () => {
  it("lists the served datasets by their configured names", async () => {
    const body = (await (await fetch(`${server.url}/api/datasets`)).json()) as unknown;
    expect(body).toEqual({ datasets: [{ name: "corpus", partitions: [0] }, { name: "songs", partitions: [0] }, { name: "broken", partitions: [0] }] });
  });

  it("tells which step has run on which partition (the missing table)", async () => {
    const body = (await (await fetch(`${server.url}/api/datasets/corpus/partitions`)).json()) as Partitions;
    expect(body.steps.map((s) => s.name)).toEqual(["align", "vad_extract", "src_sep", "atoks_no_vocals_default", "atoks_vocals_default", "stoks", "artist_embs"]);
    expect(body.partitions).toHaveLength(1);
    expect(body.partitions[0]!.done).toEqual({ align: true, vad_extract: true, src_sep: true, atoks_no_vocals_default: true, atoks_vocals_default: true, stoks: true, artist_embs: false });
    expect(body.partitions[0]!.tables.chunked).toBe(corpus.chunkIds.length);
    expect(body.partitions[0]!.tables.index).toBe(corpus.songs);
    expect(body.missing.artist_embs).toEqual([0]);
    expect(body.missing.stoks).toEqual([]);
    const songs = (await (await fetch(`${server.url}/api/datasets/songs/partitions`)).json()) as Partitions;
    expect(songs.steps.map((s) => s.name)).toContain("atoks_vocals_snac_32khz");
    expect(songs.missing.align).toEqual([0]);
  });
});

describe("the OpenAPI document", () => {
  it("names the dataset routes with their parameters", async () => {
    const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, { get?: { parameters?: { name: string }[] } }> };
    const rows = document.paths["/api/datasets/{name}/partitions/{partition}/rows"]?.get;
    expect(rows?.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(["name", "partition", "offset", "limit", "sort", "order", "minInlierRatio"]));
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/api/datasets", "/api/datasets/{name}/partitions", "/api/datasets/{name}/partitions/{partition}/rows/{id}/audio/{track}"]));
    expect(Object.keys(document.paths).some((path) => path.startsWith("/assets") || path === "/datasets")).toBe(false);
  });
});

describe("GET …/rows (Arrow IPC)", () => {
  it("sends typed columns that match the partition's tables", async () => {
    const { response, table } = await rowsOf("/api/datasets/corpus/partitions/0/rows");
    expect(response.headers.get("content-type")).toBe("application/vnd.apache.arrow.stream");
    expect(response.headers.get("x-total-count")).toBe(String(corpus.chunkIds.length));
    expect(table.schema.metadata.get("base")).toBe("chunked");
    expect(table.schema.metadata.get("atoks_codec")).toBe("default");
    expect(Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]))).toMatchObject({
      id: "Utf8",
      inlier_ratio: "Float64",
      stoks: "List<Int32>",
      atoks_vocals: "List<Int32>",
      atoks_no_vocals: "List<Int32>",
      has_vocals: "Bool",
    });
    expect(table.schema.fields.map((f) => f.name)).not.toContain("audio");
    expect(table.getChild("id")!.toArray()).toEqual(corpus.chunkIds);

    const chunks = await readTable(stepPath(corpus.dir, 0, "chunked"), chunkedTable, { columns: ["id", "alignment"] });
    const first = table.get(0)!;
    const expected = chunks[0]!.alignment!;
    expect([...first.alignment.words]).toEqual([...expected.words]);
    expect(first.alignment.word_starts.toArray()).toEqual(Float32Array.from(alignmentWordSpans(expected).starts));
    expect(first.inlier_ratio).toBe(expected.inlier_ratio);
    expect(first.stoks.length).toBe(750);
    expect(first.atoks_vocals.length % 4).toBe(0);
    expect(first.atoks_vocals.length).toBeGreaterThan(0);
    expect(first.has_vocals).toBe(true);
    expect(first.has_instrumental).toBe(true);
  });

  it("pages, sorts and filters by inlier ratio", async () => {
    const all = (await rowsOf("/api/datasets/corpus/partitions/0/rows?sort=inlier_ratio&order=desc")).table;
    const ratios = [...all.getChild("inlier_ratio")!] as number[];
    expect([...ratios]).toEqual([...ratios].sort((a, b) => b - a));
    const second = (await rowsOf("/api/datasets/corpus/partitions/0/rows?sort=inlier_ratio&order=desc&offset=1&limit=1")).table;
    expect(second.numRows).toBe(1);
    expect(second.get(0)!.id).toBe(all.get(1)!.id);
    const threshold = Math.max(...ratios);
    const filtered = await rowsOf(`/api/datasets/corpus/partitions/0/rows?minInlierRatio=${threshold}`);
    expect(filtered.response.headers.get("x-total-count")).toBe(String(ratios.filter((r) => r >= threshold).length));
    expect([...filtered.table.getChild("inlier_ratio")!].every((r) => (r as number) >= threshold)).toBe(true);
    const none = await rowsOf("/api/datasets/corpus/partitions/0/rows?minInlierRatio=1&offset=5");
    expect(none.table.numRows).toBe(ratios.filter((r) => r >= 1).length > 5 ? 1 : 0);
  });

  it("shows a partition that has not been chunked yet by song, with its lyrics", async () => {
    const { table } = await rowsOf("/api/datasets/songs/partitions/0/rows");
    expect(table.schema.metadata.get("base")).toBe("index");
    const index = await readTable(stepPath(songsOnly, 0, "index"), indexTable, { columns: ["id", "raw_lyrics"] });
    expect(table.getChild("id")!.toArray()).toEqual(index.map((r) => r.id));
    expect(table.get(0)!.lyrics).toBe(index[0]!.raw_lyrics);
    expect(table.get(0)!.alignment).toBeNull();
    expect(table.get(0)!.stoks).toBeNull();
  });

  it("answers 500 naming the dataset's file, not the server's path, when a table cannot be read", async () => {
    const response = await fetch(`${server.url}/api/datasets/broken/partitions/0/rows`);
    expect(response.status).toBe(500);
    const body = (await response.json()) as { message: string };
    expect(body.message).toMatch(/^a table of the dataset cannot be read: broken\/0\/chunked\.parquet: /);
    expect(body.message).not.toContain(root);
  });

  it("refuses bad queries with 400 naming the field", async () => {
    for (const query of ["limit=0", "limit=100000", "offset=-1", "sort=audio", "order=up", "minInlierRatio=2", "limit=abc"]) {
      const response = await fetch(`${server.url}/api/datasets/corpus/partitions/0/rows?${query}`);
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as { message: string };
      expect(body.message, query).toMatch(/limit|offset|sort|order|minInlierRatio|additional/);
    }
  });
});

describe("GET …/rows/:id/audio/:track", () => {
  it("serves the stored mix, vocals and instrumental with their content type, and byte ranges", async () => {
    const id = corpus.chunkIds[0]!;
    const chunks = await readTable(stepPath(corpus.dir, 0, "chunked"), chunkedTable, { columns: ["id", "audio"] });
    const vocals = await readTable(stepPath(corpus.dir, 0, "vocals"), stemTable("vocals"));
    const instrumental = await readTable(stepPath(corpus.dir, 0, "no_vocals"), stemTable("no_vocals"));
    for (const [track, stored] of [
      ["mix", chunks[0]!.audio],
      ["vocals", vocals[0]!.audio],
      ["instrumental", instrumental[0]!.audio],
    ] as const) {
      const response = await fetch(`${server.url}/api/datasets/corpus/partitions/0/rows/${id}/audio/${track}`);
      expect(response.status, track).toBe(200);
      expect(response.headers.get("content-type")).toBe(CONTENT_TYPES[detectAudioFormat(stored)!]);
      expect(response.headers.get("accept-ranges")).toBe("bytes");
      expect(sameBytes(await response.arrayBuffer(), stored)).toBe(true);
    }
    // The stored FLAC decoded and re-encoded as WAV for a browser that cannot play the stored format.
    const wav = await fetch(`${server.url}/api/datasets/corpus/partitions/0/rows/${id}/audio/mix?format=wav`);
    expect(wav.headers.get("content-type")).toBe("audio/wav");
    const fromWav = await decodeAudio(new Uint8Array(await wav.arrayBuffer()));
    const fromStored = await decodeAudio(chunks[0]!.audio);
    expect(fromWav.sampleRate).toBe(fromStored.sampleRate);
    expect(fromWav.channels[0]!.length).toBe(fromStored.channels[0]!.length);
    const size = chunks[0]!.audio.length;
    const partial = await fetch(`${server.url}/api/datasets/corpus/partitions/0/rows/${id}/audio/mix`, { headers: { range: "bytes=100-199" } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe(`bytes 100-199/${size}`);
    expect(sameBytes(await partial.arrayBuffer(), chunks[0]!.audio.subarray(100, 200))).toBe(true);
    const tail = await fetch(`${server.url}/api/datasets/corpus/partitions/0/rows/${id}/audio/mix`, { headers: { range: "bytes=-10" } });
    expect(sameBytes(await tail.arrayBuffer(), chunks[0]!.audio.subarray(size - 10))).toBe(true);
    const beyond = await fetch(`${server.url}/api/datasets/corpus/partitions/0/rows/${id}/audio/mix`, { headers: { range: `bytes=${size}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${size}`);
  });

  it("serves a song's mix from the index of a partition with no stems, and 404 for its vocals", async () => {
    const index = await readTable(stepPath(songsOnly, 0, "index"), indexTable, { columns: ["id", "audio"] });
    const mix = await fetch(`${server.url}/api/datasets/songs/partitions/0/rows/${index[1]!.id}/audio/mix?format=wav`);
    expect(mix.status).toBe(200);
    expect(sameBytes(await mix.arrayBuffer(), index[1]!.audio)).toBe(true);
    const vocals = await fetch(`${server.url}/api/datasets/songs/partitions/0/rows/${index[1]!.id}/audio/vocals`);
    expect(vocals.status).toBe(404);
    expect(((await vocals.json()) as { message: string }).message).toMatch(/no vocals audio/);
  });
});

describe("names from clients are looked up, never joined into a path", () => {
  it.each([
    ["/api/datasets/nope/partitions", 404],
    ["/api/datasets/..%2f..%2fetc/partitions", 400],
    // A client's URL parser resolves %2e%2e as ".." before sending: the route is then not found.
    ["/api/datasets/%2e%2e/partitions", 404],
    ["/api/datasets/%2Fetc/partitions", 400],
    ["/api/datasets/corpus/partitions/7/rows", 404],
    ["/api/datasets/corpus/partitions/..%2f0/rows", 400],
    ["/api/datasets/corpus/partitions/00/rows", 400],
    ["/api/datasets/corpus/partitions/-1/rows", 400],
    ["/api/datasets/corpus/partitions/0/rows/..%2f..%2findex/audio/mix", 400],
    ["/api/datasets/corpus/partitions/0/rows/%2e%2e/audio/mix", 404],
    ["/api/datasets/corpus/partitions/0/rows/no-such-row/audio/mix", 404],
    ["/api/datasets/corpus/partitions/0/rows/x/audio/truth", 400],
    ["/api/datasets/corpus/partitions/0/rows/x/audio/..%2f..%2fetc%2fpasswd", 400],
  ])("%s → %i", async (path, status) => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(status);
    const text = await response.text();
    expect(text).not.toContain(root);
  });

  it("answers 400 to a literal .. that a raw client sends unresolved", async () => {
    for (const path of ["/api/datasets/../partitions", "/api/datasets/corpus/partitions/0/rows/../audio/mix", "/api/datasets/corpus/partitions/0/rows/..%5c..%5cindex/audio/mix"]) {
      const { status, body } = await rawRequest(server.url, path);
      expect(status, path).toBe(400);
      expect(body).not.toContain(root);
    }
  });

  it("refuses duplicate and malformed configured names", () => {
    expect(() => new DatasetCatalog([{ name: "a", dir: "/x" }, { name: "a", dir: "/y" }])).toThrow(DatasetConfigError);
    expect(() => new DatasetCatalog([{ name: "a/b", dir: "/x" }])).toThrow(/the name must be letters/);
    expect(() => new DatasetCatalog([{ name: "..", dir: "/x" }])).toThrow(DatasetConfigError);
  });
});
