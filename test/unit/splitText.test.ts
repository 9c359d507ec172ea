/**
 * Splitting a long text into messages (Send option "Long Text: Split Into Several Messages"):
 * examples for each kind of boundary, and properties over generated texts of words, sentences,
 * paragraphs, emoji with modifiers, combining accents and text without spaces.
 */
import fc from 'fast-check';

import { MAX_TEXT_PARTS, splitText } from '../../nodes/TwilioWhatsApp/helpers/splitText';

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const graphemesOf = (text: string) =>
	Array.from(graphemeSegmenter.segment(text), (segment) => segment.segment);
const visible = (text: string) => text.replace(/\s/g, '');
const tokens = (text: string) => text.split(/\s+/).filter((token) => token !== '');

describe('splitText examples', () => {
	it('keeps a text within the limit as one unchanged part', () => {
		expect(splitText('  Hello there \n', 20)).toEqual(['  Hello there \n']);
		expect(splitText('x'.repeat(1600), 1600)).toEqual(['x'.repeat(1600)]);
	});

	it('cuts at the paragraph break rather than at a later sentence end', () => {
		const first = 'First paragraph. It has two sentences.';
		const second = 'Second paragraph. Also two. And a third sentence here.';
		expect(splitText(`${first}\n\n${second}`, 70)).toEqual([first, second]);
	});

	it('cuts after a sentence when no paragraph break fits', () => {
		const text = 'One short sentence. Another sentence follows it. A third one ends here.';
		expect(splitText(text, 50)).toEqual([
			'One short sentence. Another sentence follows it.',
			'A third one ends here.',
		]);
	});

	it('cuts between words when a sentence is longer than the limit', () => {
		expect(splitText('alpha beta gamma delta epsilon', 12)).toEqual([
			'alpha beta',
			'gamma delta',
			'epsilon',
		]);
	});

	it('cuts a word longer than the limit, never inside a surrogate pair', () => {
		expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
		// Mathematical script letters: one word, each letter two UTF-16 code units.
		expect(splitText('𝒜'.repeat(8), 5)).toEqual(['𝒜𝒜', '𝒜𝒜', '𝒜𝒜', '𝒜𝒜']);
		// An emoji between letters is a word boundary of its own.
		expect(splitText(`${'a'.repeat(9)}😀${'b'.repeat(9)}`, 10)).toEqual([
			'a'.repeat(9),
			'😀',
			'b'.repeat(9),
		]);
	});

	it('keeps an emoji with its skin tone and a letter with its accents together', () => {
		const thumbs = '👍🏽';
		const accented = 'e\u0301';
		const parts = splitText(`${'a'.repeat(7)}${thumbs}${accented}${'c'.repeat(5)}`, 10);
		expect(parts.join('')).toBe(`${'a'.repeat(7)}${thumbs}${accented}${'c'.repeat(5)}`);
		for (const part of parts) expect(part.length).toBeLessThanOrEqual(10);
		expect(parts.some((part) => part.includes(thumbs))).toBe(true);
		expect(parts.some((part) => part.includes(accented))).toBe(true);
	});

	it('cuts text written without spaces at word boundaries', () => {
		const text = '今日はいい天気ですね散歩に行きましょう'.repeat(6);
		const parts = splitText(text, 40);
		expect(parts.join('')).toBe(text);
		for (const part of parts) expect(part.length).toBeLessThanOrEqual(40);
	});

	it('gives one empty part for a long text of only whitespace, so the node reports "no body"', () => {
		expect(splitText(' \n\t'.repeat(700), 1600)).toEqual(['']);
	});

	it('a 2,500-character answer becomes two messages; ten parts is the most the node sends', () => {
		const sentence = 'This sentence is exactly fifty characters long ok. ';
		expect(splitText(sentence.repeat(50).trim(), 1600)).toHaveLength(2);
		expect(MAX_TEXT_PARTS).toBe(10);
	});
});

const word = fc.stringMatching(/^[a-zA-Z0-9]{1,12}$/);
const emoji = fc.constantFrom('😀', '👍🏽', '👨‍👩‍👧', '🇩🇪', 'e\u0301', 'ñ', '中', '文');
const token = fc.oneof(
	{ weight: 6, arbitrary: word },
	{ weight: 2, arbitrary: emoji },
	{ weight: 1, arbitrary: fc.array(emoji, { minLength: 1, maxLength: 4 }).map((e) => e.join('')) },
);
const separator = fc.constantFrom(' ', ' ', ' ', '. ', '! ', '\n', '\n\n', ', ', '  ');
const text = fc
	.array(fc.tuple(token, separator), { minLength: 1, maxLength: 400 })
	.map((pairs) => pairs.map(([t, s]) => t + s).join(''));
const limit = fc.integer({ min: 20, max: 400 });

describe('splitText properties', () => {
	it('every part fits, none is empty, and nothing but whitespace at the cuts is lost', () => {
		fc.assert(
			fc.property(text, limit, (input, max) => {
				const parts = splitText(input, max);
				if (input.trim() === '') return;
				for (const part of parts) {
					expect(part.length).toBeLessThanOrEqual(max);
					expect(part.trim()).not.toBe('');
				}
				expect(visible(parts.join(''))).toBe(visible(input));
			}),
		);
	});

	it('never cuts inside a grapheme (surrogate pairs, emoji sequences, accents)', () => {
		fc.assert(
			fc.property(text, limit, (input, max) => {
				const parts = splitText(input, max);
				const kept = (graphemes: string[]) => graphemes.filter((g) => g.trim() !== '');
				expect(kept(parts.flatMap(graphemesOf))).toEqual(kept(graphemesOf(input)));
			}),
		);
	});

	it('never cuts inside a word when every word fits', () => {
		fc.assert(
			fc.property(text, limit, (input, max) => {
				fc.pre(tokens(input).every((t) => t.length <= max));
				expect(splitText(input, max).flatMap(tokens)).toEqual(tokens(input));
			}),
		);
	});

	it('fills parts: every part but the last is at least half the limit when the text has spaces', () => {
		fc.assert(
			fc.property(text, limit, (input, max) => {
				fc.pre(tokens(input).every((t) => t.length <= max / 2 - 2));
				const parts = splitText(input, max);
				for (const part of parts.slice(0, -1))
					expect(part.length).toBeGreaterThanOrEqual(max / 2 - 2);
			}),
		);
	});
});
