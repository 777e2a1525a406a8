// audio-codec ("audio and datasets") reaching up to nn ("neural building blocks"): an error.
import { NnError } from "@autosing/nn";
export const upward = NnError;
