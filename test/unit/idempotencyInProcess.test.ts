import {
	recordDelivery,
	recordDeliveryInProcess,
} from '../../nodes/TwilioWhatsAppTrigger/idempotency';

/**
 * n8n hands concurrent requests the same stored static data and keeps whichever write comes last. The
 * in-process log must still remember every token this process took, so a later retry is recognised.
 */
describe('duplicate-delivery log under concurrent requests in one process', () => {
	const now = Date.parse('2026-11-23T12:00:00Z');

	it("keeps tokens that a concurrent request's write dropped", () => {
		const trigger = `wf-1\u0000node-1\u0000webhook-${Math.random()}`;
		const storedAtArrival = '';
		// Two requests read the same (empty) static data; each writes back its own log.
		const first = recordDeliveryInProcess(trigger, storedAtArrival, 'token-a', now);
		const second = recordDeliveryInProcess(trigger, storedAtArrival, 'token-b', now + 10);
		expect(first.duplicate).toBe(false);
		expect(second.duplicate).toBe(false);
		// The last write wins in n8n: it must hold both tokens.
		const stored = second.log;
		expect(stored.split(',')).toHaveLength(2);
		expect(recordDelivery(stored, 'token-a', now + 20).duplicate).toBe(true);
		expect(recordDeliveryInProcess(trigger, '', 'token-a', now + 30).duplicate).toBe(true);
	});

	it('takes in the tokens another process stored, and keeps its own that the stored log lacks', () => {
		const trigger = `wf-1\u0000node-1\u0000webhook-${Math.random()}`;
		const mine = recordDeliveryInProcess(trigger, '', 'token-mine', now).log;
		// Another process read the same empty log and stored only its own token.
		const theirs = recordDelivery('', 'token-theirs', now + 5).log;
		const next = recordDeliveryInProcess(trigger, theirs, 'token-next', now + 10);
		for (const token of ['token-mine', 'token-theirs', 'token-next'])
			expect(recordDelivery(next.log, token, now + 20).duplicate).toBe(true);
		// An older write of this process, read back later, adds nothing and loses nothing.
		const again = recordDeliveryInProcess(trigger, mine, 'token-last', now + 30);
		for (const token of ['token-mine', 'token-theirs', 'token-next', 'token-last'])
			expect(recordDelivery(again.log, token, now + 40).duplicate).toBe(true);
	});

	it('keeps triggers apart', () => {
		const a = `wf-1\u0000node-1\u0000webhook-${Math.random()}`;
		const b = `wf-2\u0000node-1\u0000webhook-${Math.random()}`;
		recordDeliveryInProcess(a, '', 'token-x', now);
		expect(recordDeliveryInProcess(b, '', 'token-x', now).duplicate).toBe(false);
	});
});
