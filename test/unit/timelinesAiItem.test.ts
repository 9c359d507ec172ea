/** TimelinesAiTrigger/item.ts: the item a TimelinesAI send request becomes. */
import { buildItem } from '../../nodes/TimelinesAiTrigger/item';
import { example1AccountPhone, example2ChatWithFile } from '../fixtures/timelinesai/requests';
import { acceptedSendRequest as accepted } from '../helpers/timelinesAiRequests';

describe('TimelinesAI item', () => {
	it('carries the normalised request, the id, the times and the raw body', () => {
		const request = accepted({ ...example1AccountPhone, text: 'a\r\nb' });
		const item = buildItem(request, {
			messageId: 'wa_backend:00000000000000000001',
			receivedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
			notBefore: Date.UTC(2026, 0, 2, 3, 4, 7),
		});
		expect(item).toEqual({
			action: 'send',
			text: 'a\nb',
			file: null,
			recipient: { type: 'phone', value: '+14151231234', phone: '+14151231234' },
			whatsappAccountPhone: '+15105566777',
			whatsappAccountPhoneIgnored: false,
			quotaUnits: 1,
			messageId: 'wa_backend:00000000000000000001',
			receivedAt: '2026-01-02T03:04:05.000Z',
			notBefore: '2026-01-02T03:04:07.000Z',
			waitMs: 2000,
			body: { ...example1AccountPhone, text: 'a\r\nb' },
		});
	});

	it('adds what the file check saw to the file', () => {
		const request = accepted(example2ChatWithFile);
		const item = buildItem(request, {
			messageId: 'wa_backend:00000000000000000001',
			receivedAt: 0,
			notBefore: 0,
			downloaded: { contentType: 'image/png', size: 120 },
		});
		expect(item.file).toEqual({
			url: 'https://timelines.ai/logo.png',
			name: 'logo.png',
			contentType: 'image/png',
			size: 120,
		});
	});
});
