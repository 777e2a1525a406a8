/** Checking a file's column against a column type, and naming both types for error messages. */
import type { SchemaTree } from "hyparquet";

import { alignmentFields } from "./parquet-schema.js";
import type { ColumnType } from "./schema.js";

/** Human-readable type of a file's column, for error messages. */
export function describeSchemaNode(node: SchemaTree): string {
  const element = node.element;
  const annotation = element.logical_type?.type ?? element.converted_type;
  if (node.children.length === 0) return `${element.type ?? "?"}${annotation ? `(${annotation})` : ""}`;
  if (annotation === "LIST" || annotation === "MAP") {
    const leaf = listLeaf(node);
    return `${annotation.toLowerCase()}<${leaf ? describeSchemaNode(leaf) : "?"}>`;
  }
  return `struct<${node.children.map((child) => `${child.element.name}: ${describeSchemaNode(child)}`).join(", ")}>`;
}

/** The leaf of a list column (`name.list.element`, or the legacy two-level form). */
function listLeaf(node: SchemaTree): SchemaTree | undefined {
  let current: SchemaTree | undefined = node;
  while (current && current.children.length > 0) {
    if (current.children.length !== 1) return undefined;
    current = current.children[0];
  }
  return current === node ? undefined : current;
}

function isList(node: SchemaTree): boolean {
  const annotation = node.element.logical_type?.type ?? node.element.converted_type;
  return annotation === "LIST" || node.children[0]?.element.repetition_type === "REPEATED";
}

function isStringLeaf(node: SchemaTree): boolean {
  return node.children.length === 0 && node.element.type === "BYTE_ARRAY";
}

function isTextAnnotated(node: SchemaTree): boolean {
  return node.element.logical_type?.type === "STRING" || node.element.converted_type === "UTF8";
}

function isNumberLeaf(node: SchemaTree, kinds: readonly string[]): boolean {
  return node.children.length === 0 && kinds.includes(node.element.type ?? "");
}

const expectedNames: Record<ColumnType, string> = {
  string: "BYTE_ARRAY(UTF8)",
  binary: "BYTE_ARRAY",
  "int-list": "list<INT32|INT64>",
  "float-list": "list<FLOAT|DOUBLE>",
  alignment: "struct<starts, ends, scores, tokens, words, lines, tokens_per_word, words_per_line, inlier_ratio, lrclib_offset>",
};

/** Expected type of a column type, for error messages. */
export function expectedTypeName(type: ColumnType): string {
  return expectedNames[type];
}

/**
 * Checks a file's column against a column type; returns a reason when it does not match.
 * Accepts what pandas/pyarrow and DuckDB write: int16/int32/int64 lists, float/double lists,
 * `large_binary` (plain BYTE_ARRAY in Parquet), an all-null `inlier_ratio` (Arrow's null type).
 */
export function checkColumnSchema(node: SchemaTree, type: ColumnType): string | undefined {
  switch (type) {
    case "string":
      return isStringLeaf(node) ? undefined : describeSchemaNode(node);
    case "binary":
      // Encoded audio is never text: a column annotated as a string is some other table's, caught here rather than per row.
      return isStringLeaf(node) && !isTextAnnotated(node) ? undefined : describeSchemaNode(node);
    case "int-list":
    case "float-list": {
      const leaf = isList(node) ? listLeaf(node) : undefined;
      const kinds = type === "int-list" ? ["INT32", "INT64"] : ["FLOAT", "DOUBLE"];
      return leaf && isNumberLeaf(leaf, kinds) ? undefined : describeSchemaNode(node);
    }
    case "alignment": {
      if (node.children.length === 0 || isList(node)) return describeSchemaNode(node);
      for (const field of alignmentFields) {
        const child = node.children.find((c) => c.element.name === field.name);
        if (!child) {
          if (!field.list) continue; // upstream may drop an all-null scalar; read as null
          return `${describeSchemaNode(node)} (no field "${field.name}")`;
        }
        if (field.list) {
          const leaf = isList(child) ? listLeaf(child) : undefined;
          const ok =
            leaf !== undefined &&
            (field.leaf === "STRING" ? isStringLeaf(leaf) : isNumberLeaf(leaf, field.leaf === "INT64" ? ["INT32", "INT64"] : ["FLOAT", "DOUBLE"]));
          if (!ok) return `${describeSchemaNode(node)} (field "${field.name}" is ${describeSchemaNode(child)})`;
        } else if (child.children.length > 0) {
          return `${describeSchemaNode(node)} (field "${field.name}" is ${describeSchemaNode(child)})`;
        }
      }
      return undefined;
    }
  }
}
