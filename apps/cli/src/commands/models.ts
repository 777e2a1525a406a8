/** `autosing models list`: what a models directory holds, from its manifest. */
import { MODEL_NEEDS, type ModelNeed, resolveModels } from "@autosing/pretrained";
import type { Command } from "commander";

import type { CliIo } from "../io.js";
import { DEFAULT_MODELS_DIR } from "./import.js";

export function registerModelsCommand(program: Command, io: CliIo): void {
  const models = program.command("models").summary("show what a models directory holds").description("Commands on a models directory (autosing import, autosing demo's <out>/models).");
  models
    .command("list")
    .description("list the models in the directory and which network each command takes from it")
    .option("--models <dir>", `the models directory (default ${DEFAULT_MODELS_DIR})`)
    .action(async (flags: { models?: string }) => {
      const resolved = await resolveModels(flags.models ?? DEFAULT_MODELS_DIR);
      io.stdout(`${resolved.directory}\n`);
      for (const [name, entry] of Object.entries(resolved.manifest.models)) {
        const when = entry.imported === undefined ? "made by autosing" : `imported ${entry.imported}`;
        io.stdout(`  ${name}: ${entry.kind}, ${when}, autosing ${entry.autosing}\n`);
        for (const [role, path] of Object.entries(entry.files)) io.stdout(`    ${role.padEnd(20)} ${path}\n`);
        for (const source of entry.sources) io.stdout(`    from ${source.path} (${source.bytes} bytes${source.sha256 === undefined ? "" : `, sha256 ${source.sha256}`})\n`);
      }
      io.stdout("networks found with --models:\n");
      for (const need of Object.keys(MODEL_NEEDS) as ModelNeed[]) {
        const network = resolved.networks[need];
        const ambiguous = resolved.ambiguous[need];
        const found = network !== undefined ? `${network.value} ("${network.model}"${network.demoGrade ? ", demo-grade" : ""})` : ambiguous !== undefined ? `ambiguous: ${ambiguous.join(", ")}` : "none";
        io.stdout(`  ${need.padEnd(20)} ${found}\n`);
      }
      for (const { name, kind } of resolved.ignored) io.stdout(`  (ignored: "${name}" is of kind ${kind}, unknown to this autosing)\n`);
    });
}
