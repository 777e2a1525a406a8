// Shared neural building blocks of the autosing models: parameter specs with μP metadata,
// checkpoints, seeded sampling, the TensorFlow.js training forms of the WhisperSpeech/AutoSing
// blocks, and their ONNX inference forms. The onnxruntime-node plumbing (@autosing/onnx) and the
// safetensors codec (@autosing/safetensors) live below nn and are re-exported here unchanged.
export * as tf from "@tensorflow/tfjs-core";
export { OnnxError, OnnxFloatAttribute, OnnxGraphBuilder, OnnxModelError, OnnxModelFileError, float32Tensor, int64Tensor, openOnnxSession } from "@autosing/onnx";
export type { InferenceSession, OnnxAttributeValue, OnnxDimension, OnnxElementType, OnnxModelOptions, SessionOptions, Tensor } from "@autosing/onnx";
export { OnnxEmitter, ONNX_MASK_VALUE } from "./onnx/emitter.js";
export { KV_CACHE_NAMES } from "./onnx/kv-cache-names.js";
export { type StepCacheLayout, addStepCacheFeeds } from "./onnx/step-cache-feeds.js";
export { benchWeights, measureCopyBandwidth, timeInterleaved } from "./onnx/decode-timing.js";
export type { StepTiming } from "./onnx/decode-timing.js";
export { addDecodeCacheFeeds, decodeBenchRow, loadAverage, openDecodeVariants, parseDecodeBenchFlags, startDecodeBench, timeDecodeStep } from "./onnx/decode-bench.js";
export type { DecodeBenchFlags, DecodeStepTiming, DecodeVariant, DecodeVariants, DecoderWeightType } from "./onnx/decode-bench.js";
export type { AttentionEmitOptions, CrossInputNames, Rotary } from "./onnx/emitter.js";
export { ExportFolderError, ModelConfigError, NnError, NonFiniteWeightError, SafetensorsFormatError, StateDictMismatchError, TensorShapeError, WasmHeapExhaustedError } from "./errors.js";
export { decodeSafetensors, encodeSafetensors, readSafetensors, writeSafetensors } from "./safetensors.js";
export type { HostTensor, NamedTensor, SafetensorsContents, StateDict } from "./safetensors.js";
export { expandAliases, initializeParameters, matchStateDict, ParameterCollector } from "./parameters.js";
export type { Initializer, LinearKind, MupRules, ParameterSpec } from "./parameters.js";
export { ROTARY_CACHE_LENGTH, rotaryInverseFrequencies, rotaryTables, sinusoids } from "./tables.js";
export { argmax, sampleToken } from "./sampling.js";
export {
  CROSS_MIX_ALPHA,
  crossEntropy,
  delSumEmbed,
  delSumHead,
  flexEmbed,
  flexUnembed,
  gelu,
  layerNorm,
  linear,
  mlp,
  multiHeadAttention,
  residualAttentionBlock,
  residualAttentionBlockTwoCross,
  TfRotary,
} from "./tf/blocks.js";
export type { AttentionCall, AttentionConfig, CrossInput, FlexEmbeddingsShape, WeightLookup } from "./tf/blocks.js";
export { gradientCheckpoint, isRecordingGradients, nestedGradients } from "./tf/gradient-checkpoint.js";
export { delSumHeadCrossEntropy, unembedCrossEntropy } from "./tf/unembed-loss.js";
export type { DelSumHeadLossOptions, UnembedLossInputs, UnembedLossOptions, UnembedLossResult } from "./tf/unembed-loss.js";
export { TfParameters } from "./tf/parameters.js";
export type { NamedVariable } from "./tf/parameters.js";
export { describeTfBackend, registerTfGradients, selectTfBackend, TF_BACKEND_PREFERENCE, useTfBackend } from "./tf/backend.js";
export type { SelectedTfBackend, TfBackendAttempt, TfBackendChoice, TfBackendName, TfBackendOptions, TfBackendSelection } from "./tf/backend.js";
export { bridgeMissingWasmKernels } from "./tf/wasm-kernel-bridge.js";
export { materializeWasmMatMulTransposes, useNativeWasmMatMul } from "./tf/wasm-matmul.js";
export { openNativeMatMul } from "./tf/native-matmul.js";
export type { NativeMatMul } from "./tf/native-matmul.js";
export { CHECKPOINT_CONFIG_FILE, CHECKPOINT_WEIGHTS_FILE, readCheckpoint, writeCheckpoint } from "./checkpoint.js";
export type { Checkpoint } from "./checkpoint.js";
export type { ConfigErrorClass, InputErrorClass, ModelDefinition, PackageErrorClass } from "./model-package/model-definition.js";
export { booleanField, positiveInteger, positiveIntegerOrNull, refusedValue, stringOrNull, tunablesSchema } from "./model-package/config-schema.js";
export type { TunablesSchemaOptions, TunableValue } from "./model-package/config-schema.js";
export { configReader, requirePositiveIntegers } from "./model-package/config-reader.js";
export type { ConfigReaderOptions } from "./model-package/config-reader.js";
export { loadModelCheckpoint, saveModelCheckpoint } from "./model-package/checkpoint-files.js";
export type { ModelCheckpoint } from "./model-package/checkpoint-files.js";
export { checkExportFolder, readExportFolder, writeExportFolder } from "./model-package/export-folder.js";
export { assertFiniteWeights } from "./model-package/finite-weights.js";
export type { ExportFolder, ExportLayout } from "./model-package/export-folder.js";
export { TrainableTfModel } from "./model-package/trainable-model.js";
export type { TfModel } from "./model-package/trainable-model.js";
