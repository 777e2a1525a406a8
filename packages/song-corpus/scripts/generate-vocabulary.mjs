// Regenerates src/vocabulary.generated.ts after a build: `pnpm run generate:vocabulary`.
// The song-corpus tests fail when the committed file differs from what this writes.
import { writeFileSync } from "node:fs";
import process from "node:process";
import { URL } from "node:url";

import { computeVocabulary, renderVocabularyModule } from "../dist/index.js";

const vocabulary = await computeVocabulary();
writeFileSync(new URL("../src/vocabulary.generated.ts", import.meta.url), renderVocabularyModule(vocabulary));
process.stdout.write(`wrote ${vocabulary.size} words\n`);
