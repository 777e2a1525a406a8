import { something } from "@autosing/not-in-the-table";
export const unknown = something;
