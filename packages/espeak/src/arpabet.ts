/**
 * The 39 ARPAbet phones without stress of the charsiu phoneme set (DESIGN.md §5), in the
 * classifier's vocabulary order after `[SIL]`.
 */
export const ARPABET_PHONES = [
  "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G", "HH", "IH", "IY", "JH", "K",
  "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH",
] as const;

export type ArpabetPhone = (typeof ARPABET_PHONES)[number];

/**
 * eSpeak-NG's English IPA phonemes (stress marks removed) to ARPAbet. eSpeak emits some
 * r-coloured vowels and syllabic consonants as one phoneme ("ɑːɹ", "əl", "n̩"); the CMU
 * dictionary spells those as two phones. Flaps and glottal stops are allophones of /t/ or /d/;
 * CMU writes T for them in most words ("water", "button").
 */
const IPA_TO_ARPABET: Record<string, readonly ArpabetPhone[]> = {
  // vowels and diphthongs
  "ə": ["AH"], "ɐ": ["AH"], "ʌ": ["AH"], "ᵻ": ["IH"], "ɪ": ["IH"], "i": ["IY"], "iː": ["IY"], "ɛ": ["EH"], "e": ["EH"],
  "æ": ["AE"], "a": ["AE"], "aː": ["AA"], "ɑ": ["AA"], "ɑː": ["AA"], "ɒ": ["AA"], "ɔ": ["AO"], "ɔː": ["AO"],
  "ʊ": ["UH"], "u": ["UW"], "uː": ["UW"], "o": ["OW"], "oː": ["OW"], "oʊ": ["OW"], "əʊ": ["OW"], "eɪ": ["EY"],
  "aɪ": ["AY"], "aʊ": ["AW"], "ɔɪ": ["OY"], "ɚ": ["ER"], "ɜː": ["ER"], "ɜ": ["ER"], "ɝ": ["ER"], "iə": ["IY", "AH"],
  // r-coloured vowels written as one eSpeak phoneme
  "ɑːɹ": ["AA", "R"], "ɑɹ": ["AA", "R"], "ɔːɹ": ["AO", "R"], "ɔɹ": ["AO", "R"], "oːɹ": ["AO", "R"], "oɹ": ["AO", "R"],
  "ɛɹ": ["EH", "R"], "ɛə": ["EH", "R"], "eə": ["EH", "R"], "ɪɹ": ["IH", "R"], "ɪə": ["IH", "R"], "iɹ": ["IY", "R"],
  "ʊɹ": ["UH", "R"], "ʊə": ["UH", "R"], "aɪɚ": ["AY", "ER"], "aɪə": ["AY", "ER"], "aʊɚ": ["AW", "ER"], "aʊə": ["AW", "ER"],
  // syllabic consonants
  "əl": ["AH", "L"], "l̩": ["AH", "L"], "n̩": ["AH", "N"], "m̩": ["AH", "M"], "əm": ["AH", "M"], "ən": ["AH", "N"],
  // consonants
  "p": ["P"], "b": ["B"], "t": ["T"], "d": ["D"], "k": ["K"], "ɡ": ["G"], "g": ["G"], "f": ["F"], "v": ["V"],
  "θ": ["TH"], "ð": ["DH"], "s": ["S"], "z": ["Z"], "ʃ": ["SH"], "ʒ": ["ZH"], "h": ["HH"], "tʃ": ["CH"], "dʒ": ["JH"],
  "m": ["M"], "n": ["N"], "ŋ": ["NG"], "l": ["L"], "ɫ": ["L"], "ɹ": ["R"], "r": ["R"], "w": ["W"], "j": ["Y"],
  "ɾ": ["T"], "ʔ": ["T"], "x": ["K"], "ç": ["HH"], "ʍ": ["W"], "ɬ": ["L"],
};

// Keys are NFC-normalised once so that precomposed and combining spellings match alike.
const IPA_TABLE = new Map<string, readonly ArpabetPhone[]>(
  Object.entries(IPA_TO_ARPABET).map(([ipa, phones]) => [ipa.normalize("NFC"), phones]),
);
const MAX_KEY_LENGTH = Math.max(...[...IPA_TABLE.keys()].map((k) => k.length));

/** Removes eSpeak's stress and syllable marks ("ˈoʊ" → "oʊ"). */
export function stripStress(ipa: string): string {
  return ipa.replace(/[ˈˌ.]/g, "");
}

/**
 * Maps an IPA string (one eSpeak phoneme or a whole word) to ARPAbet phones, longest match
 * first. Characters with no mapping (length marks on their own, tie bars) are skipped.
 */
export function ipaToArpabet(ipa: string): ArpabetPhone[] {
  const text = stripStress(ipa).normalize("NFC");
  const phones: ArpabetPhone[] = [];
  let i = 0;
  while (i < text.length) {
    let matched = false;
    for (let length = Math.min(MAX_KEY_LENGTH, text.length - i); length > 0; length--) {
      const mapped = IPA_TABLE.get(text.slice(i, i + length));
      if (mapped !== undefined) {
        phones.push(...mapped);
        i += length;
        matched = true;
        break;
      }
    }
    if (!matched) i += 1;
  }
  return phones;
}

/** True when `phone` is one of the 39 ARPAbet phones. */
export function isArpabetPhone(phone: string): phone is ArpabetPhone {
  return (ARPABET_PHONES as readonly string[]).includes(phone);
}
