import { createWriteStream } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";

import multipart, { type MultipartFile } from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";

import type { SingJobInput, SingReference } from "../../jobs/job.js";
import { newJobId } from "../../jobs/job-id.js";
import { ApiError, badField } from "../api-error.js";
import type * as SingChecksModule from "../sing-checks.js";
import { acceptedSchema, commonErrors, errorSchema, singBodySchema } from "../api-schemas.js";
import type { ServerContext } from "../server-context.js";

/** The multipart fields that carry files; each is stored as `<field>.upload` in the job's folder. */
const FILE_FIELDS = ["reference", "vocals", "instrumental", "spkfile"] as const;
type FileField = (typeof FILE_FIELDS)[number];

/** One submission's job id and folder, created before its files arrive. */
interface SingUpload {
  readonly id: string;
  readonly folder: string;
  readonly files: Map<FileField, string>;
  submitted: boolean;
}

declare module "fastify" {
  interface FastifyRequest {
    singUpload: SingUpload | null;
  }
}

interface SingBody {
  reference?: string;
  referenceId?: string;
  vocals?: string;
  instrumental?: string;
  spkfile?: string;
  lyrics: string;
  length?: number;
  batchSize?: number;
  temperature?: number;
  seed?: number;
  spkAlpha?: number;
}

function isFileField(name: string): name is FileField {
  return (FILE_FIELDS as readonly string[]).includes(name);
}

/** `<dataset>/<partition>/<row id>` of a served dataset. */
function parseReferenceId(value: string, context: ServerContext): Extract<SingReference, { kind: "dataset" }> {
  const match = /^([A-Za-z0-9._-]+)\/(0|[1-9][0-9]{0,8})\/(.+)$/.exec(value);
  if (match === null) throw badField("referenceId", `"${value}" is not <dataset>/<partition>/<row id>`);
  const [, dataset = "", partition = "", id = ""] = match;
  if (!context.datasets.some((candidate) => candidate.name === dataset)) {
    throw badField("referenceId", `the server serves no dataset named "${dataset}" (it serves ${context.datasets.map((d) => d.name).join(", ") || "none"})`);
  }
  return { kind: "dataset", dataset, partition: Number(partition), id };
}

type SingChecks = typeof SingChecksModule;
let singChecks: Promise<SingChecks> | undefined;
/** The heavy checks, loaded on the first submission (see sing-checks.ts). */
function loadSingChecks(): Promise<SingChecks> {
  singChecks ??= import("../sing-checks.js");
  return singChecks;
}

/** Checks an uploaded file by decoding it (never by its name or type): a bad one is a 400 naming the field. */
async function checkAudio(checks: SingChecks, field: FileField, file: string): Promise<void> {
  const problem = await checks.decodeProblem(await readFile(file), field);
  if (problem !== undefined) throw badField(field, `is not audio the server can decode (wav, flac, mp3, ogg): ${problem}`);
}

