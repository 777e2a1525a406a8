/**
 * The sing page (`/`): a reference song (an upload, or a row of a served dataset whose stems the
 * dataset holds), two lyric lines, the main `sing` options under the library's names, live
 * progress per stage, and one player with its spectrogram and a download link per variation.
 */
import type { SingStage } from "@autosing/sing";

import { escapeHtml, renderPage } from "./page-shell.js";

/** What the server knows about its models when it renders the page. */
/**
 * `@autosing/sing`'s SING_STAGES in order, spelled out so that rendering the page does not load
 * the sing library into the HTTP process (test/pages.test.ts checks they are the same).
 */
export const PAGE_SING_STAGES: readonly SingStage[] = ["load", "separate", "music", "embedding", "semantic", "acoustic", "decode"];

export interface SingReadiness {
  /** Why this server cannot sing yet, and how to fix it; undefined when it can. */
  readonly missingModels: string | undefined;
  /** Whether the models directory has a separator (else an upload needs its stems beside it). */
  readonly hasSeparator: boolean;
}

export function renderSingPage(readiness: SingReadiness): string {
  const notice =
    readiness.missingModels === undefined
      ? ""
      : `<div class="notice" role="alert" id="models-notice"><strong>This server cannot sing yet.</strong> ${escapeHtml(readiness.missingModels)}.
<p>Get models with <code>autosing demo --out autosing-demo</code> (demo-grade models, no download) or add upstream ones with <code>autosing import &lt;kind&gt; &lt;files&gt; --models &lt;dir&gt;</code>, then start <code>autosing serve --models &lt;dir&gt;</code>.</p></div>`;
  const stemsHint = readiness.hasSeparator
    ? "The server separates the vocals itself; you may still give the stems."
    : "This server has no separator (autosing import separator …): give the song's vocals and instrumental beside it.";
  const stages = PAGE_SING_STAGES.map(
    (stage) => `<li data-stage="${stage}" data-state="waiting"><span>${stage}</span><progress max="1" value="0" aria-label="${stage} progress"></progress><span class="hint" data-status>waiting</span></li>`,
  ).join("");
  const main = `<h1>Sing</h1>
${notice}<form id="sing-form" novalidate data-has-separator="${readiness.hasSeparator}">
<fieldset>
<legend>Reference song</legend>
<div class="inline" role="radiogroup" aria-label="Where the reference comes from">
<label><input type="radio" name="source" value="upload" checked> Upload a song</label>
<label><input type="radio" name="source" value="dataset"> A song of a served dataset</label>
</div>
<div id="upload-fields">
<label for="reference">Song (WAV, FLAC, MP3, Ogg)</label>
<input id="reference" name="reference" type="file" accept="audio/*">
<p class="hint">${escapeHtml(stemsHint)}</p>
<div class="grid">
<div><label for="vocals">Its vocals (optional)</label><input id="vocals" name="vocals" type="file" accept="audio/*"></div>
<div><label for="instrumental">Its instrumental (optional)</label><input id="instrumental" name="instrumental" type="file" accept="audio/*"></div>
</div>
</div>
<div id="dataset-fields" hidden>
<div class="grid">
<div><label for="ref-dataset">Dataset</label><select id="ref-dataset"></select></div>
<div><label for="ref-partition">Partition</label><select id="ref-partition"></select></div>
<div class="wide"><label for="ref-row">Song</label><select id="ref-row"></select></div>
</div>
<p class="hint">Rows whose vocals and instrumental the dataset already holds (its <code>src_sep</code> step).</p>
</div>
</fieldset>
<fieldset>
<legend>Lyrics</legend>
<label for="line1">First line (sung over the first half)</label>
<input id="line1" class="lyric" type="text" required autocomplete="off" placeholder="the river runs to meet the sea">
<label for="line2">Second line (the second half)</label>
<input id="line2" class="lyric" type="text" required autocomplete="off" placeholder="and carries every word to me">
</fieldset>
<fieldset>
<legend>Options</legend>
<div class="grid">
<div><label for="length">Length (s)</label><input id="length" name="length" type="number" min="0.1" max="60" step="0.1" placeholder="15"></div>
<div><label for="batchSize">Variations (batch size)</label><input id="batchSize" name="batchSize" type="number" min="1" max="16" step="1" placeholder="8"></div>
<div><label for="temperature">Temperature</label><input id="temperature" name="temperature" type="number" min="0.01" max="10" step="0.05" placeholder="0.7"></div>
<div><label for="seed">Seed</label><input id="seed" name="seed" type="number" min="0" step="1" placeholder="0"></div>
<div><label for="spkAlpha">Second-singer weight (spk alpha)</label><input id="spkAlpha" name="spkAlpha" type="number" min="-10" max="10" step="0.1" placeholder="1"></div>
<div><label for="spkfile">Second singer (optional)</label><input id="spkfile" name="spkfile" type="file" accept="audio/*"></div>
</div>
<p class="hint">Empty fields take the library's defaults (shown greyed).</p>
</fieldset>
<p><button type="submit" id="submit">Sing</button> <button type="button" id="cancel" class="secondary" hidden>Cancel</button></p>
<p id="form-error" class="error" role="alert"></p>
</form>
<section id="job" hidden aria-labelledby="job-title">
<h2 id="job-title">Progress</h2>
<p id="job-state" aria-live="polite"></p>
<ol class="stages">${stages}</ol>
</section>
<section id="results" hidden aria-labelledby="results-title">
<h2 id="results-title">Variations</h2>
<div class="variations" id="variations"></div>
</section>`;
  return renderPage({ title: "Sing", current: "sing", main, script: "sing.js", arrow: true });
}
