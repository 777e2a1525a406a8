/**
 * The dataset API: the served datasets, their partitions with the `missing` table, pages of rows
 * as Arrow IPC, and the audio of a row (range requests work, so a browser's `<audio>` can seek).
 * Names, partitions and row ids are looked up in the configuration and on disk, never joined
 * into a path as given.
 */
import { ParquetIoError, listPartitions } from "@autosing/parquet-io";
// The swagger plugin's types add `summary`, `description` and `tags` to route schemas.
import type {} from "@fastify/swagger";
import type { FastifyInstance } from "fastify";

import { DATASET_NAME_PATTERN, DatasetCatalog, ROW_ID_PATTERN, checkRowId } from "../../datasets/dataset-catalog.js";
import { DatasetNotFoundError } from "../../datasets/errors.js";
import { ApiError } from "../api-error.js";
import { commonErrors, errorSchema } from "../api-schemas.js";
import { parseByteRange } from "../../datasets/byte-range.js";
import { describePartitions } from "../../datasets/partition-steps.js";
import { MAX_ROW_LIMIT, PartitionRows, ROW_SORT_KEYS, type RowSortKey, VIEWER_ROW_COLUMNS } from "../../datasets/partition-rows.js";
import { ROW_AUDIO_TRACKS, type RowAudioTrack, readTrackAudio } from "../../datasets/track-audio.js";
import type { ServerContext } from "../server-context.js";

export const ARROW_STREAM_TYPE = "application/vnd.apache.arrow.stream";

const nameParam = { type: "string", pattern: DATASET_NAME_PATTERN.source } as const;
const partitionParam = { type: "string", pattern: "^(0|[1-9][0-9]{0,8})$" } as const;

/**
 * A table that cannot be read is the server's fault (500); its message names the dataset's file
 * by the dataset's name, not by the server's path.
 */
function hidePaths(catalog: DatasetCatalog, error: unknown): unknown {
  if (!ParquetIoError.isInstance(error)) return error;
  let message = error.message;
  for (const dataset of catalog.list()) message = message.split(dataset.dir).join(dataset.name);
  return new ApiError(500, `a table of the dataset cannot be read: ${message}`, { cause: error });
}

