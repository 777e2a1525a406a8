/**
 * The dataset viewer (`/datasets`): upstream's dataset_viewer.py (per chunk: the inlier ratio,
 * the aligned lyrics, players for the full track, vocals and instrumental) and more — the
 * partitions with step completeness, paged and sortable rows, an inlier-ratio filter, a karaoke
 * line that follows playback, and the semantic and acoustic tokens as heat maps.
 */
import { renderPage } from "./page-shell.js";

export function renderViewerPage(): string {
  const main = `<h1>Datasets</h1>
<p id="viewer-error" class="error" role="alert"></p>
<div class="grid">
<div><label for="dataset">Dataset</label><select id="dataset"></select></div>
</div>
<section aria-labelledby="partitions-title">
<h2 id="partitions-title">Partitions and processing steps</h2>
<div id="partitions"><p class="hint">Loading…</p></div>
</section>
<section id="rows-section" hidden aria-labelledby="rows-title">
<h2 id="rows-title">Rows</h2>
<form id="row-controls" class="grid">
<div><label for="sort">Sort by</label><select id="sort"><option value="id">id</option><option value="inlier_ratio">inlier ratio</option><option value="artist">artist</option><option value="words">words</option></select></div>
<div><label for="order">Order</label><select id="order"><option value="asc">ascending</option><option value="desc">descending</option></select></div>
<div><label for="min-inlier">Least inlier ratio</label><input id="min-inlier" type="number" min="0" max="1" step="0.05" placeholder="any"></div>
<div><label for="limit">Rows per page</label><select id="limit"><option>5</option><option selected>10</option><option>20</option><option>50</option></select></div>
</form>
<div class="pager"><button type="button" id="prev" class="secondary">Previous</button><span id="page-info" aria-live="polite"></span><button type="button" id="next" class="secondary">Next</button></div>
<div class="rows" id="rows"></div>
</section>`;
  return renderPage({ title: "Datasets", current: "datasets", main, script: "viewer.js", arrow: true });
}
