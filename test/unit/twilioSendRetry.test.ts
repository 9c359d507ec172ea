/**
 * Retry On Fail and split texts against the Twilio mock: n8n-core's own WorkflowExecute runs the
 * node with Retry On Fail (3 tries), so the re-runs are n8n's; the mock's records count what was
 * created.
 */
import type { IDataObject, INodeParameters, IRun } from 'n8n-workflow';
import { createRunExecutionData } from 'n8n-workflow';

import { TwilioWhatsApp } from '../../nodes/TwilioWhatsApp/TwilioWhatsApp.node';
import { executeNode, jsonItems, runInWorkflow, type NodeSetup } from '../helpers/inprocess';
import { mockCredentials, useMockTwilio } from '../helpers/mockTwilio';
import { MOCK_NUMBERS } from '../mock-twilio';

const nodeType = new TwilioWhatsApp();
const mock = useMockTwilio();

const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 };
/** Twilio's magic To that its test credentials refuse with 21211, as the mock does. */
const INVALID_TO = '+15005550001';

function setup(parameters: INodeParameters, continueOnFail = false): NodeSetup {
	return {
		nodeType,
		continueOnFail,
		parameters: {
			resource: 'message',
			operation: 'send',
			channel: 'sms',
			sender: 'phoneNumber',
			from: MOCK_NUMBERS.sms,
			to: '={{ $json.to }}',
			content: 'text',
			body: '={{ $json.text }}',
			options: {},
			...parameters,
		},
		credentials: mockCredentials(mock().url),
	};
}

const createsTo = (to: string) =>
	mock().requests.filter(
		(r) => r.method === 'POST' && /\/Messages\.json$/.test(r.path) && r.form.To === to,
	);
const createdTo = (to: string) => mock().messages.filter((m) => m.params.To === to);

function testedOutput(run: IRun): IDataObject[] {
	const runs = run.data.resultData.runData['Twilio WhatsApp/SMS'] ?? [];
	return (runs.at(-1)?.data?.main[0] ?? []).map((item) => item.json);
}

let unique = 300;
const nextNumber = () => `+1415555${String(unique++).padStart(4, '0')}`;

describe("Retry On Fail under n8n's WorkflowExecute", () => {
	it('the node context survives between tries: 3 items, the second refused (21211), the others sent once each', async () => {
		const [first, third] = [nextNumber(), nextNumber()];
		const run = await runInWorkflow(
			setup({}),
			jsonItems(
				{ to: first, text: 'one' },
				{ to: INVALID_TO, text: 'two' },
				{ to: third, text: 'three' },
			),
			RETRY,
		);
		expect(run.data.resultData.error?.message).toMatch(/not a valid phone number/);
		expect(createsTo(INVALID_TO).length).toBeGreaterThanOrEqual(3);
		expect(createsTo(first)).toHaveLength(1);
		expect(createsTo(third)).toHaveLength(1);
	});

	it('a transient 500 on the second item: the retry sends only that one, and the output has all three', async () => {
		const numbers = [nextNumber(), nextNumber(), nextNumber()];
		mock().setFault({ kind: '500', count: 1, ratio: 0.5, on: 'create' });
		const run = await runInWorkflow(
			setup({ options: { concurrency: 1 } }),
			jsonItems(...numbers.map((to, index) => ({ to, text: `message ${index}` }))),
			RETRY,
		);
		expect(run.data.resultData.error).toBeUndefined();
		expect(numbers.map((to) => createsTo(to).length)).toEqual([1, 2, 1]);
		expect(numbers.map((to) => createdTo(to).length)).toEqual([1, 1, 1]);
		const output = testedOutput(run);
		expect(output.map((item) => item.messageSid)).toEqual(
			numbers.map((to) => createdTo(to)[0].resource.sid),
		);
		// The run is over: its records do not stay in the execution data.
		expect(run.data.executionData?.contextData['node:Twilio WhatsApp/SMS']).toEqual({});
	});

	it('with Continue On Fail an error in the first item makes n8n run the node again: only that item is re-sent', async () => {
		const [second, third] = [nextNumber(), nextNumber()];
		const run = await runInWorkflow(
			setup({}, true),
			jsonItems(
				{ to: INVALID_TO, text: 'one' },
				{ to: second, text: 'two' },
				{ to: third, text: 'three' },
			),
			RETRY,
		);
		const output = testedOutput(run);
		expect(output[0].error).toMatchObject({ kind: 'api', code: 21211 });
		expect(output[1].messageSid).toBe(createdTo(second)[0].resource.sid);
		expect(createsTo(second)).toHaveLength(1);
		expect(createsTo(third)).toHaveLength(1);
	});

	it('a request that may have reached Twilio is not sent again by a retry, and the error says why', async () => {
		const to = nextNumber();
		mock().setFault({ kind: 'drop', count: 1, on: 'create', afterCreate: true });
		const run = await runInWorkflow(setup({}), jsonItems({ to, text: 'maybe' }), RETRY);
		expect(run.data.resultData.error?.message).toMatch(
			/may have been sent by an earlier try, so it is not sent again/,
		);
		expect(createsTo(to)).toHaveLength(1);
	});
});