export async function registerDatasetsRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const catalog = new DatasetCatalog(context.datasets);
  const rows = new PartitionRows();

  app.get(
    "/api/datasets",
    {
      schema: {
        summary: "The served datasets (by their configured names) and their partitions",
        tags: ["datasets"],
        response: {
          200: {
            type: "object",
            properties: {
              datasets: {
                type: "array",
                items: { type: "object", properties: { name: { type: "string" }, partitions: { type: "array", items: { type: "integer" } } }, required: ["name", "partitions"] },
              },
            },
            required: ["datasets"],
          },
        },
      },
    },
    async (_request, reply) => {
      const datasets = [];
      for (const dataset of catalog.list()) {
        // A folder that went away since the server started is listed with no partitions, not an error for all.
        const partitions = await listPartitions(dataset.dir).catch(() => []);
        datasets.push({ name: dataset.name, partitions });
      }
      return reply.send({ datasets });
    },
  );

  app.get<{ Params: { name: string } }>(
    "/api/datasets/:name/partitions",
    {
      schema: {
        summary: "Partitions of a dataset with the rows of each table and which processing step has run where (the missing table)",
        tags: ["datasets"],
        params: { type: "object", properties: { name: nameParam }, required: ["name"] },
        response: {
          200: {
            type: "object",
            properties: {
              dataset: { type: "string" },
              steps: {
                type: "array",
                items: { type: "object", properties: { name: { type: "string" }, step: { type: "string" }, tables: { type: "array", items: { type: "string" } } }, required: ["name", "step", "tables"] },
              },
              partitions: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    partition: { type: "integer" },
                    tables: { type: "object", additionalProperties: { type: ["integer", "null"] } },
                    done: { type: "object", additionalProperties: { type: "boolean" } },
                  },
                  required: ["partition", "tables", "done"],
                },
              },
              missing: { type: "object", additionalProperties: { type: "array", items: { type: "integer" } } },
            },
            required: ["dataset", "steps", "partitions", "missing"],
          },
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      try {
        const dataset = catalog.dataset(request.params.name);
        return reply.send({ dataset: dataset.name, ...(await describePartitions(dataset.dir)) });
      } catch (error) {
        throw hidePaths(catalog, error);
      }
    },
  );

  app.get<{ Params: { name: string; partition: string }; Querystring: { offset?: number; limit?: number; sort?: RowSortKey; order?: "asc" | "desc"; minInlierRatio?: number } }>(
    "/api/datasets/:name/partitions/:partition/rows",
    {
      schema: {
        summary: "A page of a partition's rows as an Arrow IPC stream (application/vnd.apache.arrow.stream)",
        description:
          "Columns: id, artist, inlier_ratio, alignment (struct: words, word_starts, word_ends, lines, words_per_line, inlier_ratio, lrclib_offset), lyrics, stoks, atoks_vocals, atoks_no_vocals (List<Int32>), has_vocals, has_instrumental. No audio: each track has its own URL. Schema metadata and headers: total (rows passing the filter), offset, base (chunked or index), atoks_codec.",
        tags: ["datasets"],
        params: { type: "object", properties: { name: nameParam, partition: partitionParam }, required: ["name", "partition"] },
        querystring: {
          type: "object",
          properties: {
            offset: { type: "integer", minimum: 0, default: 0 },
            limit: { type: "integer", minimum: 1, maximum: MAX_ROW_LIMIT, default: 20 },
            sort: { type: "string", enum: [...ROW_SORT_KEYS], default: "id" },
            order: { type: "string", enum: ["asc", "desc"], default: "asc" },
            minInlierRatio: { type: "number", minimum: 0, maximum: 1 },
          },
          additionalProperties: false,
        },
        response: commonErrors,
      },
    },
    async (request, reply) => {
      try {
        const served = await catalog.partition(request.params.name, request.params.partition);
        const page = await rows.page(served, request.query);
        const metadata = { total: String(page.total), offset: String(page.offset), base: page.base, atoks_codec: page.atoksCodec ?? "" };
        // apache-arrow is loaded with the first page of rows, not when the server starts.
        const { rowsToArrowIpc } = await import("@autosing/parquet-io/arrow");
        const bytes = rowsToArrowIpc(VIEWER_ROW_COLUMNS, page.rows as unknown as Record<string, unknown>[], { metadata });
        return reply
          .header("content-type", ARROW_STREAM_TYPE)
          .header("x-total-count", String(page.total))
          .header("x-row-offset", String(page.offset))
          .header("x-row-base", page.base)
          .header("x-atoks-codec", page.atoksCodec ?? "")
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      } catch (error) {
        throw hidePaths(catalog, error);
      }
    },
  );

  app.get<{ Params: { name: string; partition: string; id: string; track: RowAudioTrack }; Querystring: { format?: "stored" | "wav" } }>(
    "/api/datasets/:name/partitions/:partition/rows/:id/audio/:track",
    {
      schema: {
        summary: "The audio of a row: mix, vocals or instrumental, as stored (its real content type) or as WAV; range requests work",
        tags: ["datasets"],
        params: {
          type: "object",
          properties: { name: nameParam, partition: partitionParam, id: { type: "string", pattern: ROW_ID_PATTERN.source }, track: { type: "string", enum: [...ROW_AUDIO_TRACKS] } },
          required: ["name", "partition", "id", "track"],
        },
        querystring: { type: "object", properties: { format: { type: "string", enum: ["stored", "wav"], default: "stored" } }, additionalProperties: false },
        response: { ...commonErrors, 415: errorSchema },
      },
    },
    async (request, reply) => {
      try {
        const served = await catalog.partition(request.params.name, request.params.partition);
        const id = checkRowId(request.params.id);
        const audio = await readTrackAudio(served, id, request.params.track, { asWav: request.query.format === "wav" });
        if (audio === undefined) {
          throw new DatasetNotFoundError(`dataset ${served.dataset.name} partition ${served.partition} has no ${request.params.track} audio for row ${JSON.stringify(id)}`);
        }
        const size = audio.bytes.byteLength;
        const body = Buffer.from(audio.bytes.buffer, audio.bytes.byteOffset, size);
        reply.header("accept-ranges", "bytes").header("content-type", audio.contentType).header("cache-control", "no-cache");
        const range = parseByteRange(request.headers.range, size);
        if (range === "unsatisfiable") return reply.code(416).header("content-range", `bytes */${size}`).send();
        if (range === undefined) return reply.header("content-length", size).send(body);
        return reply
          .code(206)
          .header("content-range", `bytes ${range.start}-${range.end}/${size}`)
          .header("content-length", range.end - range.start + 1)
          .send(body.subarray(range.start, range.end + 1));
      } catch (error) {
        throw hidePaths(catalog, error);
      }
    },
  );
}
