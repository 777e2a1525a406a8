// Worker thread of makeCorpus({ jobs > 1 }): renders and encodes the songs it is sent.
import { parentPort } from "node:worker_threads";

import { type RenderRequest, songRows } from "./corpus.js";
import { renderSong } from "./song.js";

parentPort?.on("message", (request: RenderRequest) => {
  void (async () => {
    try {
      const song = await renderSong(request);
      const rows = await songRows(song, request.seed, request.format);
      const transfer = [rows.index.audio.buffer, rows.truth.vocals.buffer, rows.truth.accompaniment.buffer] as ArrayBuffer[];
      parentPort?.postMessage({ index: request.index, rows, song: { id: song.id, artist: song.artist } }, transfer);
    } catch (error) {
      parentPort?.postMessage({ index: request.index, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  })();
});
