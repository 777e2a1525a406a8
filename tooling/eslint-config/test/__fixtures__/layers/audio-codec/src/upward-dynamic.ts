// A lazy import is an edge all the same.
export const loadNn = () => import("@autosing/nn");
export { tf } from "@autosing/nn";
