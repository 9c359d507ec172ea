/**
 * README's "Message fields" table is the users' contract for item fields: this reads it and checks
 * it against real items of each node, field names and value types both ways.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import { parseTwilioWebhook } from '../../nodes/shared/messageEvent';
import { deliveryOutput, lookupOutput } from '../../nodes/TwilioWhatsApp/helpers/delivery';
import { messageOutput } from '../../nodes/TwilioWhatsApp/helpers/messageOutput';
import * as twilio from '../fixtures/twilio/messages';

interface Row {
	fields: string[];
	types: string[];
	trigger: string;
	send: string;
	sendAndWait: string;
}

function tableRows(): Row[] {
	const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
	const section = readme.slice(readme.indexOf('## Message fields'));
	const start = section.indexOf('| Field');
	const table = section.slice(start, section.indexOf('\n\n', start));
	return table
		.split('\n')
		.slice(2)
		.map((line) => line.split('|').map((cell) => cell.trim()))
		.map(([, fields, types, trigger, send, sendAndWait]) => ({
			fields: [...fields.matchAll(/`(\w+)`/g)].map((match) => match[1]),
			types: types.split(' or '),
			trigger,
			send,
			sendAndWait,
		}));
}

function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	return typeof value;
}

// A Message resource as in Twilio's "Create a Message resource" response example.
const resource = {
	sid: 'SM' + '1'.repeat(32),
	account_sid: 'AC' + '2'.repeat(32),
	messaging_service_sid: null,
	from: '+14155552345',
	to: '+14155550123',
	body: 'Hi there',
	num_media: '0',
	num_segments: '1',
	status: 'delivered',
	error_code: null,
	error_message: null,
	direction: 'outbound-api',
	price: '-0.00750',
	price_unit: 'USD',
	date_created: 'Thu, 24 Aug 2023 05:01:45 +0000',
	date_sent: 'Thu, 24 Aug 2023 05:01:46 +0000',
	date_updated: 'Thu, 24 Aug 2023 05:01:47 +0000',
};

describe("README's message field table", () => {
	const rows = tableRows();
	const listed = (pick: (row: Row) => boolean) =>
		rows
			.filter(pick)
			.flatMap((row) => row.fields)
			.sort();
	const items = {
		trigger: [
			parseTwilioWebhook(twilio.whatsappText),
			parseTwilioWebhook(twilio.whatsappUndelivered63016),
		],
		send: [messageOutput(resource)],
		callback: [deliveryOutput(twilio.whatsappUndelivered63016, new Date())],
		read: [lookupOutput(messageOutput(resource))],
	};

	it('lists exactly the fields each node puts on its items', () => {
		expect(rows.length).toBeGreaterThan(30);
		const trigger = listed((row) => row.trigger === '✓');
		const send = listed((row) => row.send === '✓');
		const callback = listed((row) => ['✓', 'callback'].includes(row.sendAndWait));
		const read = listed((row) => ['✓', 'read'].includes(row.sendAndWait));
		for (const item of items.trigger) expect(Object.keys(item).sort()).toEqual(trigger);
		for (const item of items.send) expect(Object.keys(item).sort()).toEqual(send);
		for (const item of items.callback) expect(Object.keys(item).sort()).toEqual(callback);
		for (const item of items.read) expect(Object.keys(item).sort()).toEqual(read);
	});

	it('gives each field the type its values have', () => {
		const all = Object.values(items).flat() as unknown as Array<Record<string, unknown>>;
		for (const row of rows) {
			for (const field of row.fields) {
				for (const item of all) {
					if (!(field in item)) continue;
					const kind = kindOf(item[field]);
					expect([field, row.types.includes(kind) ? 'as listed' : kind]).toEqual([
						field,
						'as listed',
					]);
				}
			}
		}
	});
});
