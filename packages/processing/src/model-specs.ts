/** The table name part of a codec spec: `default:<file>` → "default", `snac:<dir>` → "snac_32khz", a bare name stays. */
export function codecTableName(spec: string): string {
  const colon = spec.indexOf(":");
  if (colon < 0 || colon === spec.length - 1) return spec;
  const kind = spec.slice(0, colon);
  return kind === "snac" ? "snac_32khz" : kind;
}
