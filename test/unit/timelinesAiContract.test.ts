import {
	errorBody,
	MESSAGE_ID_PATTERN,
	newMessageId,
	successBody,
} from '../../nodes/TimelinesAiTrigger/contract';
import { toE164 } from '../../nodes/shared/e164';
import {
	contactJid,
	example1AccountPhone,
	example2ChatWithFile,
	groupJid,
	successResponse,
} from '../fixtures/timelinesai/requests';
import {
	acceptedSendRequest as accepted,
	checkSendRequest as check,
} from '../helpers/timelinesAiRequests';

const JSON_TYPE = 'application/json';

function rejected(body: unknown, contentType?: string | null, bodyBytes?: number) {
	const result = check(body, contentType, bodyBytes);
	if (result.ok) throw new Error('expected a rejection');
	return { status: result.status, message: result.message };
}

describe('TimelinesAI send request: accepted requests', () => {
	it('reads example 1 of the published docs: phone recipient through a given account', () => {
		const request = accepted(example1AccountPhone);
		expect(request).toEqual({
			action: 'send',
			text: 'lorem ipsum',
			file: null,
			recipient: { type: 'phone', value: '+14151231234', phone: '+14151231234' },
			whatsappAccountPhone: '+15105566777',
			whatsappAccountPhoneIgnored: false,
			quotaUnits: 1,
			body: example1AccountPhone,
		});
	});

	it('reads example 2: text and file to a chat id, costing 2 quota units', () => {
		const request = accepted(example2ChatWithFile);
		expect(request.recipient).toEqual({ type: 'chat_id', value: '77234', phone: null });
		expect(request.file).toEqual({ url: 'https://timelines.ai/logo.png', name: 'logo.png' });
		expect(request.quotaUnits).toBe(2);
	});

	it.each([
		['chat_id', { chat_id: '77234' }, { type: 'chat_id', value: '77234', phone: null }],
		['chat_id as a number', { chat_id: 77234 }, { type: 'chat_id', value: '77234', phone: null }],
		[
			'jid of a contact',
			{ jid: contactJid },
			{ type: 'jid', value: contactJid, phone: '+14151231234' },
		],
		['jid of a group', { jid: groupJid }, { type: 'jid', value: groupJid, phone: null }],
		[
			'phone',
			{ phone: '+14151231234' },
			{ type: 'phone', value: '+14151231234', phone: '+14151231234' },
		],
		[
			'chat_name',
			{ chat_name: 'Sales team' },
			{ type: 'chat_name', value: 'Sales team', phone: null },
		],
	])('sends text to a recipient given by %s', (_, recipient, expected) => {
		const request = accepted({ action: 'send', text: 'Hello', ...recipient });
		expect(request.recipient).toEqual(expected);
		expect(request.quotaUnits).toBe(1);
	});

	it('sends a file without text for 1 unit, with text missing or empty', () => {
		for (const text of [undefined, '', '  ']) {
			const request = accepted({
				action: 'send',
				phone: '+14151231234',
				text,
				file_url: 'https://files.example.com/a.pdf',
				file_name: 'a.pdf',
			});
			expect(request.file).toEqual({ url: 'https://files.example.com/a.pdf', name: 'a.pdf' });
			expect(request.quotaUnits).toBe(1);
		}
	});

	it('normalises CRLF and lone CR line breaks to \\n', () => {
		expect(
			accepted({ action: 'send', phone: '+14151231234', text: 'one\r\ntwo\rthree\nfour' }).text,
		).toBe('one\ntwo\nthree\nfour');
	});

	it('accepts both spellings of the account phone key, and the same value given twice', () => {
		expect(
			accepted({
				action: 'send',
				phone: '+14151231234',
				text: 'x',
				'whatsapp account phone': '+15105566777',
			}).whatsappAccountPhone,
		).toBe('+15105566777');
		expect(
			accepted({
				action: 'send',
				phone: '+14151231234',
				text: 'x',
				whatsapp_account_phone: '+15105566777',
			}).whatsappAccountPhone,
		).toBe('+15105566777');
		expect(
			accepted({
				action: 'send',
				phone: '+14151231234',
				text: 'x',
				whatsapp_account_phone: '+15105566777',
				'whatsapp account phone': '+15105566777',
			}).whatsappAccountPhone,
		).toBe('+15105566777');
	});

	it('ignores (without checking) the account phone when chat_id is given, and says so', () => {
		const request = accepted({
			action: 'send',
			chat_id: '77234',
			text: 'x',
			'whatsapp account phone': 'not a number',
		});
		expect(request.whatsappAccountPhone).toBeNull();
		expect(request.whatsappAccountPhoneIgnored).toBe(true);
		expect(
			accepted({ action: 'send', chat_id: '77234', text: 'x' }).whatsappAccountPhoneIgnored,
		).toBe(false);
	});

	it('normalises common ways of writing a phone number to E.164', () => {
		expect(
			accepted({ action: 'send', text: 'x', phone: '+1 (415) 123-1234' }).recipient.value,
		).toBe('+14151231234');
		expect(
			accepted({ action: 'send', text: 'x', phone: '0044 20 7946 0958' }).recipient.value,
		).toBe('+442079460958');
		expect(toE164('+1.415.123.1234')).toBe('+14151231234');
		expect(toE164('4151231234')).toBeUndefined();
	});

	it('treats null and empty-string fields as absent, as CRM templates send them', () => {
		const request = accepted({
			action: 'send',
			text: 'x',
			phone: '+14151231234',
			jid: '',
			chat_id: null,
			chat_name: '  ',
			file_url: '',
			file_name: null,
		});
		expect(request.recipient.type).toBe('phone');
		expect(request.file).toBeNull();
	});

	it('accepts a charset parameter on the content type', () => {
		expect(check(example1AccountPhone, 'application/json; charset=utf-8').ok).toBe(true);
		expect(check(example1AccountPhone, 'Application/JSON').ok).toBe(true);
	});
});

