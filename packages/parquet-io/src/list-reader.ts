/**
 * Fast read path for the columns that dominate our files: a list of numbers per row (token
 * lists, embeddings). hyparquet decodes pages quickly but then assembles every row into a JS
 * array of boxed values (BigInts for int64), which costs far more than the decoding. Here the
 * pages are decoded with hyparquet's own page functions and the levels turned straight into one
 * typed array per row; int64 values that fit 32 bits are read as the low words of the decoded
 * BigInt64Array, with no BigInt created.
 *
 * Only the plain three-level list (`name.list.element`, one leaf) is handled; for anything else
 * (a null element inside a list, the legacy two-level form, values past 32 bits) this returns
 * undefined and the caller uses hyparquet's generic path.
 */
import type { AsyncBuffer, ColumnChunk, DecodedArray, FileMetaData, SchemaTree } from "hyparquet";
import { decompressPage, readDataPage, readDataPageV2 } from "hyparquet/src/datapage.js";
import { convert, convertWithDictionary, DEFAULT_PARSERS } from "hyparquet/src/convert.js";
import { parquetHeader, readPage } from "hyparquet/src/column.js";
import { getMaxDefinitionLevel, getSchemaPath } from "hyparquet/src/schema.js";
import type { ColumnDecoder, Compressors } from "hyparquet/src/types.js";

/** Why the fast path does not apply; the caller falls back to the generic reader. */
const NOT_SIMPLE = undefined;

interface Levels {
  readonly outerOptional: boolean;
  readonly leafOptional: boolean;
  readonly maxDefinition: number;
}

function listLevels(path: SchemaTree[]): Levels | undefined {
  // root, outer group, repeated group, leaf
  const [, outer, repeated, leaf] = path;
  if (path.length !== 4 || !outer || !repeated || !leaf) return NOT_SIMPLE;
  if (repeated.element.repetition_type !== "REPEATED" || outer.element.repetition_type === "REPEATED") return NOT_SIMPLE;
  if (leaf.children.length > 0 || leaf.element.repetition_type === "REPEATED") return NOT_SIMPLE;
  return {
    outerOptional: outer.element.repetition_type === "OPTIONAL",
    leafOptional: leaf.element.repetition_type === "OPTIONAL",
    maxDefinition: getMaxDefinitionLevel(path),
  };
}

/** The decoded values of one page as int32 (undefined when a value does not fit 32 bits). */
function toInt32(values: DecodedArray): Int32Array | undefined {
  if (values instanceof Int32Array) return values;
  if (values instanceof BigInt64Array) {
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i += 1) {
      const low = words[2 * i] ?? 0;
      // little-endian: the high word must be the sign extension of the low word
      if ((words[2 * i + 1] ?? 0) !== low >> 31) return undefined;
      out[i] = low;
    }
    return out;
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    const number = typeof value === "bigint" ? Number(value) : value;
    if (typeof number !== "number" || !Number.isInteger(number) || number < -0x80000000 || number > 0x7fffffff) return undefined;
    out[i] = number;
  }
  return out;
}

function toFloat32(values: DecodedArray): Float32Array | undefined {
  if (values instanceof Float32Array) return values;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (typeof value !== "number") return undefined;
    out[i] = value;
  }
  return out;
}

/**
 * Reads one list-of-numbers column of one row group as one typed array per row (null for a
 * null row). Returns undefined when the column's layout is not the simple one handled here.
 */
