import { TorchTensor } from "./torch-tensor.js";

/**
 * Every tensor reachable from `root` through dicts (string or number keys) and lists/tuples, by the
 * dotted path of its first occurrence (`state_dict.encoder.weight`, `optimizer_states.0.state.3.exp_avg`).
 * Iterative and cycle-safe: a pickle can make a list that contains itself. Tensors inside inert
 * placeholders are not listed: nothing reads them.
 */
export function tensorsByPath(root: unknown): Map<string, TorchTensor> {
  const found = new Map<string, TorchTensor>();
  const seen = new Set<unknown>();
  const pending: { value: unknown; path: string }[] = [{ value: root, path: "" }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path } = next;
    if (value instanceof TorchTensor) {
      if (!found.has(path)) found.set(path, value);
      if (value.path === "") value.path = path;
      continue;
    }
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    const children: { value: unknown; path: string }[] = [];
    const join = (key: string): string => (path === "" ? key : `${path}.${key}`);
    if (value instanceof Map) {
      for (const [key, child] of value) if (typeof key === "string" || typeof key === "number") children.push({ value: child, path: join(String(key)) });
    } else if (Array.isArray(value)) {
      value.forEach((child: unknown, index) => children.push({ value: child, path: join(String(index)) }));
    }
    // Reversed onto the stack, so paths come out in the file's order.
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i] as { value: unknown; path: string });
  }
  return found;
}
