/** The Parquet schema a step table is written with: pandas/pyarrow's layout, so files stay concatenable with theirs. */
import type { SchemaElement } from "hyparquet";

import type { AlignmentRecord } from "./alignment.js";
import type { ColumnDef } from "./schema.js";

function listElements(name: string, leaf: SchemaElement): SchemaElement[] {
  // The three-level LIST layout pyarrow writes (`<name>.list.element`), which every engine reads.
  return [
    { name, repetition_type: "OPTIONAL", num_children: 1, converted_type: "LIST", logical_type: { type: "LIST" } },
    { name: "list", repetition_type: "REPEATED", num_children: 1 },
    { ...leaf, name: "element", repetition_type: "OPTIONAL" },
  ];
}

const stringLeaf: SchemaElement = {
  name: "",
  type: "BYTE_ARRAY",
  converted_type: "UTF8",
  logical_type: { type: "STRING" },
};

/** The alignment struct's fields and Parquet leaf types (float64 times, int64 counts, as numpy writes them). */
export const alignmentFields: readonly { name: keyof AlignmentRecord; leaf: "DOUBLE" | "INT64" | "STRING"; list: boolean }[] = [
  { name: "starts", leaf: "DOUBLE", list: true },
  { name: "ends", leaf: "DOUBLE", list: true },
  { name: "scores", leaf: "DOUBLE", list: true },
  { name: "tokens", leaf: "INT64", list: true },
  { name: "words", leaf: "STRING", list: true },
  { name: "lines", leaf: "STRING", list: true },
  { name: "tokens_per_word", leaf: "INT64", list: true },
  { name: "words_per_line", leaf: "INT64", list: true },
  { name: "inlier_ratio", leaf: "DOUBLE", list: false },
  { name: "lrclib_offset", leaf: "DOUBLE", list: false },
];

function leafElement(leaf: "DOUBLE" | "INT64" | "STRING" | "FLOAT"): SchemaElement {
  return leaf === "STRING" ? { ...stringLeaf } : { name: "", type: leaf };
}

/** Parquet schema elements (depth-first, as the footer stores them) of one column. */
export function columnSchemaElements(def: ColumnDef): SchemaElement[] {
  // Every column is written OPTIONAL, as pandas/pyarrow do, so files stay concatenable with theirs.
  const repetition = "OPTIONAL" as const;
  switch (def.type) {
    case "string":
      return [{ ...stringLeaf, name: def.name, repetition_type: repetition }];
    case "binary":
      return [{ name: def.name, type: "BYTE_ARRAY", repetition_type: repetition }];
    case "int-list":
      return listElements(def.name, { name: "", type: "INT64" });
    case "float-list":
      return listElements(def.name, { name: "", type: "FLOAT" });
    case "alignment": {
      const children = alignmentFields.flatMap((field) =>
        field.list
          ? listElements(field.name, leafElement(field.leaf))
          : [{ ...leafElement(field.leaf), name: field.name, repetition_type: "OPTIONAL" as const }],
      );
      return [{ name: def.name, repetition_type: "OPTIONAL", num_children: alignmentFields.length }, ...children];
    }
  }
}

/** The whole Parquet schema of a table (root first). */
export function tableSchemaElements(columns: readonly ColumnDef[]): SchemaElement[] {
  return [{ name: "schema", num_children: columns.length }, ...columns.flatMap(columnSchemaElements)];
}
