// Ambient types for the untyped `@echogarden/espeak-ng-emscripten` module: only what engine.ts uses.
declare module "@echogarden/espeak-ng-emscripten" {
  export interface RawEspeakEvent {
    type: string;
    text_position: number;
    word_length: number;
    audio_position: number;
    id?: string | number;
  }
  export interface RawEspeakVoice {
    identifier: string;
    name: string;
    languages: { priority: number; name: string }[];
  }
  export interface ESpeakNGWorker {
    set_voice(voice: string): number;
    set_rate(rate: number): void;
    set_pitch(pitch: number): void;
    set_range(range: number): void;
    get_samplerate(): number;
    list_voices(): RawEspeakVoice[];
    synthesize(text: string, callback: (samples: Int16Array | null, events: RawEspeakEvent[]) => void): number | undefined;
    synthesize_ipa(text: string): { code: number; ipa: string };
  }
  export interface EspeakModule {
    eSpeakNGWorker: new () => ESpeakNGWorker;
  }
  export interface EspeakModuleOptions {
    getPreloadedPackage?: (name: string, size: number) => ArrayBuffer;
  }
  const initialize: (options?: EspeakModuleOptions) => Promise<EspeakModule>;
  export default initialize;
}