describe('TimelinesAI send request: rejected requests', () => {
	it.each([
		[
			'no Content-Type',
			example1AccountPhone,
			null,
			415,
			'The Content-Type header is missing: send the JSON body with "Content-Type: application/json"',
		],
		[
			'a form body',
			example1AccountPhone,
			'application/x-www-form-urlencoded',
			415,
			'Content-Type must be "application/json"; got "application/x-www-form-urlencoded"',
		],
		[
			'plain text',
			'hello',
			'text/plain; charset=utf-8',
			415,
			'Content-Type must be "application/json"; got "text/plain"',
		],
	])('%s → 415', (_, body, contentType, status, message) => {
		expect(rejected(body, contentType)).toEqual({ status, message });
	});

	it('a body over the limit → 413 with both sizes', () => {
		expect(rejected(example1AccountPhone, JSON_TYPE, 70000)).toEqual({
			status: 413,
			message: 'The request body is 70000 bytes; this webhook accepts at most 65536 bytes',
		});
	});

	it.each([
		[
			'an empty body',
			undefined,
			'The request body is empty: send a JSON object like {"action": "send", "phone": "+14151231234", "text": "Hello"}',
		],
		[
			'an array',
			[example1AccountPhone],
			'The request body must be a JSON object like {"action": "send", "phone": "+14151231234", "text": "Hello"}; got an array',
		],
		[
			'a JSON string',
			'send',
			'The request body must be a JSON object like {"action": "send", "phone": "+14151231234", "text": "Hello"}; got a string',
		],
		[
			'no action',
			{ phone: '+14151231234', text: 'x' },
			'"action" is required; the only supported value is "send"',
		],
		[
			'another action',
			{ action: 'delete', phone: '+14151231234', text: 'x' },
			'"action" must be "send", the only action TimelinesAI supports; got "delete"',
		],
		[
			'no text and no file',
			{ action: 'send', phone: '+14151231234' },
			'"text" is required: give the message text, or a file with "file_url" and "file_name"',
		],
		[
			'empty text and no file',
			{ action: 'send', phone: '+14151231234', text: ' \r\n' },
			'"text" is empty and no "file_url" is given: send a non-empty "text", a file, or both',
		],
		[
			'text as a number',
			{ action: 'send', phone: '+14151231234', text: 42 },
			'"text" must be a string of plain UTF-8 text; got a number',
		],
		[
			'file_url without file_name',
			{ action: 'send', phone: '+14151231234', text: 'x', file_url: 'https://a.example/f.pdf' },
			'"file_name" is required when "file_url" is given: the name the attachment gets, like "invoice.pdf"',
		],
		[
			'file_name without file_url',
			{ action: 'send', phone: '+14151231234', text: 'x', file_name: 'f.pdf' },
			'"file_name" is given without "file_url": add the file\'s direct download URL in "file_url", or remove "file_name"',
		],
		[
			'a relative file_url',
			{
				action: 'send',
				phone: '+14151231234',
				text: 'x',
				file_url: '/files/f.pdf',
				file_name: 'f.pdf',
			},
			'"file_url" must be an absolute http:// or https:// URL that downloads the file directly; got "/files/f.pdf"',
		],
		[
			'an ftp file_url',
			{
				action: 'send',
				phone: '+14151231234',
				text: 'x',
				file_url: 'ftp://a.example/f.pdf',
				file_name: 'f.pdf',
			},
			'"file_url" must be an http:// or https:// URL; got a ftp URL',
		],
		[
			'a file_name with a path',
			{
				action: 'send',
				phone: '+14151231234',
				text: 'x',
				file_url: 'https://a.example/f.pdf',
				file_name: '../f.pdf',
			},
			'"file_name" must be a plain file name of at most 255 characters, without "/", "\\" or control characters; got "../f.pdf"',
		],
		[
			'no recipient',
			{ action: 'send', text: 'x' },
			'No recipient: give exactly one of "chat_id", "jid", "phone" (like "+14151231234") or "chat_name"',
		],
		[
			'several recipients',
			{ action: 'send', text: 'x', phone: '+14151231234', jid: contactJid },
			'Several recipients given ("jid", "phone"): give exactly one of "chat_id", "jid", "phone" or "chat_name"',
		],
		[
			'a phone without country code',
			{ action: 'send', text: 'x', phone: '4151231234' },
			'"phone" must be in E.164 format: "+", the country code and the number, like "+14151231234"; got "4151231234", a national number without its country code',
		],
		[
			'a phone in national format with a trunk prefix',
			{ action: 'send', text: 'x', phone: '030 1234 5678' },
			'"phone" must be in E.164 format: "+", the country code and the number, like "+14151231234"; got "030 1234 5678", a national number without its country code',
		],
		[
			'a phone that is no number at all',
			{ action: 'send', text: 'x', phone: '+1-CALL-NOW' },
			'"phone" must be in E.164 format: "+", the country code and the number, like "+14151231234"; got "+1-CALL-NOW"',
		],
		[
			'a phone as a number',
			{ action: 'send', text: 'x', phone: 14151231234 },
			'"phone" must be a string in E.164 format, like "+14151231234"; got a number',
		],
		[
			'a malformed jid',
			{ action: 'send', text: 'x', jid: '+14151231234' },
			'"jid" must be a WhatsApp JID such as "14151231234@s.whatsapp.net" (a contact) or "120363012345678901@g.us" (a group); got "+14151231234"',
		],
		[
			'a chat_id object',
			{ action: 'send', text: 'x', chat_id: { id: 1 } },
			'"chat_id" must be the chat\'s id as a string or a whole number, like "77234"; got a object',
		],
		[
			'a negative chat_id',
			{ action: 'send', text: 'x', chat_id: -5 },
			'"chat_id" must be the chat\'s id as a string or a whole number, like "77234"; got a number',
		],
		[
			'a chat_name number',
			{ action: 'send', text: 'x', chat_name: 7 },
			'"chat_name" must be the exact chat name as a string; got a number',
		],
		[
			'a malformed account phone',
			{ action: 'send', text: 'x', phone: '+14151231234', 'whatsapp account phone': '5105566777' },
			'"whatsapp account phone" must be in E.164 format: "+", the country code and the number, like "+14151231234"; got "5105566777", a national number without its country code',
		],
		[
			'two different account phones',
			{
				action: 'send',
				text: 'x',
				phone: '+14151231234',
				'whatsapp account phone': '+15105566777',
				whatsapp_account_phone: '+15105566778',
			},
			'"whatsapp account phone" and "whatsapp_account_phone" name the same setting with different values: give the sending account\'s phone once',
		],
	])('%s → 400', (_, body, message) => {
		expect(rejected(body)).toEqual({ status: 400, message });
	});

	it('shortens long values it quotes back', () => {
		const { message } = rejected({ action: 'x'.repeat(500), phone: '+14151231234', text: 'x' });
		expect(message).toBe(
			`"action" must be "send", the only action TimelinesAI supports; got "${'x'.repeat(57)}..."`,
		);
	});
});

describe('TimelinesAI response bodies and ids', () => {
	it('builds the success and error bodies exactly as documented', () => {
		expect(successBody('wa_backend:3EB09FCC85FE99662E46')).toEqual(successResponse);
		expect(errorBody(404, 'Webhook not found')).toEqual({
			status: 404,
			data: {},
			message: 'Webhook not found',
		});
	});

	it('generates ids shaped like TimelinesAI message ids, all different', () => {
		const ids = Array.from({ length: 200 }, newMessageId);
		for (const id of ids) expect(id).toMatch(/^wa_backend:[0-9A-F]{20}$/);
		expect(new Set(ids).size).toBe(ids.length);
		expect(MESSAGE_ID_PATTERN.test('wa_backend:3EB09FCC85FE99662E46')).toBe(true);
		expect(MESSAGE_ID_PATTERN.test('wa_backend:3eb09fcc85fe99662e46')).toBe(false);
	});
});
