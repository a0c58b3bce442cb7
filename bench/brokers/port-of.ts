function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function portField(v: unknown): number | undefined {
  if (!isRecord(v)) return undefined;
  const p = v['port'];
  return typeof p === 'number' && p > 0 ? p : undefined;
}

/**
 * The TCP port of a started broker handle, whichever of the usual shapes it has:
 * `{ port }`, `{ address: { port } }`, `{ addresses: [{ port }] }` or `{ tcp: { port } }`.
 */
export function portOf(handle: unknown): number | undefined {
  if (!isRecord(handle)) return undefined;
  const direct = portField(handle);
  if (direct !== undefined) return direct;
  for (const key of ['address', 'tcp', 'listener']) {
    const p = portField(handle[key]);
    if (p !== undefined) return p;
  }
  for (const key of ['addresses', 'listeners']) {
    const list = handle[key];
    if (Array.isArray(list)) {
      for (const item of list) {
        const p = portField(item) ?? (isRecord(item) ? portField(item['address']) : undefined);
        if (p !== undefined) return p;
      }
    }
  }
  return undefined;
}
