import { openOnnxSession } from "@autosing/nn/src/index.js";
import { runCli } from "../../../../../../apps/cli/src/index.js";
export const c = [openOnnxSession, runCli];
