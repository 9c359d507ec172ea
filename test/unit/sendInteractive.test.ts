/**
 * Send Interactive Message (resource Message), run inside n8n-core's execution context against the
 * Twilio mock's Content API (twilio-oai's twilio_content_v1/v2.json) and Messages API.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { TwilioWhatsApp } from '../../nodes/TwilioWhatsApp/TwilioWhatsApp.node';
import { definitionName } from '../../nodes/TwilioWhatsApp/helpers/contentDefinition';
import { executeNode, jsonItems } from '../helpers/inprocess';
import { mockCredentials, useMockTwilio } from '../helpers/mockTwilio';
import { MOCK_NUMBERS } from '../mock-twilio';

const nodeType = new TwilioWhatsApp();
const twilio = useMockTwilio();
let mock: ReturnType<typeof twilio>;
beforeAll(() => {
	mock = twilio();
});
const credentials = () => mockCredentials(mock.url);

const menu = (overrides: INodeParameters = {}): INodeParameters => ({
	resource: 'message',
	operation: 'sendInteractive',
	sender: 'phoneNumber',
	from: MOCK_NUMBERS.whatsapp,
	to: '={{ $json.to }}',
	language: 'en',
	contentType: 'twilio/quick-reply',
	body: 'Hi {{name}}, what would you like to do?',
	quickReplies: {
		button: [
			{ title: 'Track order', id: 'track' },
			{ title: 'Talk to us', id: 'agent' },
		],
	},
	variables: { variable: [{ name: 'name', sample: '={{ $json.name }}' }] },
	...overrides,
});

const customer = { to: '+14155550123', name: 'Ana' };

function run(
	parameters: INodeParameters,
	items: IDataObject[] = [customer],
	continueOnFail = false,
) {
	return executeNode(
		{ nodeType, parameters, credentials: credentials(), continueOnFail },
		jsonItems(...items),
	);
}

async function json(parameters: INodeParameters, items?: IDataObject[]) {
	const { output } = await run(parameters, items);
	return output![0].map((item) => item.json);
}

const since = (start: number) => mock.requests.slice(start);
const contentCreates = (start: number) =>
	since(start).filter((r) => r.method === 'POST' && r.path === '/v1/Content');
const messageCreates = (start: number) =>
	since(start).filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json'));
const liveNamed = (name: string) =>
	mock.contents.filter((c) => c.resource.friendly_name === name && !c.deleted);

const menuTypes = {
	'twilio/quick-reply': {
		body: 'Hi {{name}}, what would you like to do?',
		actions: [
			{ type: 'QUICK_REPLY', title: 'Track order', id: 'track' },
			{ type: 'QUICK_REPLY', title: 'Talk to us', id: 'agent' },
		],
	},
};

describe('Send Interactive Message: one content resource per definition', () => {
	const name = definitionName('en', menuTypes);

	it('creates the quick reply content once and reuses its SID on the next run', async () => {
		expect(name).toMatch(/^n8n_quick_reply_[0-9a-f]{24}$/);
		const start = mock.requests.length;
		const [first] = await json(menu());
		const [create] = contentCreates(start);
		expect(create.json).toEqual({
			friendly_name: name,
			language: 'en',
			// Defaults are the placeholders' names: no item's data is stored in the shared resource.
			variables: { name: 'name' },
			types: menuTypes,
		});
		expect(first).toMatchObject({ contentCreated: true, status: 'queued', warnings: [] });
		expect(first.contentSid).toMatch(/^HX[0-9a-f]{32}$/);
		const [message] = messageCreates(start);
		expect(message.form).toMatchObject({
			To: 'whatsapp:+14155550123',
			From: `whatsapp:${MOCK_NUMBERS.whatsapp}`,
			ContentSid: first.contentSid,
			ContentVariables: '{"name":"Ana"}',
		});

		const again = mock.requests.length;
		const [second] = await json(menu(), [{ to: '+14155550124', name: 'Bo' }]);
		expect(second).toMatchObject({ contentSid: first.contentSid, contentCreated: false });
		expect(contentCreates(again)).toHaveLength(0);
		expect(messageCreates(again)[0].form.ContentVariables).toBe('{"name":"Bo"}');
		expect(liveNamed(name)).toHaveLength(1);
	});

	it('gives a changed definition its own resource, and items of one run share one lookup', async () => {
		const start = mock.requests.length;
		const sent = await json(menu({ body: 'Hello {{name}}, pick one' }), [
			customer,
			{ to: '+14155550125', name: 'Cy' },
			{ to: '+14155550126', name: 'Di' },
		]);
		expect(contentCreates(start)).toHaveLength(1);
		expect(new Set(sent.map((item) => item.contentSid)).size).toBe(1);
		expect(sent.map((item) => item.contentCreated)).toEqual([true, false, false]);
		expect(sent[0].contentSid).not.toBe(liveNamed(name)[0].resource.sid);
	});

	it('finds its resource among many pages of others with similar names and uses the oldest duplicate', async () => {
		const types = { 'twilio/quick-reply': { ...menuTypes['twilio/quick-reply'], body: 'Paged?' } };
		const paged = definitionName('en', types);
		for (let i = 0; i < 120; i++)
			mock.addContent({ friendly_name: `${paged}_${i}`, language: 'en', types });
		mock.addContent({ friendly_name: paged, language: 'es', types });
		const a = mock.addContent({ friendly_name: paged, language: 'en', types });
		const b = mock.addContent({ friendly_name: paged, language: 'en', types });
		const start = mock.requests.length;
		const [sent] = await json(menu({ body: 'Paged?', variables: {} }));
		expect(contentCreates(start)).toHaveLength(0);
		expect(sent.contentSid).toBe([a, b].sort()[0]);
		const lookup = since(start).find((r) => r.path === '/v2/Content');
		expect(lookup?.query.ContentName).toBe(`^${paged}$`);
	});

	it('two executions racing on a new definition send with live resources and leave one for later runs', async () => {
		const racing = menu({ body: 'Race {{name}}' });
		const [a, b] = await Promise.all([json(racing), json(racing)]);
		const racedName = definitionName('en', {
			'twilio/quick-reply': { ...menuTypes['twilio/quick-reply'], body: 'Race {{name}}' },
		});
		const live = liveNamed(racedName).map((c) => c.resource.sid);
		expect(live).toContain(a[0].contentSid);
		expect(live).toContain(b[0].contentSid);
		const [later] = await json(racing);
		const [latest] = await json(racing);
		expect(later.contentSid).toBe(latest.contentSid);
		expect(later.contentCreated).toBe(false);
	});

	it('sends with the older resource and warns when deleting its own duplicate fails', async () => {
		const body = 'Duplicate {{name}}';
		const types = { 'twilio/quick-reply': { ...menuTypes['twilio/quick-reply'], body } };
		const duplicated = definitionName('en', types);
		// Another execution's resource appears while this one's create is under way.
		const hold = mock.holdRequests('/v1/Content');
		mock.setFault({ kind: '500', method: 'DELETE' });
		try {
			const start = mock.requests.length;
			const running = json(menu({ body, options: { maxRetries: 0 } }));
			while (hold.waiting === 0) await new Promise((resolve) => setImmediate(resolve));
			const other = mock.addContent({ friendly_name: duplicated, language: 'en', types });
			mock.contents.find((c) => c.resource.sid === other)!.resource.date_created =
				'2020-01-01T00:00:00Z';
			hold.release();
			const [sent] = await running;
			const [created] = contentCreates(start);
			expect(created.status).toBe(201);
			const ownSid = liveNamed(duplicated)
				.map((c) => c.resource.sid)
				.find((sid) => sid !== other)!;
			expect(since(start).filter((r) => r.method === 'DELETE')).toEqual([
				expect.objectContaining({ path: `/v1/Content/${ownSid}`, status: 500 }),
			]);
			expect(sent).toMatchObject({ contentSid: other, contentCreated: false, status: 'queued' });
			expect(sent.error).toBeUndefined();
			expect(sent.warnings).toEqual([expect.stringContaining(`duplicate ${ownSid} failed`)]);
			expect(messageCreates(start)[0].form.ContentSid).toBe(other);
		} finally {
			hold.release();
			mock.clearFaults();
		}
	});

	it('sends a list picker and call to action buttons', async () => {
		const start = mock.requests.length;
		await json(
			menu({
				contentType: 'twilio/list-picker',
				body: 'Which branch?',
				listButton: 'Branches',
				listItems: {
					item: [
						{ item: 'Downtown', id: 'dt', description: 'Open till 8' },
						{ item: 'Airport', id: 'ap', description: 'Open 24 hours' },
					],
				},
				variables: {},
			}),
		);
		await json(
			menu({
				contentType: 'twilio/call-to-action',
				body: 'Track it online',
				actions: {
					button: [{ type: 'URL', title: 'Open tracking', url: 'https://example.com/t' }],
				},
				variables: {},
			}),
		);
		expect(contentCreates(start).map((r) => (r.json as IDataObject).types)).toEqual([
			{
				'twilio/list-picker': {
					body: 'Which branch?',
					button: 'Branches',
					items: [
						{ id: 'dt', item: 'Downtown', description: 'Open till 8' },
						{ id: 'ap', item: 'Airport', description: 'Open 24 hours' },
					],
				},
			},
			{
				'twilio/call-to-action': {
					body: 'Track it online',
					actions: [{ type: 'URL', title: 'Open tracking', url: 'https://example.com/t' }],
				},
			},
		]);
		expect(messageCreates(start)).toHaveLength(2);
	});
});

describe('Send Interactive Message: limits and bad input', () => {
	const button = (title: string, id = '') => ({ title, id });

	it.each([
		[
			'four quick replies',
			{ quickReplies: { button: ['A', 'B', 'C', 'D'].map((t) => button(t)) } },
			'4 buttons: WhatsApp shows at most 3 quick replies in a session message',
		],
		[
			'a button title over 20 characters',
			{ quickReplies: { button: [button('A button title too long')] } },
			'"Button 1 Title" is 23 characters; Twilio allows at most 20',
		],
		[
			'eleven list items',
			{
				contentType: 'twilio/list-picker',
				listButton: 'Pick',
				listItems: { item: Array.from({ length: 11 }, (_, i) => ({ item: `Item ${i}`, id: '' })) },
			},
			'11 list items: Twilio allows at most 10',
		],
		[
			'a list item title over 24 characters',
			{
				contentType: 'twilio/list-picker',
				listButton: 'Pick',
				listItems: { item: [{ item: 'An item title that is too long', id: '' }] },
			},
			'"Item 1 Title" is 30 characters; Twilio allows at most 24',
		],
		[
			'a list item without a description',
			{
				contentType: 'twilio/list-picker',
				listButton: 'Pick',
				listItems: {
					item: [
						{ item: 'Downtown', id: 'dt', description: 'Open till 8' },
						{ item: 'Airport', id: 'ap' },
					],
				},
			},
			'List item 2 ("Airport") has no description',
		],
		[
			'three URL buttons',
			{
				contentType: 'twilio/call-to-action',
				actions: {
					button: [1, 2, 3].map((n) => ({ type: 'URL', title: `Link ${n}`, url: 'https://x.io' })),
				},
			},
			'3 URL buttons: WhatsApp allows at most 2',
		],
		[
			'four call to action buttons',
			{
				contentType: 'twilio/call-to-action',
				actions: {
					button: [
						{ type: 'URL', title: 'Shop', url: 'https://x.io/shop' },
						{ type: 'URL', title: 'Track', url: 'https://x.io/track' },
						{ type: 'PHONE_NUMBER', title: 'Call us', phone: '+14155550100' },
						{ type: 'COPY_CODE', title: 'Copy code', code: 'SAVE10' },
					],
				},
			},
			'4 buttons: Twilio allows at most 3 call to action buttons in a WhatsApp session message',
		],
		[
			'two buttons with one ID',
			{ quickReplies: { button: [button('Yes', 'same'), button('No', 'same')] } },
			'Two buttons have the ID "same"',
		],
		[
			'a variable without a value',
			{ variables: { variable: [{ name: 'name', sample: '' }] } },
			'The template variable {{name}} is empty',
		],
		[
			'a variable the message does not use',
			{
				variables: {
					variable: [
						{ name: 'name', sample: 'Ana' },
						{ name: 'x', sample: '1' },
					],
				},
			},
			'The variable "x" is not used in the message',
		],
		['a recipient without a country code', { to: '0612345678' }, 'E.164'],
	])('refuses %s and sends nothing', async (_name, overrides, message) => {
		const start = mock.requests.length;
		await expect(run(menu(overrides as INodeParameters))).rejects.toThrow(message);
		expect(since(start)).toHaveLength(0);
	});

	it('puts an invalid item on the error output with Continue On Fail and sends the others', async () => {
		const start = mock.requests.length;
		const { output } = await run(
			menu({ quickReplies: { button: [{ title: '={{ $json.choice }}', id: 'x' }] } }),
			[
				{ ...customer, choice: 'Fine' },
				{ ...customer, choice: 'A choice that is far too long' },
			],
			true,
		);
		expect(output![0][0].json.contentSid).toMatch(/^HX/);
		expect(output![0][1].json.error).toMatchObject({
			kind: 'validation',
			message: expect.stringContaining('"Button 1 Title" is 29 characters'),
		});
		expect(messageCreates(start)).toHaveLength(1);
	});

	it("puts Twilio's failure to create the content on the item and sends nothing", async () => {
		mock.setFault({ kind: '500', path: '/v1/Content', count: 1 });
		const start = mock.requests.length;
		const { output } = await run(menu({ body: 'Fault {{name}}' }), [customer], true);
		expect(output![0][0].json.error).toMatchObject({ kind: 'api' });
		expect(messageCreates(start)).toHaveLength(0);
	});
});
