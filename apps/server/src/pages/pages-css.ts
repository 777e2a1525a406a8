/** The stylesheet of both pages (served at /assets/pages.css): system fonts, visible focus, no framework. */
export const PAGES_CSS = `
:root { color-scheme: light dark; --accent: #2563eb; --muted: #6b7280; --line: #d1d5db; --bg-soft: #f3f4f6; --ok: #15803d; --bad: #b91c1c; }
@media (prefers-color-scheme: dark) { :root { --line: #374151; --bg-soft: #1f2937; --muted: #9ca3af; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; }
header { display: flex; gap: 2rem; align-items: baseline; padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; font-size: 1.2rem; }
nav a { margin-right: 1rem; }
nav a[aria-current="page"] { font-weight: 700; text-decoration: none; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: .5rem; background: Canvas; padding: .25rem .5rem; }
fieldset { border: 1px solid var(--line); border-radius: .5rem; margin: 0 0 1rem; padding: .75rem 1rem 1rem; }
legend { font-weight: 600; padding: 0 .25rem; }
label { display: block; font-weight: 500; margin: .5rem 0 .2rem; }
.inline label { display: inline-block; margin-right: 1rem; font-weight: 400; }
input[type=text], input[type=number], select { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: .35rem; min-width: 12rem; }
input[type=text].lyric { width: 100%; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: 0 1rem; }
.grid input, .grid select { width: 100%; min-width: 0; }
.grid .wide { grid-column: span 2; }
button { font: inherit; padding: .45rem 1rem; border-radius: .35rem; border: 1px solid var(--accent); background: var(--accent); color: white; cursor: pointer; }
button.secondary { background: transparent; color: var(--accent); }
button:disabled { opacity: .5; cursor: default; }
.hint { color: var(--muted); font-size: .9rem; margin: .2rem 0; }
.notice { border-left: 4px solid #d97706; background: var(--bg-soft); padding: .75rem 1rem; margin: 0 0 1rem; border-radius: .25rem; }
.notice code, .hint code { font-size: .9em; }
.error { color: var(--bad); }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; }
td.done { color: var(--ok); text-align: center; }
td.missing { color: var(--bad); text-align: center; }
.stages { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: .5rem; }
.stages li { background: var(--bg-soft); border-radius: .35rem; padding: .4rem .6rem; }
.stages li[data-state=running] { outline: 2px solid var(--accent); }
.stages progress { width: 100%; }
.variations { display: grid; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr)); gap: 1rem; }
figure { margin: 0; padding: .75rem; border: 1px solid var(--line); border-radius: .5rem; }
figcaption { font-weight: 600; margin-bottom: .4rem; }
audio { width: 100%; }
canvas { width: 100%; display: block; image-rendering: pixelated; background: #000; border-radius: .25rem; }
canvas.spectrogram { height: 8rem; margin: .4rem 0; }
canvas.heatmap { height: 2.5rem; }
canvas.heatmap.semantic { height: 1rem; }
.rows { display: flex; flex-direction: column; gap: 1rem; }
.row { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; }
.row h3 { font-size: 1rem; margin: 0 0 .25rem; font-family: ui-monospace, monospace; }
.meta { color: var(--muted); font-size: .9rem; }
.players { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: .75rem; margin: .5rem 0; }
@media (max-width: 50rem) { .players { grid-template-columns: 1fr; } }
.karaoke { font-size: 1.15rem; line-height: 1.9; margin: .4rem 0; }
.karaoke span { padding: .05rem .15rem; border-radius: .25rem; transition: background .1s; }
.karaoke span.sung { color: var(--muted); }
.karaoke span.current { background: #facc15; color: #111; }
.pager { display: flex; gap: .75rem; align-items: center; margin: .75rem 0; flex-wrap: wrap; }
.tokens { display: grid; grid-template-columns: 9rem 1fr; gap: .25rem .75rem; align-items: center; font-size: .85rem; }
`;
