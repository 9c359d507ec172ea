/**
 * Parses the `flatted` format in which n8n's REST API returns execution data
 * (`GET /rest/executions/:id`), so that this package does not depend on the `flatted` package.
 *
 * flatted serializes a value as a JSON array: entry 0 is the root, every object or array is an
 * entry of its own, and inside an entry every string is the decimal index of another entry (string
 * values are entries too). Numbers, booleans and null stay inline. Cycles are references to earlier
 * entries.
 */
export function parseFlatted(text: string): unknown {
	const table = JSON.parse(text) as unknown[];
	const revived = new Map<number, unknown>();

	const revive = (index: number): unknown => {
		if (revived.has(index)) return revived.get(index);
		const entry = table[index];
		if (entry === null || typeof entry !== 'object') return entry;
		const out = Array.isArray(entry) ? [] : {};
		revived.set(index, out);
		for (const [key, value] of Object.entries(entry)) {
			// Defined, not assigned, so that a "__proto__" key stays data, as with JSON.parse.
			Object.defineProperty(out, key, {
				value: typeof value === 'string' ? revive(Number(value)) : value,
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
		return out;
	};

	return revive(0);
}