export async function readNumberListColumn(
  file: AsyncBuffer,
  metadata: FileMetaData,
  rowGroup: number,
  column: string,
  kind: "int" | "float",
  compressors: Compressors,
): Promise<(Int32Array | Float32Array | null)[] | undefined> {
  const group = metadata.row_groups[rowGroup];
  if (!group) return NOT_SIMPLE;
  const chunks = group.columns.filter((chunk: ColumnChunk) => chunk.meta_data?.path_in_schema[0] === column);
  const meta = chunks[0]?.meta_data;
  if (chunks.length !== 1 || !meta) return NOT_SIMPLE;
  const path = getSchemaPath(metadata.schema, meta.path_in_schema);
  const levels = listLevels(path);
  const leaf = path[path.length - 1];
  if (!levels || !leaf) return NOT_SIMPLE;

  // Some writers store 0 for "no dictionary page" (hyparquet's own planner treats it so too).
  const chunkStart = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const bytes = await file.slice(chunkStart, chunkStart + Number(meta.total_compressed_size));
  const reader = { view: new DataView(bytes), offset: 0 };
  const decoder: ColumnDecoder = {
    pathInSchema: meta.path_in_schema,
    type: meta.type,
    element: leaf.element,
    schemaPath: path,
    codec: meta.codec,
    parsers: DEFAULT_PARSERS,
    compressors,
    utf8: false,
  };

  const rows = Number(group.num_rows);
  const rowStarts: number[] = [];
  const rowLengths: number[] = [];
  const pageValues: (Int32Array | Float32Array)[] = [];
  let totalValues = 0;
  let dictionary: DecodedArray | undefined;
  const definitionEmpty = levels.outerOptional ? 1 : 0;
  const definitionElementNull = levels.maxDefinition - 1;

  while (reader.offset < bytes.byteLength - 1) {
    const header = parquetHeader(reader);
    if (header.type === "DICTIONARY_PAGE") {
      const { data } = readPage(reader, header, decoder, undefined, undefined, 0);
      if (data) dictionary = convert(data, decoder);
      continue;
    }
    const compressed = new Uint8Array(bytes, reader.offset, header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    let page;
    let encoding;
    if (header.type === "DATA_PAGE" && header.data_page_header) {
      const uncompressed = decompressPage(compressed, Number(header.uncompressed_page_size), meta.codec, compressors);
      page = readDataPage(uncompressed, header.data_page_header, decoder);
      encoding = header.data_page_header.encoding;
    } else if (header.type === "DATA_PAGE_V2" && header.data_page_header_v2) {
      page = readDataPageV2(compressed, header, decoder);
      encoding = header.data_page_header_v2.encoding;
    } else {
      continue; // index pages carry no values
    }
    const decoded = convertWithDictionary(page.dataPage, dictionary, encoding, decoder);
    const values = kind === "int" ? toInt32(decoded) : toFloat32(decoded);
    if (!values) return NOT_SIMPLE;
    const { repetitionLevels } = page;
    // hyparquet drops the definition levels of a v1 page without nulls: all are then the maximum.
    const definitionLevels = page.definitionLevels ?? [];
    const allDefined = definitionLevels.length === 0;
    const levelCount = allDefined ? repetitionLevels.length : definitionLevels.length;
    for (let i = 0; i < levelCount; i += 1) {
      const definition = allDefined ? levels.maxDefinition : (definitionLevels[i] ?? 0);
      if ((repetitionLevels[i] ?? 0) === 0) {
        rowStarts.push(totalValues);
        rowLengths.push(definition < definitionEmpty ? -1 : 0); // -1 marks a null row
      }
      if (definition === levels.maxDefinition) {
        rowLengths[rowLengths.length - 1] = (rowLengths[rowLengths.length - 1] ?? 0) + 1;
        totalValues += 1;
      } else if (levels.leafOptional && definition === definitionElementNull) {
        return NOT_SIMPLE; // a null inside a list: typed arrays cannot hold it
      }
    }
    pageValues.push(values);
  }
  if (rowStarts.length !== rows) {
    throw new Error(`decoded ${rowStarts.length} of ${rows} rows from column chunk "${meta.path_in_schema.join(".")}"`);
  }

  const all = kind === "int" ? new Int32Array(totalValues) : new Float32Array(totalValues);
  let offset = 0;
  for (const values of pageValues) {
    if (offset + values.length > totalValues) throw new Error(`column chunk "${column}" has more values than its levels announce`);
    all.set(values, offset);
    offset += values.length;
  }
  if (offset !== totalValues) throw new Error(`column chunk "${column}" has ${offset} values, its levels announce ${totalValues}`);
  // A copy per row, so a kept row does not pin the whole chunk in memory.
  return rowStarts.map((rowStart, i) => {
    const length = rowLengths[i] ?? 0;
    return length < 0 ? null : all.slice(rowStart, rowStart + length);
  });
}
