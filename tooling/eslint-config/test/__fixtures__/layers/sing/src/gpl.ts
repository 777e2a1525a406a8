// lrc-align is below sing, but links eSpeak-NG (GPL-3.0): not on the inference path.
import { computeAlignment } from "@autosing/lrc-align";
export const gpl = computeAlignment;
