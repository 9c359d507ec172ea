/** shared/messageStatus.ts: final and failed statuses. */
import { isFailedMessage, isFinalStatus } from '../../nodes/shared/messageStatus';

describe('message statuses', () => {
	it('calls a status final or failed by one rule', () => {
		expect(isFinalStatus('sent')).toBe(false);
		expect(isFinalStatus(null)).toBe(false);
		expect(isFinalStatus('canceled')).toBe(true);
		expect(isFailedMessage('canceled', null)).toBe(true);
		expect(isFailedMessage('delivered', null)).toBe(false);
		expect(isFailedMessage('delivered', 0)).toBe(false);
		expect(isFailedMessage('sent', 30008)).toBe(true);
	});
});
