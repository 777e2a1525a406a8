/**
 * The dataset viewer: datasets → partitions with step completeness → a page of rows (Arrow IPC)
 * with players for mix, vocals and instrumental, the karaoke line following whichever plays, and
 * the semantic and acoustic tokens as heat maps.
 */
import { ApiFailure, getJson, getRows, playableUrl, rowAudioUrl } from "./api.js";
import { drawHeatmap } from "./heatmap.js";
import { KaraokeLine } from "./karaoke.js";

interface Partitions {
  steps: { name: string; step: string; tables: string[] }[];
  partitions: { partition: number; tables: Record<string, number | null>; done: Record<string, boolean> }[];
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const datasetSelect = $<HTMLSelectElement>("dataset");
const partitionsBox = $<HTMLDivElement>("partitions");
const rowsSection = $<HTMLElement>("rows-section");
const rowsBox = $<HTMLDivElement>("rows");
const errorBox = $<HTMLParagraphElement>("viewer-error");
const sort = $<HTMLSelectElement>("sort");
const order = $<HTMLSelectElement>("order");
const minInlier = $<HTMLInputElement>("min-inlier");
const limit = $<HTMLSelectElement>("limit");
const prev = $<HTMLButtonElement>("prev");
const next = $<HTMLButtonElement>("next");
const pageInfo = $<HTMLSpanElement>("page-info");

let partition: number | undefined;
/** The latest request of each list: an earlier answer arriving late is dropped, not drawn over the newer one. */
let partitionsRequest = 0;
let rowsRequest = 0;
let offset = 0;
let total = 0;

function showError(error: unknown): void {
  errorBox.textContent = error instanceof ApiFailure ? `${error.message} (HTTP ${error.status})` : String(error instanceof Error ? error.message : error);
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

async function showPartitions(): Promise<void> {
  errorBox.textContent = "";
  rowsSection.hidden = true;
  const request = ++partitionsRequest;
  const data = await getJson<Partitions>(`/api/datasets/${encodeURIComponent(datasetSelect.value)}/partitions`);
  if (request !== partitionsRequest) return;
  const table = element("table");
  const caption = element("caption", "Which processing step has run on which partition (✓ done, — missing)", "hint");
  const head = element("tr");
  head.append(element("th", "Partition"), element("th", "Songs"), element("th", "Chunks"));
  for (const step of data.steps) {
    const th = element("th", step.name);
    th.scope = "col";
    head.append(th);
  }
  head.append(element("th", ""));
  const thead = element("thead");
  thead.append(head);
  const body = element("tbody");
  for (const p of data.partitions) {
    const tr = element("tr");
    const th = element("th", String(p.partition));
    th.scope = "row";
    tr.append(th, element("td", String(p.tables.index ?? "—")), element("td", String(p.tables.chunked ?? "—")));
    for (const step of data.steps) {
      const done = p.done[step.name] === true;
      const td = element("td", done ? "✓" : "—", done ? "done" : "missing");
      td.setAttribute("aria-label", `${step.name}: ${done ? "done" : "missing"}`);
      tr.append(td);
    }
    const show = element("button", "Show rows", "secondary");
    show.type = "button";
    show.setAttribute("aria-label", `Show the rows of partition ${p.partition}`);
    show.addEventListener("click", () => {
      partition = p.partition;
      offset = 0;
      void showRows().catch(showError);
    });
    const cell = element("td");
    cell.append(show);
    tr.append(cell);
    body.append(tr);
  }
  table.append(caption, thead, body);
  partitionsBox.replaceChildren(data.partitions.length === 0 ? element("p", "This dataset has no partition folders yet.", "hint") : table);
}

function rowQuery(): string {
  const query = new URLSearchParams({ offset: String(offset), limit: limit.value, sort: sort.value, order: order.value });
  if (minInlier.value.trim() !== "") query.set("minInlierRatio", minInlier.value.trim());
  return query.toString();
}

function player(label: string, url: string, karaoke: KaraokeLine | undefined, group: HTMLAudioElement[]): HTMLElement {
  const box = element("div");
  const id = `audio-${Math.random().toString(36).slice(2)}`;
  const heading = element("label", label);
  heading.htmlFor = id;
  const audio = element("audio");
  audio.id = id;
  audio.controls = true;
  audio.preload = "none";
  audio.dataset.track = label.toLowerCase();
  void playableUrl(url).then((src) => (audio.src = src), showError);
  // One track of a row at a time; the karaoke line follows the one playing.
  audio.addEventListener("play", () => group.forEach((other) => other !== audio && other.pause()));
  karaoke?.follow(audio);
  group.push(audio);
  box.append(heading, audio);
  return box;
}

function heatmap(label: string, values: ArrayLike<number>, rows: number, className: string): HTMLElement[] {
  const canvas = element("canvas", undefined, `heatmap ${className}`);
  canvas.setAttribute("role", "img");
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i += 1) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  canvas.setAttribute("aria-label", `${label}: ${rows} × ${Math.floor(values.length / rows)} tokens, values ${min} to ${max}`);
  drawHeatmap(canvas, values, rows);
  return [element("span", label), canvas];
}

async function showRows(): Promise<void> {
  if (partition === undefined) return;
  errorBox.textContent = "";
  const dataset = datasetSelect.value;
  const request = ++rowsRequest;
  const { table, total: count } = await getRows(`/api/datasets/${encodeURIComponent(dataset)}/partitions/${partition}/rows?${rowQuery()}`);
  if (request !== rowsRequest) return;
  total = count;
  const codec = table.schema.metadata.get("atoks_codec") ?? "";
  rowsSection.hidden = false;
  $("rows-title").textContent = `Rows of partition ${partition}`;
  pageInfo.textContent = total === 0 ? "No rows match." : `Rows ${offset + 1}–${offset + table.numRows} of ${total}`;
  prev.disabled = offset === 0;
  next.disabled = offset + table.numRows >= total;
  const cards: HTMLElement[] = [];
  for (const row of table) {
    const id = String(row.id);
    const card = element("article", undefined, "row");
    card.dataset.id = id;
    card.append(element("h3", id));
    const ratio = row.inlier_ratio as number | null;
    const words = row.alignment === null ? 0 : (row.alignment.words as { length: number }).length;
    card.append(element("p", [row.artist === null ? undefined : `artist ${String(row.artist)}`, ratio === null ? "no inlier ratio" : `inlier ratio ${ratio.toFixed(2)}`, `${words} aligned words`].filter(Boolean).join(" · "), "meta"));
    let karaoke: KaraokeLine | undefined;
    if (row.alignment !== null) {
      const line = element("p");
      line.setAttribute("aria-label", "Aligned lyrics; the word being sung is highlighted");
      karaoke = new KaraokeLine(line, { words: [...(row.alignment.words as Iterable<string>)], starts: row.alignment.word_starts.toArray() as Float32Array, ends: row.alignment.word_ends.toArray() as Float32Array });
      card.append(line);
    } else {
      card.append(element("p", row.lyrics === null ? "Missing lyrics (no alignment)." : String(row.lyrics), "meta"));
    }
    const players = element("div", undefined, "players");
    const group: HTMLAudioElement[] = [];
    players.append(player("Mix", rowAudioUrl(dataset, partition, id, "mix"), karaoke, group));
    if (row.has_vocals === true) players.append(player("Vocals", rowAudioUrl(dataset, partition, id, "vocals"), karaoke, group));
    if (row.has_instrumental === true) players.append(player("Instrumental", rowAudioUrl(dataset, partition, id, "instrumental"), karaoke, group));
    card.append(players);
    const tokens = element("div", undefined, "tokens");
    if (row.stoks !== null) tokens.append(...heatmap("Semantic tokens", row.stoks.toArray() as Int32Array, 1, "semantic"));
    if (row.atoks_vocals !== null) tokens.append(...heatmap(`Acoustic tokens, vocals (${codec})`, row.atoks_vocals.toArray() as Int32Array, 4, "acoustic"));
    if (row.atoks_no_vocals !== null) tokens.append(...heatmap(`Acoustic tokens, instrumental (${codec})`, row.atoks_no_vocals.toArray() as Int32Array, 4, "acoustic"));
    if (tokens.childElementCount > 0) card.append(tokens);
    cards.push(card);
  }
  rowsBox.replaceChildren(...cards);
}

async function start(): Promise<void> {
  const { datasets } = await getJson<{ datasets: { name: string }[] }>("/api/datasets");
  datasetSelect.replaceChildren(...datasets.map((d) => Object.assign(element("option", d.name), { value: d.name })));
  if (datasets.length === 0) {
    partitionsBox.replaceChildren(element("p", "This server serves no dataset: start it with autosing serve --dataset <dir>.", "hint"));
    return;
  }
  const wanted = new URLSearchParams(location.search).get("dataset");
  if (wanted !== null && datasets.some((d) => d.name === wanted)) datasetSelect.value = wanted;
  await showPartitions();
}

datasetSelect.addEventListener("change", () => void showPartitions().catch(showError));
for (const control of [sort, order, limit]) control.addEventListener("change", () => ((offset = 0), void showRows().catch(showError)));
minInlier.addEventListener("change", () => ((offset = 0), void showRows().catch(showError)));
$<HTMLFormElement>("row-controls").addEventListener("submit", (event) => event.preventDefault());
prev.addEventListener("click", () => ((offset = Math.max(0, offset - Number(limit.value))), void showRows().catch(showError)));
next.addEventListener("click", () => ((offset += Number(limit.value)), void showRows().catch(showError)));
void start().catch(showError);
