/**
 * What `autosing` does on SIGINT (Ctrl-C) and SIGTERM (a scheduler's cancel): remove every
 * unfinished temporary file and scratch folder of this process (base tracks them from
 * `temporaryPathFor` until they are renamed into place), run the registered cleanups, say so on
 * one stderr line and exit with the interrupted code (130). Outputs are only ever renamed into
 * place when complete, so what is left is the state before the run, and running the command
 * again completes it. A command that handles the signal itself — `train` saves a checkpoint at
 * the next step — listens for it too, and then this handler stands aside.
 */
import { cleanUpAfterInterrupt } from "@autosing/base";

import { ExitCode } from "./exit-code.js";
import type { CliIo } from "./io.js";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Installs the handler on `process`; returns the function that removes it. `exit` ends the
 * process (tests of the handler pass their own).
 */
export function installInterruptHandler(io: CliIo, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return;
    const removed = cleanUpAfterInterrupt();
    const files = removed.length === 0 ? "no unfinished files were left" : `removed ${removed.length} unfinished file${removed.length === 1 ? "" : "s"}`;
    io.stderr(`autosing: interrupted by ${signal}; ${files}; outputs are written whole or not at all, so run the command again to complete it\n`);
    exit(ExitCode.interrupted);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
}
