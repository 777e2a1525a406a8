import { T2SInputError } from "./errors.js";

/** Port of whisperspeech/languages.py: languages — Whisper's language codes in id order. */
export const LANGUAGES: readonly string[] = [
  "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it", "id", "hi", "fi", "vi",
  "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk",
  "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw",
  "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo",
  "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su",
];

/** Port of whisperspeech/languages.py: to_id (language codes only). */
export function languageId(code: string): number {
  const id = LANGUAGES.indexOf(code);
  if (id < 0) throw new T2SInputError("lang", `unknown language code ${JSON.stringify(code)}; expected one of Whisper's codes such as "en"`);
  return id;
}
