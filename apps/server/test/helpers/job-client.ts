/** What the server tests read of a job: its record (polled) and its server-sent events. */
import type { JobView } from "../../src/http/job-view.js";

const FINISHED = new Set(["done", "failed", "cancelled"]);

/** Polls `GET /api/jobs/:id` until `until` holds (default: the job is finished). */
export async function waitForJob(url: string, id: string, until: (job: JobView) => boolean = (job) => FINISHED.has(job.state), headers: Record<string, string> = {}): Promise<JobView> {
  for (;;) {
    const response = await fetch(`${url}/api/jobs/${id}`, { headers });
    if (response.status !== 200) throw new Error(`GET /api/jobs/${id} answered ${response.status}: ${await response.text()}`);
    const job = (await response.json()) as JobView;
    if (until(job)) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Reads `GET /api/jobs/:id/events` to its end: every job record sent. */
export async function readEvents(url: string, id: string): Promise<JobView[]> {
  const response = await fetch(`${url}/api/jobs/${id}/events`);
  if (response.status !== 200 || !(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) throw new Error(`events answered ${response.status} ${response.headers.get("content-type")}`);
  const text = await response.text();
  // A named event would never reach a browser's EventSource.onmessage, which the pages use.
  if (/^event:/m.test(text)) throw new Error(`the stream names its events:\n${text.slice(0, 200)}`);
  return text
    .split("\n\n")
    .map((block) => block.split("\n").find((line) => line.startsWith("data: ")))
    .filter((line): line is string => line !== undefined)
    .map((line) => JSON.parse(line.slice("data: ".length)) as JobView);
}
