/**
 * Splits a text that is too long for one message into parts that each fit, for the Send option
 * "Long Text: Split Into Several Messages". Pure.
 *
 * Each cut is made at the last paragraph break, else line break, else sentence end, else space that
 * leaves a part at least half the limit long; failing that, at the last such boundary anywhere; a
 * text without spaces there is cut at its last word boundary (languages written without spaces),
 * and only a run without any boundary (a very long URL) at the last character boundary. Cuts are
 * always between graphemes (an emoji with its modifiers, a letter with its accents stay together).
 * The whitespace at a cut is dropped: each part is then sent as its own message.
 */

/**
 * The most parts one text becomes (about 16,000 characters): a longer text is refused before
 * anything is sent, since a chat of ten messages in a row is already more than a reader follows;
 * send a document or link.
 */
export const MAX_TEXT_PARTS = 10;

type Granularity = 'grapheme' | 'sentence' | 'word';

// Made on first use: building them loads ICU's break rules, about 13 ms while n8n loads the node.
const segmenters = new Map<Granularity, Intl.Segmenter>();

function segmentStarts(granularity: Granularity, text: string): number[] {
	let segmenter = segmenters.get(granularity);
	if (!segmenter) {
		segmenter = new Intl.Segmenter(undefined, { granularity });
		segmenters.set(granularity, segmenter);
	}
	return Array.from(segmenter.segment(text), (segment) => segment.index);
}

function matchStarts(pattern: RegExp, text: string): number[] {
	return Array.from(text.matchAll(pattern), (match) => match.index);
}

/** Candidate cut positions in the window, best kind first. */
function boundaryLevels(window: string): number[][] {
	return [
		matchStarts(/\n[^\S\n]*\n/g, window),
		matchStarts(/\n/g, window),
		segmentStarts('sentence', window),
		matchStarts(/\s/g, window),
	];
}

/** Where to end the next part of `rest` (longer than `limit`): a position from 1 to `limit`. */
function cutPosition(rest: string, limit: number): number {
	// One character more than the limit, so a space right after a full part counts as a boundary.
	const window = rest.slice(0, limit + 1);
	const graphemeStarts = segmentStarts('grapheme', window);
	const betweenGraphemes = new Set(graphemeStarts);
	// A part must hold more than the whitespace it starts with.
	const firstVisible = window.search(/\S/);
	const usable = (position: number) =>
		position > firstVisible && position <= limit && betweenGraphemes.has(position);
	const levels = boundaryLevels(window).map((starts) => starts.filter(usable));
	for (const minimum of [limit / 2, 1]) {
		for (const starts of levels) {
			const best = Math.max(-1, ...starts.filter((position) => position >= minimum));
			if (best > 0) return best;
		}
	}
	// No space at all: a language written without spaces, or one very long "word" such as a URL.
	const lastWord = Math.max(-1, ...segmentStarts('word', window).filter(usable));
	if (lastWord > 0) return lastWord;
	const lastGrapheme = Math.max(-1, ...graphemeStarts.filter(usable));
	if (lastGrapheme > 0) return lastGrapheme;
	// A single grapheme longer than the limit: cut between code points.
	return /[\uD800-\uDBFF]/.test(rest[limit - 1]) ? limit - 1 : limit;
}

/**
 * The parts of `text`, each at most `limit` UTF-16 code units long (how the node counts Twilio's
 * limit). A text within the limit is one part, unchanged; text of only whitespace gives one empty
 * part.
 */
export function splitText(text: string, limit: number): string[] {
	if (text.length <= limit) return [text];
	if (text.trim() === '') return [''];
	const parts: string[] = [];
	let rest = text;
	while (rest.length > limit) {
		const cut = cutPosition(rest, limit);
		const part = rest.slice(0, cut).trimEnd();
		if (part !== '') parts.push(part);
		rest = rest.slice(cut).trimStart();
	}
	if (rest !== '') parts.push(rest);
	return parts;
}
