import { b } from "./b.js";
export const a = (): unknown => b;
