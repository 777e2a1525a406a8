// parquet-io shares audio-codec's layer: neither may import the other.
import { openTable } from "@autosing/parquet-io";
export const sideways = openTable;
