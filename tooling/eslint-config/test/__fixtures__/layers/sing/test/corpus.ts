// Tests may use the synthetic corpus (it sings with eSpeak); published code may not.
import { writeTestCorpus } from "@autosing/song-corpus";
export const corpus = writeTestCorpus;
