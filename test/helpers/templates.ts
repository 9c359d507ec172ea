import { DEFAULT_ACCOUNT, type MockTwilio } from '../mock-twilio';

/**
 * A Content Template that WhatsApp approved, made the way a user makes one: created, submitted for
 * WhatsApp approval through the Content API (POST …/ApprovalRequests/whatsapp), then approved by
 * Meta.
 */
export async function addApprovedTemplate(twilio: MockTwilio, body: string): Promise<string> {
	const sid = twilio.addContent({ language: 'en', types: { 'twilio/text': { body } } });
	const auth = Buffer.from(`${DEFAULT_ACCOUNT.accountSid}:${DEFAULT_ACCOUNT.authToken}`).toString(
		'base64',
	);
	const response = await fetch(`${twilio.url}/v1/Content/${sid}/ApprovalRequests/whatsapp`, {
		method: 'POST',
		headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
		body: JSON.stringify({ name: `fallback_${sid.slice(-6).toLowerCase()}`, category: 'UTILITY' }),
	});
	if (response.status !== 201)
		throw new Error(`approval request for ${sid}: ${response.status} ${await response.text()}`);
	twilio.setApprovalStatus(sid, 'approved');
	return sid;
}
