/**
 * The pages' calls to the server's API: JSON and Arrow IPC with the bearer token when the server
 * asks for one (kept in this browser's localStorage), and errors as the message the API sent.
 */
import type { Table } from "apache-arrow";

const TOKEN_KEY = "autosing-token";

/** An API answer other than success: its status and the server's message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function savedToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

function authHeaders(): Record<string, string> {
  const token = savedToken();
  return token === null ? {} : { authorization: `Bearer ${token}` };
}

async function messageOf(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { message?: string; error?: string };
    return body.message ?? body.error ?? `${response.status} ${response.statusText}`;
  } catch {
    return text === "" ? `${response.status} ${response.statusText}` : text;
  }
}

/** `fetch` with the token; on 401 asks for the token once and retries; throws ApiFailure unless 2xx. */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const send = (): Promise<Response> => fetch(path, { ...init, headers: { ...authHeaders(), ...(init.headers as Record<string, string> | undefined) } });
  let response = await send();
  if (response.status === 401) {
    const token = window.prompt("This server needs the access token it was started with (autosing serve --token …):");
    if (token !== null && token.trim() !== "") {
      localStorage.setItem(TOKEN_KEY, token.trim());
      response = await send();
    }
  }
  if (!response.ok) throw new ApiFailure(response.status, await messageOf(response));
  return response;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await apiFetch(path)).json()) as T;
}

/** A page of rows (Arrow IPC) decoded with apache-arrow, and the page's total. */
export async function getRows(path: string): Promise<{ table: Table; total: number }> {
  const response = await apiFetch(path);
  const table = Arrow.tableFromIPC(new Uint8Array(await response.arrayBuffer()));
  return { table, total: Number(table.schema.metadata.get("total") ?? table.numRows) };
}

/**
 * A URL an `<audio>` can play: the API URL itself (so the browser streams and seeks with range
 * requests), or, where a token is needed (an element cannot send headers), an object URL of the
 * bytes fetched with it.
 */
export async function playableUrl(url: string): Promise<string> {
  if (savedToken() === null) return url;
  return URL.createObjectURL(await (await apiFetch(url)).blob());
}

/** The audio bytes behind a URL (for a spectrogram). */
export async function audioBytes(url: string): Promise<ArrayBuffer> {
  return (await apiFetch(url)).arrayBuffer();
}

/** The URL of a dataset row's track. */
export function rowAudioUrl(dataset: string, partition: number, id: string, track: "mix" | "vocals" | "instrumental"): string {
  return `/api/datasets/${encodeURIComponent(dataset)}/partitions/${partition}/rows/${encodeURIComponent(id)}/audio/${track}`;
}
