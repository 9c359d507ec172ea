/** The harness's flatted parser reads what the `flatted` package that n8n ships writes. */
import fc from 'fast-check';

import { ensureN8nInstall, parseFlatted } from './harness';

// The very copy n8n uses to encode execution data.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const flatted = require(require.resolve('flatted', { paths: [ensureN8nInstall().dir] })) as {
	stringify(value: unknown): string;
};

describe('parseFlatted', () => {
	it('reads back any JSON value written by flatted, as JSON would', () => {
		fc.assert(
			fc.property(fc.jsonValue(), (value) => {
				// Compared with a JSON round trip, which turns -0 into 0 as flatted (being JSON) does.
				expect(parseFlatted(flatted.stringify(value))).toEqual(JSON.parse(JSON.stringify(value)));
			}),
		);
	});

	it('keeps shared and circular references', () => {
		const shared = { text: 'shared' };
		const root: Record<string, unknown> = { a: shared, b: shared, list: [shared, 'x', 1] };
		root.self = root;

		const parsed = parseFlatted(flatted.stringify(root)) as typeof root;

		expect(parsed.a).toBe(parsed.b);
		expect((parsed.list as unknown[])[0]).toBe(parsed.a);
		expect(parsed.self).toBe(parsed);
		expect(parsed.a).toEqual(shared);
	});
});
