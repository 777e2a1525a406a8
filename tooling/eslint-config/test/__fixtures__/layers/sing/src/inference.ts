import { encodeChunk } from "@autosing/semantic-tokens";
import { loadSeparator } from "@autosing/separation";
export const inference = [encodeChunk, loadSeparator];
