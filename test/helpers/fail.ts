/**
 * The `fail` callback the send node's helpers take: throws, as the node's own does, an error with
 * the message and description it was given.
 */
export class Problem extends Error {
	constructor(
		message: string,
		readonly description?: string,
	) {
		super(message);
	}
}

export const fail = (message: string, description?: string): never => {
	throw new Problem(message, description);
};
