import type { FormParams, MessagingServiceResource, PhoneNumberResource } from '../types';
import type { Router } from '../http/router';
import type { ResourceContext } from './context';
import { formBoolean } from './context';
import { errors } from '../errors';
import { first } from '../http/form';
import { iso8601, newSid } from '../format';
import { v1Page } from '../paging';

// Real Twilio serves these on https://messaging.twilio.com/v1/…; the mock serves them from its own
// base URL, so a client only has to swap the host.
const V1 = '/v1/Services';
const MESSAGING_HOST = 'https://messaging.twilio.com';

/**
 * A new service with Twilio's defaults
 * (https://www.twilio.com/docs/messaging/api/service-resource).
 */
export function buildService(
	accountSid: string,
	friendlyName: string,
	now: Date,
): MessagingServiceResource {
	const sid = newSid('MG');
	const url = `${MESSAGING_HOST}${V1}/${sid}`;
	return {
		account_sid: accountSid,
		area_code_geomatch: true,
		date_created: iso8601(now),
		date_updated: iso8601(now),
		fallback_method: 'POST',
		fallback_to_long_code: true,
		fallback_url: null,
		friendly_name: friendlyName,
		inbound_method: 'POST',
		inbound_request_url: null,
		links: {
			phone_numbers: `${url}/PhoneNumbers`,
			short_codes: `${url}/ShortCodes`,
			alpha_senders: `${url}/AlphaSenders`,
			messages: `${url}/Messages`,
			us_app_to_person: `${url}/Compliance/Usa2p`,
			us_app_to_person_usecases: `${url}/Compliance/Usa2p/Usecases`,
			channel_senders: `${url}/ChannelSenders`,
		},
		mms_converter: true,
		scan_message_content: 'inherit',
		sid,
		smart_encoding: true,
		status_callback: null,
		sticky_sender: true,
		synchronous_validation: true,
		url,
		us_app_to_person_registered: false,
		use_inbound_webhook_on_number: false,
		usecase: 'undeclared',
		validity_period: 14400,
	};
}

const URL_FIELDS: Array<[string, 'inbound_request_url' | 'fallback_url' | 'status_callback']> = [
	['InboundRequestUrl', 'inbound_request_url'],
	['FallbackUrl', 'fallback_url'],
	['StatusCallback', 'status_callback'],
];
const METHOD_FIELDS: Array<[string, 'inbound_method' | 'fallback_method']> = [
	['InboundMethod', 'inbound_method'],
	['FallbackMethod', 'fallback_method'],
];
type BooleanField =
	| 'use_inbound_webhook_on_number'
	| 'sticky_sender'
	| 'mms_converter'
	| 'smart_encoding'
	| 'area_code_geomatch'
	| 'fallback_to_long_code';
const BOOLEAN_FIELDS: Array<[string, BooleanField]> = [
	['UseInboundWebhookOnNumber', 'use_inbound_webhook_on_number'],
	['StickySender', 'sticky_sender'],
	['MmsConverter', 'mms_converter'],
	['SmartEncoding', 'smart_encoding'],
	['AreaCodeGeomatch', 'area_code_geomatch'],
	['FallbackToLongCode', 'fallback_to_long_code'],
];

function applyUpdate(service: MessagingServiceResource, form: FormParams, now: Date): void {
	const friendlyName = first(form, 'FriendlyName');
	if (friendlyName !== undefined) service.friendly_name = friendlyName;
	for (const [param, field] of URL_FIELDS) {
		const value = first(form, param);
		// An empty value clears the URL, which the API then shows as null.
		if (value !== undefined) service[field] = value || null;
	}
	for (const [param, field] of METHOD_FIELDS) {
		const value = first(form, param);
		if (value !== undefined) service[field] = value.toUpperCase();
	}
	for (const [param, field] of BOOLEAN_FIELDS)
		service[field] = formBoolean(first(form, param), service[field]);
	service.date_updated = iso8601(now);
}

/** A sender-pool entry (https://www.twilio.com/docs/messaging/api/phonenumber-resource). */
function poolEntry(service: MessagingServiceResource, pn: PhoneNumberResource) {
	return {
		sid: pn.sid,
		account_sid: service.account_sid,
		service_sid: service.sid,
		date_created: service.date_created,
		date_updated: service.date_updated,
		phone_number: pn.phone_number,
		country_code: pn.phone_number.startsWith('+1') ? 'US' : 'ZZ',
		capabilities: (['sms', 'mms', 'voice'] as const)
			.filter((c) => pn.capabilities[c])
			.map((c) => c.toUpperCase()),
		url: `${service.url}/PhoneNumbers/${pn.sid}`,
	};
}

export function registerMessagingServices(router: Router, ctx: ResourceContext): void {
	const { state } = ctx;
	const find = (accountSid: string, sid: string, path: string) => {
		const service = state.service(accountSid, sid);
		if (!service) throw errors.notFound(path);
		return service;
	};

	router.add('GET', V1, ({ principal, path, query }) => {
		const items = state.messagingServices.filter(
			(service) => service.account_sid === principal.accountSid,
		);
		return { status: 200, body: v1Page('services', items, ctx.publicUrl(), path, query) };
	});
	router.add('GET', `${V1}/:Sid`, ({ principal, params, path }) => ({
		status: 200,
		body: find(principal.accountSid, params.Sid, path),
	}));
	router.add('POST', `${V1}/:Sid`, ({ principal, params, path, form }) => {
		const service = find(principal.accountSid, params.Sid, path);
		applyUpdate(service, form, new Date());
		return { status: 200, body: service };
	});
	router.add('GET', `${V1}/:Sid/PhoneNumbers`, ({ principal, params, path, query }) => {
		const service = find(principal.accountSid, params.Sid, path);
		const items = state.poolNumbers(service.sid).map((pn) => poolEntry(service, pn));
		return { status: 200, body: v1Page('phone_numbers', items, ctx.publicUrl(), path, query) };
	});
}
