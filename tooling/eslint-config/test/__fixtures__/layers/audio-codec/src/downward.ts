// Down the order, its own package, tooling: all allowed.
import { openOnnxSession } from "@autosing/onnx";
import { defineAutosingConfig } from "@autosing/vitest-config";
import { decodeAudio } from "@autosing/audio-codec";
export const downward = [openOnnxSession, defineAutosingConfig, decodeAudio];
export const loadSafetensors = () => import("@autosing/safetensors");
export type Failure = import("@autosing/base").AutosingError;