describe('what counts as already sent', () => {
	it("a try of the same run skips the item; a changed item or a later run (a loop's next round) sends", async () => {
		const to = nextNumber();
		const runExecutionData = createRunExecutionData({ resultData: { runData: {} } });
		const run = (text: string, runIndex = 0) =>
			executeNode(
				{ ...setup({}, true), runExecutionData, runIndex },
				jsonItems({ to: INVALID_TO, text: 'x' }, { to, text }),
			);
		// The first item's error keeps the records: n8n would run the node again.
		await run('hello');
		expect(createsTo(to)).toHaveLength(1);
		await run('hello');
		expect(createsTo(to)).toHaveLength(1);
		await run('hello, changed');
		expect(createsTo(to)).toHaveLength(2);
		await run('hello, changed', 1);
		expect(createsTo(to)).toHaveLength(3);
	});
});

describe('Long Text: Split Into Several Messages', () => {
	const paragraph = (n: number) => `Paragraph ${n}. ${'word '.repeat(200).trim()}.`;
	const longText = [1, 2, 3].map(paragraph).join('\n\n');

	it('sends the parts in order, media with the first, and lists them on the item', async () => {
		const to = nextNumber();
		const { output } = await executeNode(
			setup({
				channel: 'whatsapp',
				from: MOCK_NUMBERS.whatsapp,
				mediaUrls: ['https://example.com/picture.jpg'],
				options: { longText: 'split' },
			}),
			jsonItems({ to, text: longText }),
		);
		const created = createdTo(`whatsapp:${to}`);
		expect(created.map((m) => m.params.Body)).toEqual([1, 2, 3].map(paragraph));
		expect(created.map((m) => m.params.MediaUrl ?? null)).toEqual([
			'https://example.com/picture.jpg',
			null,
			null,
		]);
		const item = output![0][0].json;
		expect(item.messageSid).toBe(created[0].resource.sid);
		expect((item.parts as IDataObject[]).map((part) => part.messageSid)).toEqual(
			created.map((m) => m.resource.sid),
		);
		expect((item.parts as IDataObject[])[0]).not.toHaveProperty('raw');
	});

	it('with Fail (the default) a long text stops the node before anything is sent', async () => {
		const to = nextNumber();
		await expect(executeNode(setup({}), jsonItems({ to, text: longText }))).rejects.toThrow(
			/Twilio accepts at most 1600/,
		);
		expect(createsTo(to)).toHaveLength(0);
	});

	it('refuses a text that needs more than 10 messages before sending any', async () => {
		const to = nextNumber();
		await expect(
			executeNode(
				setup({ options: { longText: 'split' } }),
				jsonItems({ to, text: 'word '.repeat(3500) }),
			),
		).rejects.toThrow(/needs 11 messages .* at most 10/);
		expect(createsTo(to)).toHaveLength(0);
	});

	it('a failure part-way says which parts went out (Continue On Fail)', async () => {
		const to = nextNumber();
		mock().setFault({ kind: '500', count: 1, ratio: 0.5, on: 'create' });
		const { output } = await executeNode(
			setup({ options: { longText: 'split' } }, true),
			jsonItems({ to, text: longText }),
		);
		const error = output![0][0].json.error as IDataObject;
		expect(error).toMatchObject({ kind: 'api', httpStatus: 500 });
		expect((error.sentParts as IDataObject[]).map((part) => part.messageSid)).toEqual([
			createdTo(to)[0].resource.sid,
		]);
		expect(createdTo(to)).toHaveLength(1);
	});

	it('under Retry On Fail a part-way failure resumes with the next part: every part sent once, in order', async () => {
		const to = nextNumber();
		mock().setFault({ kind: '500', count: 1, ratio: 0.5, on: 'create' });
		const run = await runInWorkflow(
			setup({ options: { longText: 'split' } }),
			jsonItems({ to, text: longText }),
			RETRY,
		);
		expect(run.data.resultData.error).toBeUndefined();
		expect(createsTo(to)).toHaveLength(4);
		const created = createdTo(to);
		expect(created.map((m) => m.params.Body)).toEqual([1, 2, 3].map(paragraph));
		const [item] = testedOutput(run);
		expect((item.parts as IDataObject[]).map((part) => part.messageSid)).toEqual(
			created.map((m) => m.resource.sid),
		);
	});
});
