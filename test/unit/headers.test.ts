import { firstListEntry, headerText, mediaType } from '../../nodes/shared/headers';

describe('headerText', () => {
	it.each([
		['a string', 'abc', 'abc'],
		['a repeated header', ['first', 'second'], 'first'],
		['a number from a response header object', 1024, '1024'],
		['an absent header', undefined, undefined],
		['an empty array', [], undefined],
		['anything else', { value: 'x' }, undefined],
	])('reads %s', (_case, value, expected) => {
		expect(headerText(value)).toBe(expected);
	});
});

describe('firstListEntry', () => {
	it('takes the first hop of a proxy list, trimmed, and nothing for an empty one', () => {
		expect(firstListEntry('example.com, proxy.internal')).toBe('example.com');
		expect(firstListEntry(['https , http'])).toBe('https');
		expect(firstListEntry(' ,x')).toBeUndefined();
		expect(firstListEntry(undefined)).toBeUndefined();
	});
});

describe('mediaType', () => {
	it('lower-cases and drops parameters', () => {
		expect(mediaType('Application/JSON; charset=utf-8')).toBe('application/json');
		expect(mediaType(' text/html')).toBe('text/html');
		expect(mediaType('')).toBeUndefined();
		expect(mediaType(undefined)).toBeUndefined();
	});
});
