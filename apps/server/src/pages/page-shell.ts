/**
 * The HTML around both pages: the header with its navigation, the stylesheet, the Arrow bundle
 * where a page reads Arrow IPC, and the page's compiled browser module. Server-side strings, no
 * template engine: the pages are two.
 */

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export interface PageShell {
  readonly title: string;
  /** Which navigation link is the current page. */
  readonly current: "sing" | "datasets";
  /** The page's main content (trusted HTML built by the page module). */
  readonly main: string;
  /** The compiled browser module under /assets/client/ (`sing.js`, `viewer.js`). */
  readonly script: string;
  /** Loads the apache-arrow bundle first (it defines the global `Arrow`). */
  readonly arrow?: boolean;
}

export function renderPage(shell: PageShell): string {
  const link = (href: string, label: string, key: PageShell["current"]): string =>
    `<a href="${href}"${shell.current === key ? ' aria-current="page"' : ""}>${label}</a>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(shell.title)} · autosing</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/pages.css">
${shell.arrow === true ? '<script src="/vendor/apache-arrow.js"></script>\n' : ""}<script type="module" src="/assets/client/${shell.script}"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<span class="brand">autosing</span>
<nav aria-label="Pages">${link("/", "Sing", "sing")} ${link("/datasets", "Datasets", "datasets")} <a href="/api/openapi.json">API</a></nav>
</header>
<main id="main">
${shell.main}
</main>
</body>
</html>
`;
}
