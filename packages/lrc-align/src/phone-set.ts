/**
 * The charsiu English phone vocabulary (`charsiu/tokenizer_en_cmu`, the 42-entry vocab of
 * lingjzhu/charsiu local/vocab-ctc.json), in id order. `[SIL]` is id 0 and doubles as the CTC blank;
 * the 39 ARPAbet phones carry no stress; `[UNK]` is 40 and `[PAD]` 41. The order is the model's
 * output order, so it must never be re-sorted.
 */
export const CHARSIU_PHONES = [
  "[SIL]", "NG", "F", "M", "AE", "R", "UW", "N", "IY", "AW", "V", "UH", "OW", "AA", "ER", "HH", "Z",
  "K", "CH", "W", "EY", "ZH", "T", "EH", "Y", "AH", "B", "P", "TH", "DH", "AO", "G", "L", "JH", "OY",
  "SH", "D", "AY", "S", "IH", "[UNK]", "[PAD]",
] as const;

export type CharsiuPhone = (typeof CHARSIU_PHONES)[number];

export const SIL_ID = 0;
export const BLANK_ID = SIL_ID;
export const UNK_ID = 40;
export const PAD_ID = 41;
export const NUM_PHONE_CLASSES = CHARSIU_PHONES.length;

const idByPhone = new Map<string, number>(CHARSIU_PHONES.map((phone, id) => [phone, id]));

/**
 * Id of an ARPAbet phone; stress digits are removed first (`AH0` → `AH`). Unknown symbols map to
 * `[UNK]` as the Hugging Face tokenizer's `convert_tokens_to_ids` does upstream.
 */
export function phoneToId(phone: string): number {
  return idByPhone.get(phone.replace(/\d/g, "").toUpperCase()) ?? UNK_ID;
}

/** The phone symbol of an id; throws RangeError for ids outside 0..41. */
export function idToPhone(id: number): CharsiuPhone {
  const phone = CHARSIU_PHONES[id];
  if (phone === undefined) throw new RangeError(`phone id ${id} outside 0..${CHARSIU_PHONES.length - 1}`);
  return phone;
}
