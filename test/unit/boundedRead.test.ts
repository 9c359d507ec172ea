import { Readable } from 'stream';

import { readAtMost } from '../../nodes/shared/boundedRead';

function streamOf(chunks: Array<string | Buffer>): Readable {
	return Readable.from(chunks, { objectMode: false });
}

describe('readAtMost', () => {
	it('reads a body within the limit whole, strings and buffers alike', async () => {
		const stream = streamOf(['ab', Buffer.from('cd')]);
		const { data, overLimit } = await readAtMost(stream, 4);
		expect(data.toString()).toBe('abcd');
		expect(overLimit).toBe(false);
		expect(stream.destroyed).toBe(true);
	});

	it('stops as soon as the body passes the limit and closes the stream', async () => {
		let pulled = 0;
		const endless = new Readable({
			read() {
				pulled++;
				this.push(Buffer.alloc(10));
			},
		});
		const { data, overLimit } = await readAtMost(endless, 25);
		expect(overLimit).toBe(true);
		expect(data.length).toBe(30);
		expect(endless.destroyed).toBe(true);
		expect(pulled).toBeLessThan(10);
	});

	it('passes a stream error on, after closing the stream', async () => {
		const failing = new Readable({
			read() {
				this.destroy(new Error('connection reset'));
			},
		});
		await expect(readAtMost(failing, 100)).rejects.toThrow('connection reset');
		expect(failing.destroyed).toBe(true);
	});
});
