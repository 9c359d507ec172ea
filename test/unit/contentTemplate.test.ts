/**
 * The Content Template resource of the Twilio WhatsApp/SMS node, run inside n8n-core's execution
 * context against the Twilio mock's Content API (shaped as twilio-oai's twilio_content_v1/v2.json).
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { twilioBaseUrl } from '../../nodes/shared/credentials';
import { callNodeMethod, executeNode, jsonItems } from '../helpers/inprocess';
import type { INodeListSearchResult, ResourceMapperFields } from 'n8n-workflow';
import { mockCredentials, resourceRunner, useMockTwilio } from '../helpers/mockTwilio';
import { MOCK_NUMBERS } from '../mock-twilio';

const mock = useMockTwilio();
const { nodeType, run, json } = resourceRunner('contentTemplate', mock);

const contentRequestsSince = (start: number) =>
	mock()
		.requests.slice(start)
		.filter((r) => /^\/v[12]\/Content/.test(r.path));

const buttons = (...titles: string[]) => ({
	button: titles.map((title) => ({ title, id: title.toLowerCase() })),
});

const quickReply = (overrides: INodeParameters = {}): INodeParameters => ({
	operation: 'create',
	friendlyName: 'order_menu',
	language: 'en',
	contentType: 'twilio/quick-reply',
	body: 'Hi {{1}}, what next?',
	quickReplies: buttons('Track', 'Cancel'),
	variables: { variable: [{ name: '1', sample: 'Ana' }] },
	...overrides,
});

describe('Content Template: Create', () => {
	it('creates a quick reply template with sample values as Twilio JSON', async () => {
		const start = mock().requests.length;
		const [created] = await json(quickReply());
		const [request] = contentRequestsSince(start);
		expect(request.method).toBe('POST');
		expect(request.path).toBe('/v1/Content');
		expect(request.headers['content-type']).toBe('application/json');
		expect(request.json).toEqual({
			friendly_name: 'order_menu',
			language: 'en',
			variables: { '1': 'Ana' },
			types: {
				'twilio/quick-reply': {
					body: 'Hi {{1}}, what next?',
					actions: [
						{ type: 'QUICK_REPLY', title: 'Track', id: 'track' },
						{ type: 'QUICK_REPLY', title: 'Cancel', id: 'cancel' },
					],
				},
			},
		});
		expect(created).toMatchObject({
			friendlyName: 'order_menu',
			language: 'en',
			contentTypes: ['twilio/quick-reply'],
			variables: { '1': 'Ana' },
			approvalStatus: null,
		});
		expect(created.contentSid).toMatch(/^HX[0-9a-f]{32}$/);
		expect(created.dateCreated).toMatch(/^\d{4}-\d\d-\d\dT/);
	});

	// As many call to action buttons as Twilio allows per kind: 2 URL, 1 phone, 1 copy code.
	const perKindActions = [
		{ type: 'URL', title: 'Shop', url: 'https://example.com/s' },
		{ type: 'URL', title: 'Track', url: 'https://example.com/t' },
		{ type: 'PHONE_NUMBER', title: 'Call us', phone: '+14155550100' },
		{ type: 'COPY_CODE', title: 'Copy', code: 'SAVE10' },
	];

	it.each([
		[
			'list picker',
			{
				contentType: 'twilio/list-picker',
				body: 'Pick a flight',
				listButton: 'Flights',
				listItems: {
					item: [
						{ item: 'NYC', id: 'nyc', description: 'Daily at 9' },
						{ item: 'Denver', id: '', description: 'Weekends' },
					],
				},
				variables: {},
			},
			{
				'twilio/list-picker': {
					body: 'Pick a flight',
					button: 'Flights',
					items: [
						{ id: 'nyc', item: 'NYC', description: 'Daily at 9' },
						{ id: 'Denver', item: 'Denver', description: 'Weekends' },
					],
				},
			},
		],
		[
			'call to action',
			{
				contentType: 'twilio/call-to-action',
				body: 'Your order is ready',
				actions: {
					button: [
						{ type: 'URL', title: 'Track', url: 'https://example.com/t' },
						{ type: 'PHONE_NUMBER', title: 'Call us', phone: '+1 415 555 0100' },
					],
				},
				variables: {},
			},
			{
				'twilio/call-to-action': {
					body: 'Your order is ready',
					actions: [
						{ type: 'URL', title: 'Track', url: 'https://example.com/t' },
						{ type: 'PHONE_NUMBER', title: 'Call us', phone: '+14155550100' },
					],
				},
			},
		],
		[
			'call to action template with the four buttons Twilio allows per kind',
			{
				contentType: 'twilio/call-to-action',
				body: 'Your code',
				actions: {
					button: perKindActions,
				},
				variables: {},
			},
			{
				'twilio/call-to-action': {
					body: 'Your code',
					actions: perKindActions,
				},
			},
		],
		[
			'card',
			{
				contentType: 'twilio/card',
				cardTitle: 'Sale',
				cardSubtitle: 'Today only',
				mediaUrl: 'https://example.com/sale.jpg',
				actions: { button: [{ type: 'QUICK_REPLY', title: 'Tell me more', id: 'more' }] },
				variables: {},
			},
			{
				'twilio/card': {
					title: 'Sale',
					subtitle: 'Today only',
					media: ['https://example.com/sale.jpg'],
					actions: [{ type: 'QUICK_REPLY', title: 'Tell me more', id: 'more' }],
				},
			},
		],
		[
			'media',
			{
				contentType: 'twilio/media',
				body: 'Your invoice',
				mediaUrl: 'https://example.com/invoice.pdf',
				variables: {},
			},
			{ 'twilio/media': { body: 'Your invoice', media: ['https://example.com/invoice.pdf'] } },
		],
		[
			'text',
			{
				contentType: 'twilio/text',
				body: 'Hello {{name}}',
				variables: { variable: [{ name: 'name', sample: 'Ana' }] },
			},
			{ 'twilio/text': { body: 'Hello {{name}}' } },
		],
	])('creates a %s template', async (_name, overrides, types) => {
		const start = mock().requests.length;
		await json(quickReply(overrides as INodeParameters));
		const [request] = contentRequestsSince(start);
		expect((request.json as IDataObject).types).toEqual(types);
	});

	const tooMany = (n: number) => buttons(...Array.from({ length: n }, (_, i) => `B${i}`));
	it.each([
		['eleven quick replies', { quickReplies: tooMany(11) }, '11 buttons: Twilio allows at most 10'],
		['no buttons', { quickReplies: {} }, 'Add at least one button'],
		[
			'a button title over 20 characters',
			{ quickReplies: buttons('A title that is too long') },
			'"Button 1 Title" is 24 characters; Twilio allows at most 20',
		],
		[
			'two buttons with one ID',
			{
				quickReplies: {
					button: [
						{ title: 'A', id: 'x' },
						{ title: 'B', id: 'x' },
					],
				},
			},
			'Two buttons have the ID "x"',
		],
		['a body over 1,024 characters', { body: 'x'.repeat(1025) }, '"Body" is 1025 characters'],
		['an empty body', { body: '  ' }, '"Body" is empty'],
		[
			'a variable without a sample value',
			{ variables: { variable: [{ name: '1', sample: '' }] } },
			'The variable {{1}} has no sample value',
		],
		[
			'a declared variable the content does not use',
			{
				variables: {
					variable: [
						{ name: '1', sample: 'Ana' },
						{ name: '2', sample: 'x' },
					],
				},
			},
			'The variable "2" is not used in the content',
		],
		['a bad language code', { language: 'English' }, '"Language" "English" is not a language code'],
		[
			'eleven list items',
			{
				contentType: 'twilio/list-picker',
				body: 'Pick',
				listButton: 'Menu',
				listItems: { item: Array.from({ length: 11 }, (_, i) => ({ item: `I${i}`, id: `${i}` })) },
				variables: {},
			},
			'11 list items: Twilio allows at most 10',
		],
		[
			'a list item title over 24 characters',
			{
				contentType: 'twilio/list-picker',
				body: 'Pick',
				listButton: 'Menu',
				listItems: { item: [{ item: 'x'.repeat(25), id: 'a' }] },
				variables: {},
			},
			'"Item 1 Title" is 25 characters; Twilio allows at most 24',
		],
		[
			'a list item without a description',
			{
				contentType: 'twilio/list-picker',
				body: 'Pick',
				listButton: 'Menu',
				listItems: {
					item: [
						{ item: 'A', id: 'a', description: 'First' },
						{ item: 'B', id: 'b', description: '  ' },
					],
				},
				variables: {},
			},
			'List item 2 ("B") has no description',
		],
		[
			'a list item description over 72 characters',
			{
				contentType: 'twilio/list-picker',
				body: 'Pick',
				listButton: 'Menu',
				listItems: { item: [{ item: 'A', id: 'a', description: 'd'.repeat(73) }] },
				variables: {},
			},
			'"Item 1 Description" is 73 characters; Twilio allows at most 72',
		],
		[
			'a list button over 20 characters',
			{
				contentType: 'twilio/list-picker',
				body: 'Pick',
				listButton: 'b'.repeat(21),
				listItems: { item: [{ item: 'A', id: 'a' }] },
				variables: {},
			},
			'"List Button" is 21 characters',
		],
		[
			'three URL buttons',
			{
				contentType: 'twilio/call-to-action',
				body: 'Go',
				actions: {
					button: [1, 2, 3].map((n) => ({ type: 'URL', title: `L${n}`, url: 'https://x.io' })),
				},
				variables: {},
			},
			'3 URL buttons: WhatsApp allows at most 2',
		],
		[
			'a URL that is not http(s)',
			{
				contentType: 'twilio/call-to-action',
				body: 'Go',
				actions: { button: [{ type: 'URL', title: 'L', url: 'ftp://x.io' }] },
				variables: {},
			},
			'"Button 1 URL" "ftp://x.io" is not an http(s) URL',
		],
		[
			'a phone number that is not E.164',
			{
				contentType: 'twilio/call-to-action',
				body: 'Call',
				actions: { button: [{ type: 'PHONE_NUMBER', title: 'Call', phone: '555-0100' }] },
				variables: {},
			},
			'"Button 1 Phone Number" "555-0100" is not in E.164 format',
		],
		[
			'a card subtitle over 60 characters',
			{
				contentType: 'twilio/card',
				cardTitle: 'T',
				cardSubtitle: 's'.repeat(61),
				variables: {},
			},
			'"Card Subtitle" is 61 characters',
		],
	])('rejects %s before calling Twilio', async (_name, overrides, message) => {
		const start = mock().requests.length;
		await expect(run(quickReply(overrides as INodeParameters))).rejects.toThrow(message);
		expect(contentRequestsSince(start)).toHaveLength(0);
	});

	it('puts an invalid item on the error output with Continue On Fail and creates the others', async () => {
		const start = mock().requests.length;
		const { output } = await run(
			quickReply({ quickReplies: { button: [{ title: '={{ $json.title }}', id: '' }] } }),
			[{ title: 'Fine' }, { title: 'A title that is far too long' }],
			true,
		);
		expect(output![0][0].json.contentSid).toMatch(/^HX/);
		expect(output![0][1].json.error).toMatchObject({
			kind: 'validation',
			message: expect.stringContaining('"Button 1 Title" is 28 characters'),
		});
		expect(contentRequestsSince(start)).toHaveLength(1);
	});
});

describe('Content Template: Get, Get Many, Delete, approval', () => {
	it('creates, submits, reads the approval as Meta decides, and deletes', async () => {
		const [created] = await json(quickReply({ friendlyName: 'approval_flow' }));
		const sid = created.contentSid as string;

		const [submitted] = await json({
			operation: 'submitForApproval',
			contentSid: sid,
			templateName: 'approval_flow',
			category: 'UTILITY',
		});
		expect(submitted).toMatchObject({
			contentSid: sid,
			approvalStatus: 'received',
			approvalName: 'approval_flow',
			approvalCategory: 'UTILITY',
		});
		const approvalRequest = mock().requests.at(-1)!;
		expect(approvalRequest.path).toBe(`/v1/Content/${sid}/ApprovalRequests/whatsapp`);
		expect(approvalRequest.json).toEqual({ name: 'approval_flow', category: 'UTILITY' });

		mock().setApprovalStatus(sid, 'rejected', 'INVALID_FORMAT');
		const [status] = await json({ operation: 'getApprovalStatus', contentSid: sid });
		expect(status).toMatchObject({
			contentSid: sid,
			approvalStatus: 'rejected',
			rejectionReason: 'INVALID_FORMAT',
		});

		mock().setApprovalStatus(sid, 'approved');
		const [fetched] = await json({ operation: 'get', contentSid: sid });
		expect(fetched).toMatchObject({
			contentSid: sid,
			friendlyName: 'approval_flow',
			approvalStatus: 'approved',
			rejectionReason: null,
		});

		const [deleted] = await json({ operation: 'delete', contentSid: sid });
		expect(deleted).toEqual({ contentSid: sid, deleted: true });
		await expect(run({ operation: 'get', contentSid: sid })).rejects.toThrow('Twilio error 20404');
	});

	it('refuses a WhatsApp template name with capitals or spaces before calling Twilio', async () => {
		const start = mock().requests.length;
		await expect(
			run({
				operation: 'submitForApproval',
				contentSid: `HX${'a'.repeat(32)}`,
				templateName: 'Order Shipped',
			}),
		).rejects.toThrow('"WhatsApp Template Name" "Order Shipped" is not a WhatsApp template name');
		expect(contentRequestsSince(start)).toHaveLength(0);
	});

	it.each(['get', 'delete', 'getApprovalStatus', 'submitForApproval'])(
		'%s checks the SID before putting it in a URL',
		async (operation) => {
			const start = mock().requests.length;
			await expect(
				run({ operation, contentSid: 'HX../../v1/Content', templateName: 'x' }),
			).rejects.toThrow('is not a Content Template SID');
			expect(contentRequestsSince(start)).toHaveLength(0);
		},
	);

	it('shows Twilio refusing a list picker for approval as the item error', async () => {
		const sid = mock().addContent({
			language: 'en',
			types: {
				'twilio/list-picker': { body: 'Pick', button: 'Menu', items: [{ id: 'a', item: 'A' }] },
			},
		});
		const { output } = await run(
			{ operation: 'submitForApproval', contentSid: sid, templateName: 'menu' },
			[{}],
			true,
		);
		expect(output![0][0].json.error).toMatchObject({
			kind: 'api',
			code: 20422,
			httpStatus: 400,
			message: expect.stringContaining('twilio/list-picker'),
		});
	});

	it('lists through page tokens with the filters Twilio supports and stops at Limit', async () => {
		for (const name of ['promo (a)', 'promo (b)', 'promo (c)', 'promox'])
			mock().addContent({
				friendly_name: name,
				language: 'es',
				types: { 'twilio/text': { body: name } },
			});
		const start = mock().requests.length;
		const all = await json({
			operation: 'getMany',
			returnAll: true,
			filters: { name: 'promo (', languages: 'es, pt_BR', contentTypes: ['twilio/text'] },
		});
		expect(all.map((c) => c.friendlyName)).toEqual(['promo (a)', 'promo (b)', 'promo (c)']);
		const [list] = contentRequestsSince(start);
		expect(list.path).toBe('/v2/ContentAndApprovals');
		expect(list.query).toMatchObject({
			ContentName: 'promo \\(',
			Language: ['es', 'pt_BR'],
			ContentType: 'twilio/text',
		});

		const limited = await json({
			operation: 'getMany',
			returnAll: false,
			limit: 2,
			filters: { name: 'promo' },
		});
		expect(limited).toHaveLength(2);
		const requests = contentRequestsSince(start).slice(1);
		expect(requests).toHaveLength(1);
		expect(requests[0].query.PageSize).toBe('2');

		const unsubmitted = await json({
			operation: 'getMany',
			returnAll: true,
			filters: { name: 'promox', approvalStatuses: ['unsubmitted'] },
		});
		expect(unsubmitted).toMatchObject([{ friendlyName: 'promox', approvalStatus: 'unsubmitted' }]);
		const approved = await json({
			operation: 'getMany',
			returnAll: true,
			filters: { name: 'promox', approvalStatuses: ['approved'] },
		});
		expect(approved).toEqual([]);
	});
});

describe('Send with the Content Template picker (version 2)', () => {
	const locator = (value: string, mode = 'list') => ({ __rl: true, mode, value });
	let sid: string;
	beforeAll(() => {
		sid = mock().addContent({
			friendly_name: 'shipping_update',
			language: 'en',
			variables: { '1': 'Ana', order: '#123' },
			types: { 'twilio/text': { body: 'Hi {{1}}, order {{order}} has shipped.' } },
		});
	});

	const send = (parameters: INodeParameters, items: IDataObject[], continueOnFail = false) =>
		executeNode(
			{
				nodeType,
				parameters: {
					resource: 'message',
					operation: 'send',
					channel: 'whatsapp',
					sender: 'phoneNumber',
					from: MOCK_NUMBERS.whatsapp,
					to: '={{ $json.to }}',
					content: 'template',
					...parameters,
				},
				credentials: mockCredentials(mock().url),
				continueOnFail,
			},
			jsonItems(...items),
		);

	const schema = [
		{
			id: '1',
			displayName: '{{1}}',
			required: true,
			defaultMatch: false,
			display: true,
			type: 'string',
		},
		{
			id: 'order',
			displayName: '{{order}}',
			required: true,
			defaultMatch: false,
			display: true,
			type: 'string',
		},
	];

	it('lists templates with language, type and WhatsApp approval, searched by name and paged by token', async () => {
		for (let i = 0; i < 60; i++)
			mock().addContent({
				friendly_name: `bulk_${String(i).padStart(2, '0')}`,
				language: 'es',
				types: { 'twilio/quick-reply': { body: 'x', actions: [{ title: 'A', id: 'a' }] } },
			});
		const setup = { nodeType, parameters: {}, credentials: mockCredentials(mock().url) };
		const first = await callNodeMethod<INodeListSearchResult>(
			setup,
			'listSearch',
			'searchContentTemplates',
			'bulk_',
		);
		expect(first.results).toHaveLength(50);
		expect(first.results[0]).toMatchObject({
			name: 'bulk_00 (es, quick-reply, WhatsApp: not submitted)',
			value: expect.stringMatching(/^HX/),
		});
		expect(first.paginationToken).toMatch(/^\/v2\/ContentAndApprovals\?.*PageToken=PA/);
		const second = await callNodeMethod<INodeListSearchResult>(
			setup,
			'listSearch',
			'searchContentTemplates',
			'bulk_',
			first.paginationToken,
		);
		expect(second.results.map((r) => r.name.slice(0, 7))).toEqual(
			Array.from({ length: 10 }, (_, i) => `bulk_${50 + i}`),
		);
		expect(second.paginationToken).toBeUndefined();
		const named = await callNodeMethod<INodeListSearchResult>(
			setup,
			'listSearch',
			'searchContentTemplates',
			'shipping',
		);
		expect(named.results).toEqual([
			expect.objectContaining({
				value: sid,
				name: 'shipping_update (en, text, WhatsApp: not submitted)',
			}),
		]);
	});

	it("offers the picked template's variables as fields with the sample values", async () => {
		const fields = await callNodeMethod<ResourceMapperFields>(
			{
				nodeType,
				parameters: {
					resource: 'message',
					operation: 'send',
					content: 'template',
					contentSid: locator(sid),
				},
				credentials: mockCredentials(mock().url),
			},
			'resourceMapping',
			'getTemplateVariables',
		);
		expect(fields.fields).toEqual([
			expect.objectContaining({
				id: '1',
				displayName: '{{1}} (e.g. Ana)',
				required: true,
				type: 'string',
			}),
			expect.objectContaining({ id: 'order', displayName: '{{order}} (e.g. #123)' }),
		]);
	});

	it('sends the picked template with the variables filled from the item', async () => {
		const start = mock().messages.length;
		await send(
			{
				contentSid: locator(sid),
				variablesMode: 'fields',
				templateVariables: {
					mappingMode: 'defineBelow',
					value: { '1': '={{ $json.name }}', order: '={{ $json.order }}' },
					matchingColumns: [],
					schema,
				},
			},
			[{ to: '+14155550111', name: 'Bea', order: 'A-9' }],
		);
		const [message] = mock().messages.slice(start);
		expect(message.params).toMatchObject({
			ContentSid: sid,
			ContentVariables: JSON.stringify({ '1': 'Bea', order: 'A-9' }),
		});
	});

	it('names an empty template variable and sends nothing', async () => {
		const start = mock().requests.length;
		const { output } = await send(
			{
				contentSid: locator(sid, 'id'),
				variablesMode: 'fields',
				templateVariables: {
					mappingMode: 'defineBelow',
					value: { '1': '={{ $json.name }}', order: '' },
					matchingColumns: [],
					schema,
				},
			},
			[{ to: '+14155550112', name: 'Bea' }],
			true,
		);
		expect(output![0][0].json.error).toMatchObject({
			kind: 'validation',
			message: expect.stringContaining('The template variable {{order}} is empty'),
			hint: expect.stringContaining('under "Template Variables"'),
		});
		// Only the template was read (its variables as Twilio has them now); nothing was sent.
		expect(
			mock()
				.requests.slice(start)
				.map((r) => `${r.method} ${r.path}`),
		).toEqual([`GET /v1/Content/${sid}`]);
	});

	it('keeps a raw JSON mode for expressions that build every variable', async () => {
		const start = mock().messages.length;
		await send(
			{
				contentSid: locator(sid, 'id'),
				variablesMode: 'json',
				contentVariables: '={{ JSON.stringify({ 1: $json.name, order: "B-1" }) }}',
			},
			[{ to: '+14155550113', name: 'Cy' }],
		);
		expect(mock().messages.slice(start)[0].params.ContentVariables).toBe(
			'{"1":"Cy","order":"B-1"}',
		);
	});

	it('names the picker, as the editor shows it, when the template ID is malformed', async () => {
		const start = mock().requests.length;
		const { output } = await send(
			{ contentSid: locator('HX12', 'id'), variablesMode: 'json', contentVariables: '{}' },
			[{ to: '+14155550116' }],
			true,
		);
		expect(output![0][0].json.error).toMatchObject({
			kind: 'validation',
			message: expect.stringContaining(
				'"Content Template" "HX12" must be "HX" followed by 32 hexadecimal characters',
			),
		});
		expect(mock().requests.slice(start)).toEqual([]);
	});

	it("a deleted template: reading it before sending fails with Twilio's 20404 and nothing is sent", async () => {
		const gone = mock().addContent({ language: 'en', types: { 'twilio/text': { body: 'Hi' } } });
		await json({ operation: 'delete', contentSid: gone });
		const start = mock().messages.length;
		const { output } = await send(
			{ contentSid: locator(gone, 'id'), variablesMode: 'json', contentVariables: '{}' },
			[{ to: '+14155550114' }],
			true,
		);
		expect(output![0][0].json.error).toMatchObject({ kind: 'api', code: 20404, httpStatus: 404 });
		expect(mock().messages.length).toBe(start);
	});

	describe('variables checked against the template when the node runs', () => {
		const error = (output: INodeExecutionData[][] | null | undefined, index = 0) =>
			output![0][index].json.error as IDataObject;

		it('JSON mode: a variable the template declares and the JSON leaves out is named, nothing sent', async () => {
			const start = mock().messages.length;
			const { output } = await send(
				{ contentSid: locator(sid, 'id'), variablesMode: 'json', contentVariables: '{"1": "Cy"}' },
				[{ to: '+14155550115' }],
				true,
			);
			expect(error(output)).toMatchObject({
				kind: 'validation',
				message: 'The template variable {{order}} is empty (item 0)',
				hint: expect.stringContaining('under "Content Variables"'),
			});
			expect(mock().messages.length).toBe(start);
		});

		it('JSON mode: a variable the template does not have is named with the ones it has, nothing sent', async () => {
			const start = mock().messages.length;
			const { output } = await send(
				{
					contentSid: locator(sid, 'id'),
					variablesMode: 'json',
					contentVariables: '{"1": "Cy", "order": "B-2", "name": "Cy"}',
				},
				[{ to: '+14155550116' }],
				true,
			);
			expect(error(output)).toMatchObject({
				message: 'The template has no variable {{name}} (item 0)',
				hint: expect.stringContaining('Its variables are {{1}}, {{order}}.'),
			});
			expect(mock().messages.length).toBe(start);
		});

		it('fields mode: fields loaded for another version of the template are checked against the template now', async () => {
			const start = mock().messages.length;
			const { output } = await send(
				{
					contentSid: locator(sid),
					variablesMode: 'fields',
					templateVariables: {
						mappingMode: 'defineBelow',
						value: { '1': 'Di', order: 'C-3', coupon: 'X' },
						matchingColumns: [],
						schema: [...schema, { ...schema[0], id: 'coupon', displayName: '{{coupon}}' }],
					},
				},
				[{ to: '+14155550117' }],
				true,
			);
			expect(error(output).message).toBe('The template has no variable {{coupon}} (item 0)');
			expect(mock().messages.length).toBe(start);
		});

		it('reads each picked template once per run, and sends every item that fits it', async () => {
			const start = mock().requests.length;
			const sent = mock().messages.length;
			const { output } = await send(
				{
					contentSid: locator(sid),
					variablesMode: 'json',
					contentVariables: '={{ JSON.stringify({ 1: $json.name, order: $json.order }) }}',
				},
				[
					{ to: '+14155550118', name: 'Ed', order: 'D-1' },
					{ to: '+14155550119', name: 'Flo' },
					{ to: '+14155550120', name: 'Gil', order: 'D-3' },
				],
				true,
			);
			const reads = mock()
				.requests.slice(start)
				.filter((r) => r.method === 'GET');
			expect(reads.map((r) => r.path)).toEqual([`/v1/Content/${sid}`]);
			expect(
				mock()
					.messages.slice(sent)
					.map((m) => m.params.To),
			).toEqual(['whatsapp:+14155550118', 'whatsapp:+14155550120']);
			expect(error(output, 1).message).toBe('The template variable {{order}} is empty (item 1)');
		});
	});
});

describe('Content API host', () => {
	it.each([
		[{}, 'https://content.twilio.com'],
		[{ region: 'ie1', edge: 'dublin' }, 'https://content.dublin.ie1.twilio.com'],
		[{ region: 'au1' }, 'https://content.au1.twilio.com'],
		[{ baseUrl: 'http://127.0.0.1:9/' }, 'http://127.0.0.1:9'],
	])('follows the credential region, edge and API Base URL: %j', (credential, url) => {
		expect(twilioBaseUrl(credential, 'content')).toBe(url);
	});
});
