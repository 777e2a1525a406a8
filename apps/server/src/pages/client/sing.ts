/**
 * The sing page: builds the multipart `POST /api/sing` from the form, follows the job's
 * server-sent events (or polls where a token is needed: EventSource cannot send headers), shows
 * each stage's progress, and one player with its spectrogram and a download link per variation.
 */
import { ApiFailure, apiFetch, audioBytes, getJson, getRows, playableUrl, savedToken } from "./api.js";
import { decodeMono, drawSpectrogram } from "./spectrogram.js";

interface JobView {
  id: string;
  state: "queued" | "running" | "done" | "failed" | "cancelled";
  progress: { stage: string; step: number; total: number } | null;
  outputs: string[];
  error: string | null;
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = $<HTMLFormElement>("sing-form");
const formError = $<HTMLParagraphElement>("form-error");
const submit = $<HTMLButtonElement>("submit");
const cancel = $<HTMLButtonElement>("cancel");
const jobSection = $<HTMLElement>("job");
const jobState = $<HTMLParagraphElement>("job-state");
const results = $<HTMLElement>("results");
const variations = $<HTMLDivElement>("variations");
const datasetSelect = $<HTMLSelectElement>("ref-dataset");
const partitionSelect = $<HTMLSelectElement>("ref-partition");
const rowSelect = $<HTMLSelectElement>("ref-row");
const stageOrder = [...document.querySelectorAll<HTMLLIElement>(".stages li")].map((li) => li.dataset.stage ?? "");

let jobId: string | undefined;
let datasets: { name: string; partitions: number[] }[] = [];

function source(): "upload" | "dataset" {
  return (form.querySelector<HTMLInputElement>('input[name="source"]:checked')?.value as "upload" | "dataset" | undefined) ?? "upload";
}

function option(select: HTMLSelectElement, value: string, label: string): void {
  const element = document.createElement("option");
  element.value = value;
  element.textContent = label;
  select.append(element);
}

let rowsRequest = 0;

async function loadRows(): Promise<void> {
  // Only the latest choice fills the list: an earlier partition's answer arriving late is dropped.
  const request = ++rowsRequest;
  rowSelect.replaceChildren();
  if (datasetSelect.value === "" || partitionSelect.value === "") return;
  const { table } = await getRows(`/api/datasets/${encodeURIComponent(datasetSelect.value)}/partitions/${partitionSelect.value}/rows?limit=200`);
  if (request !== rowsRequest) return;
  for (const row of table) {
    if (row.has_vocals !== true || row.has_instrumental !== true) continue;
    const words = row.alignment === null ? "" : [...(row.alignment.words as Iterable<string>)].slice(0, 6).join(" ");
    option(rowSelect, String(row.id), words === "" ? String(row.id) : `${String(row.id)} — ${words}…`);
  }
  if (rowSelect.options.length === 0) option(rowSelect, "", "no row with vocals and instrumental (run src_sep)");
}

function loadPartitions(): void {
  partitionSelect.replaceChildren();
  for (const p of datasets.find((d) => d.name === datasetSelect.value)?.partitions ?? []) option(partitionSelect, String(p), String(p));
  void loadRows().catch(showError);
}

async function loadDatasets(): Promise<void> {
  datasets = (await getJson<{ datasets: { name: string; partitions: number[] }[] }>("/api/datasets")).datasets;
  datasetSelect.replaceChildren();
  for (const dataset of datasets) option(datasetSelect, dataset.name, dataset.name);
  if (datasets.length === 0) option(datasetSelect, "", "no dataset served (autosing serve --dataset <dir>)");
  loadPartitions();
}

function showError(error: unknown): void {
  formError.textContent = error instanceof ApiFailure ? `${error.message} (HTTP ${error.status})` : String(error instanceof Error ? error.message : error);
}

function showSource(): void {
  const upload = source() === "upload";
  $("upload-fields").hidden = !upload;
  $("dataset-fields").hidden = upload;
  if (!upload && datasetSelect.options.length === 0) void loadDatasets().catch(showError);
}

function singForm(): FormData {
  const data = new FormData();
  const line1 = $<HTMLInputElement>("line1").value.trim();
  const line2 = $<HTMLInputElement>("line2").value.trim();
  if (line1 === "" || line2 === "") throw new Error("Give both lyric lines.");
  data.append("lyrics", `${line1}\n${line2}`);
  for (const name of ["length", "batchSize", "temperature", "seed", "spkAlpha"]) {
    const value = $<HTMLInputElement>(name).value.trim();
    if (value !== "") data.append(name, value);
  }
  if (source() === "dataset") {
    if (rowSelect.value === "") throw new Error("Pick a song of a served dataset (a row with vocals and instrumental).");
    data.append("referenceId", `${datasetSelect.value}/${partitionSelect.value}/${rowSelect.value}`);
  } else {
    const reference = $<HTMLInputElement>("reference").files?.[0];
    if (reference === undefined) throw new Error("Choose a song to upload, or pick one of a served dataset.");
    data.append("reference", reference, reference.name);
    for (const stem of ["vocals", "instrumental"]) {
      const file = $<HTMLInputElement>(stem).files?.[0];
      if (file !== undefined) data.append(stem, file, file.name);
    }
  }
  const spkfile = $<HTMLInputElement>("spkfile").files?.[0];
  if (spkfile !== undefined) data.append("spkfile", spkfile, spkfile.name);
  return data;
}

function showProgress(job: JobView): void {
  const running = job.progress === null ? -1 : stageOrder.indexOf(job.progress.stage);
  document.querySelectorAll<HTMLLIElement>(".stages li").forEach((li, i) => {
    const bar = li.querySelector("progress")!;
    const status = li.querySelector<HTMLElement>("[data-status]")!;
    let state = "waiting";
    if (job.state === "done" || i < running) state = "done";
    else if (i === running && job.state === "running") state = "running";
    li.dataset.state = state;
    if (state === "done") {
      bar.max = 1;
      bar.value = 1;
      status.textContent = "done";
    } else if (state === "running" && job.progress !== null) {
      bar.max = Math.max(1, job.progress.total);
      bar.value = job.progress.total === 0 ? 0 : job.progress.step;
      status.textContent = job.progress.total === 0 ? "running" : `${job.progress.step} / ${job.progress.total}`;
    } else {
      bar.value = 0;
      status.textContent = "waiting";
    }
  });
  jobState.textContent = job.state === "failed" ? `Failed: ${job.error ?? "unknown error"}` : job.state === "cancelled" ? "Cancelled." : `Job ${job.id}: ${job.state}`;
}

async function showVariation(url: string, n: number): Promise<void> {
  const figure = document.createElement("figure");
  const caption = document.createElement("figcaption");
  caption.textContent = `Variation ${n + 1}`;
  const audio = document.createElement("audio");
  audio.controls = true;
  audio.preload = "metadata";
  audio.setAttribute("aria-label", `Variation ${n + 1}`);
  const canvas = document.createElement("canvas");
  canvas.className = "spectrogram";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `Spectrogram of variation ${n + 1}, 0 to 8 kHz`);
  const download = document.createElement("a");
  download.href = url;
  download.download = `autosing-${jobId ?? "job"}-${n + 1}.wav`;
  download.textContent = "Download";
  figure.append(caption, audio, canvas, download);
  variations.append(figure);
  audio.src = await playableUrl(url);
  const { samples, sampleRate } = await decodeMono(await audioBytes(url));
  drawSpectrogram(canvas, samples, sampleRate);
  figure.dataset.spectrogram = "drawn";
}

