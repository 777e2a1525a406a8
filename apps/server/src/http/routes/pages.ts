/**
 * The two pages (`/` sing, `/datasets` the viewer), their stylesheet, their browser modules
 * (compiled by `tsconfig.pages.json` into dist/pages/client) and the apache-arrow bundle the
 * browser decodes the rows' Arrow IPC with. Asset names are looked up in what the build wrote,
 * never joined into a path as a client sent them.
 */
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import type { FastifyInstance, FastifyReply } from "fastify";

import { PAGES_CSS } from "../../pages/pages-css.js";
import { renderSingPage } from "../../pages/sing-page.js";
import { renderViewerPage } from "../../pages/viewer-page.js";
import { ApiError } from "../api-error.js";
import type { ServerContext } from "../server-context.js";

/** dist/pages/client of this package, from src/http/routes (tests) and dist/http/routes alike. */
const CLIENT_DIR = fileURLToPath(new URL("../../../dist/pages/client/", import.meta.url));
const ARROW_BUNDLE = join(dirname(createRequire(import.meta.url).resolve("apache-arrow")), "Arrow.esnext.min.js");

const HTML = "text/html; charset=utf-8";
/**
 * The pages load only this server's own scripts, styles and data (no inline script or style):
 * an injected string in a dataset's lyrics or an id cannot run. Audio may come from object URLs
 * (players behind a token fetch it themselves).
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; media-src 'self' blob:; img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const hidden = { schema: { hide: true } } as const;

/** The compiled browser modules by file name (read once; a missing build is a clear 503). */
async function loadClientFiles(): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const names = await readdir(CLIENT_DIR).catch(() => [] as string[]);
  for (const name of names) if (/^[a-z-]+\.js(\.map)?$/.test(name)) files.set(name, await readFile(join(CLIENT_DIR, name)));
  return files;
}

function sendHtml(reply: FastifyReply, html: string): FastifyReply {
  return reply.header("content-type", HTML).header("cache-control", "no-cache").header("content-security-policy", CONTENT_SECURITY_POLICY).header("x-content-type-options", "nosniff").send(html);
}

export async function registerPagesRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  let client: Promise<Map<string, Buffer>> | undefined;
  let arrow: Promise<Buffer> | undefined;

  app.get("/", hidden, async (_request, reply) => {
    // The models check reads the models directory with @autosing/pretrained, loaded on the first visit.
    const { singReadiness } = await import("../../pages/sing-readiness.js");
    return sendHtml(reply, renderSingPage(await singReadiness(context.modelsDir)));
  });
  app.get("/datasets", hidden, async (_request, reply) => sendHtml(reply, renderViewerPage()));
  app.get("/assets/pages.css", hidden, async (_request, reply) => reply.header("content-type", "text/css; charset=utf-8").send(PAGES_CSS));

  app.get<{ Params: { file: string } }>("/assets/client/:file", hidden, async (request, reply) => {
    client ??= loadClientFiles();
    const files = await client;
    if (files.size === 0) throw new ApiError(503, `the pages' browser modules are not built (${CLIENT_DIR} is empty): run pnpm build in apps/server`);
    const body = files.get(request.params.file);
    if (body === undefined) throw new ApiError(404, `no page asset ${JSON.stringify(request.params.file)}`);
    const type = request.params.file.endsWith(".map") ? "application/json" : "text/javascript; charset=utf-8";
    return reply.header("content-type", type).header("cache-control", "no-cache").send(body);
  });

  app.get("/vendor/apache-arrow.js", hidden, async (_request, reply) => {
    arrow ??= readFile(ARROW_BUNDLE);
    return reply.header("content-type", "text/javascript; charset=utf-8").header("cache-control", "public, max-age=86400").send(await arrow);
  });
}