/** `POST /api/sing`: a reference (upload or dataset row), lyrics and the sing options → 202 `{ id }`. */
export async function registerSingRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  // Its own scope: the multipart handling below (files stored in the job's folder) belongs to this route only.
  await app.register(async (scope) => {
    scope.decorateRequest("singUpload", null);
    await scope.register(multipart, {
      attachFieldsToBody: "keyValues",
      limits: { fileSize: context.maxUploadBytes, files: FILE_FIELDS.length, fields: 16, fieldSize: 64 * 1024, parts: 24 },
      async onFile(this: FastifyRequest, part: MultipartFile) {
        const upload = this.singUpload;
        if (upload === null) throw new ApiError(500, "an upload arrived before its job folder was made");
        if (!isFileField(part.fieldname)) {
          part.file.resume();
          throw badField(part.fieldname, `is not a file field of POST /api/sing (files: ${FILE_FIELDS.join(", ")})`);
        }
        // The stored name is the field's, never the client's file name.
        const name = `${part.fieldname}.upload`;
        await pipeline(part.file, createWriteStream(join(upload.folder, name)));
        upload.files.set(part.fieldname, name);
        (part as MultipartFile & { value: unknown }).value = name;
      },
    });
    const cleanUp = async (request: FastifyRequest): Promise<void> => {
      const upload = request.singUpload;
      if (upload !== null && !upload.submitted) await rm(upload.folder, { recursive: true, force: true });
    };
    // Before the answer goes out, so a client that was refused never sees the folder of its upload.
    scope.addHook("onSend", async (request, _reply, payload) => {
      await cleanUp(request);
      return payload;
    });
    scope.addHook("onRequestAbort", cleanUp);

    scope.post<{ Body: SingBody }>(
      "/api/sing",
      {
        schema: {
          summary: "queues a sing job: a reference song (upload or a served dataset's row), two lyric lines and the sing options",
          tags: ["sing"],
          consumes: ["multipart/form-data"],
          body: singBodySchema,
          response: { 202: acceptedSchema, 413: errorSchema, 429: errorSchema, 503: errorSchema, ...commonErrors },
        },
        onRequest: async (request) => {
          const id = newJobId();
          const folder = context.queue.jobFolder(id);
          await mkdir(folder, { recursive: true });
          request.singUpload = { id, folder, files: new Map(), submitted: false };
        },
      },
      async (request, reply) => {
        const upload = request.singUpload as SingUpload;
        const body = request.body;
        // A file field sent as text would name a path: only what arrived as a file counts.
        for (const field of FILE_FIELDS) {
          if (body[field] !== undefined && !upload.files.has(field)) throw badField(field, "must be a file (multipart/form-data file part)");
        }
        const checks = await loadSingChecks();
        if (checks.lyricsProblem(body.lyrics) !== undefined) throw badField("lyrics", "expected two non-empty lines separated by a newline (the first sung over the first 15 s, the second over the last 15 s)");
        const has = (field: FileField): boolean => upload.files.has(field);
        if (has("reference") === (body.referenceId !== undefined)) throw badField("reference", "give either a reference file or a referenceId (<dataset>/<partition>/<row id>), not both or neither");
        if (has("vocals") !== has("instrumental")) throw badField(has("vocals") ? "instrumental" : "vocals", "upload both stems (vocals and instrumental) or neither");
        if (body.referenceId !== undefined && has("vocals")) throw badField("vocals", "a dataset row's stems come from the dataset; upload stems only with a reference file");

        let separator: string | undefined;
        try {
          ({ separator } = await checks.singModelsOf(context.modelsDir));
        } catch (error) {
          throw new ApiError(503, `the server cannot sing: ${(error as Error).message}`, { cause: error });
        }
        let reference: SingReference;
        if (body.referenceId !== undefined) {
          reference = parseReferenceId(body.referenceId, context);
          const dataset = context.datasets.find((candidate) => candidate.name === (reference as { dataset: string }).dataset);
          const vocals = dataset === undefined ? undefined : await checks.readRowAudio(dataset.dir, reference.partition, "vocals", reference.id);
          if (vocals === undefined) throw badField("referenceId", `dataset "${reference.dataset}" partition ${reference.partition} has no separated row "${reference.id}" (its vocals table lacks it; run autosing process src_sep)`);
        } else {
          const file = upload.files.get("reference") as string;
          const stems = has("vocals") ? { vocals: upload.files.get("vocals") as string, instrumental: upload.files.get("instrumental") as string } : undefined;
          if (stems === undefined && separator === undefined) {
            throw badField("reference", `an uploaded song needs a separator in the models directory (autosing import separator <Mel-Band RoFormer checkpoint>) or its stems uploaded beside it: the vocals and instrumental fields`);
          }
          reference = { kind: "upload", file, ...stems };
        }
        for (const [field, name] of upload.files) await checkAudio(checks, field, join(upload.folder, name));

        const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
        const input: SingJobInput = defined({
          kind: "sing" as const,
          reference,
          lyrics: body.lyrics,
          length: body.length,
          batchSize: body.batchSize,
          temperature: body.temperature,
          seed: body.seed,
          spkAlpha: body.spkAlpha,
          spkfile: upload.files.get("spkfile"),
        });
        const record = await context.queue.submit(input, upload.id);
        upload.submitted = true;
        const url = `/api/jobs/${record.id}`;
        return reply.code(202).header("location", url).send({ id: record.id, url });
      },
    );
  });
}