async function finish(job: JobView): Promise<void> {
  showProgress(job);
  submit.disabled = false;
  cancel.hidden = true;
  if (job.state !== "done") return;
  results.hidden = false;
  variations.replaceChildren();
  await Promise.all(job.outputs.map((url, n) => showVariation(url, n)));
}

/** Follows a job to its end: server-sent events, or polling where a token is needed. */
function follow(id: string): void {
  const done = (job: JobView): boolean => job.state === "done" || job.state === "failed" || job.state === "cancelled";
  if (savedToken() === null && "EventSource" in window) {
    const events = new EventSource(`/api/jobs/${encodeURIComponent(id)}/events`);
    events.onmessage = (message: MessageEvent<string>) => {
      const job = JSON.parse(message.data) as JobView;
      if (done(job)) {
        events.close();
        void finish(job).catch(showError);
      } else showProgress(job);
    };
    events.onerror = () => {
      // The stream ends when the job does; a drop before that falls back to polling.
      events.close();
      void poll();
    };
    return;
  }
  void poll();
  async function poll(): Promise<void> {
    for (;;) {
      const job = await getJson<JobView>(`/api/jobs/${encodeURIComponent(id)}`);
      if (done(job)) return finish(job);
      showProgress(job);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  formError.textContent = "";
  void (async () => {
    const body = singForm();
    submit.disabled = true;
    results.hidden = true;
    variations.replaceChildren();
    const { id } = (await (await apiFetch("/api/sing", { method: "POST", body })).json()) as { id: string };
    jobId = id;
    jobSection.hidden = false;
    cancel.hidden = false;
    showProgress({ id, state: "queued", progress: null, outputs: [], error: null });
    follow(id);
  })().catch((error: unknown) => {
    submit.disabled = false;
    showError(error);
  });
});

cancel.addEventListener("click", () => {
  if (jobId !== undefined) void apiFetch(`/api/jobs/${encodeURIComponent(jobId)}`, { method: "DELETE" }).catch(showError);
});
for (const radio of form.querySelectorAll<HTMLInputElement>('input[name="source"]')) radio.addEventListener("change", showSource);
datasetSelect.addEventListener("change", loadPartitions);
partitionSelect.addEventListener("change", () => void loadRows().catch(showError));
showSource();
