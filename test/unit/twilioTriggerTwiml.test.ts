/** TwilioWhatsAppTrigger/twiml.ts: the TwiML answers. */
import { EMPTY_TWIML, escapeXml, messageTwiml } from '../../nodes/TwilioWhatsAppTrigger/twiml';

describe('TwiML', () => {
	it('is the documented empty answer', () => {
		expect(EMPTY_TWIML).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
	});

	it('escapes markup and drops characters XML cannot carry', () => {
		expect(escapeXml(`<b>"Tom" & 'Jerry'</b>\u0000\u0007\uFFFE`)).toBe(
			'&lt;b&gt;&quot;Tom&quot; &amp; &apos;Jerry&apos;&lt;/b&gt;',
		);
		expect(escapeXml('\uD83D')).toBe('');
	});

	it('keeps tabs, line breaks, non-Latin text and emoji', () => {
		const text = 'Привет\tмир\r\n你好 👋🏽🇪🇸';
		expect(escapeXml(text)).toBe(text);
	});

	it('puts a text reply straight into <Message>', () => {
		expect(messageTwiml('Thanks & see you <soon>')).toBe(
			'<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks &amp; see you &lt;soon&gt;</Message></Response>',
		);
	});

	it('nests <Body> and <Media> when a file goes with the reply', () => {
		expect(messageTwiml('Here', ['https://example.com/a.jpg?x=1&y=2'])).toBe(
			'<?xml version="1.0" encoding="UTF-8"?><Response><Message><Body>Here</Body><Media>https://example.com/a.jpg?x=1&amp;y=2</Media></Message></Response>',
		);
		expect(messageTwiml('', ['https://example.com/a.jpg'])).toBe(
			'<?xml version="1.0" encoding="UTF-8"?><Response><Message><Media>https://example.com/a.jpg</Media></Message></Response>',
		);
	});
});
