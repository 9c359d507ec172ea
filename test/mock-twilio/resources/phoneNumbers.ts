import type { FormParams, PhoneNumberResource } from '../types';
import type { Router } from '../http/router';
import type { ResourceContext } from './context';
import { forAccount } from './context';
import { errors } from '../errors';
import { first } from '../http/form';
import { newSid, rfc2822 } from '../format';
import { legacyPage } from '../paging';

const API = '/2010-04-01';

/** `(415) 523-8886` for a +1 number, the number itself otherwise, as Twilio names new numbers. */
function friendlyName(phoneNumber: string): string {
	const us = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(phoneNumber);
	return us ? `(${us[1]}) ${us[2]}-${us[3]}` : phoneNumber;
}

/**
 * A purchased number with Twilio's defaults
 * (https://www.twilio.com/docs/phone-numbers/api/incomingphonenumber-resource).
 */
export function buildPhoneNumber(
	accountSid: string,
	phoneNumber: string,
	now: Date,
): PhoneNumberResource {
	const sid = newSid('PN');
	const uri = `${API}/Accounts/${accountSid}/IncomingPhoneNumbers/${sid}.json`;
	return {
		account_sid: accountSid,
		address_requirements: 'none',
		address_sid: null,
		api_version: '2010-04-01',
		beta: false,
		bundle_sid: null,
		capabilities: { fax: false, mms: true, sms: true, voice: true },
		date_created: rfc2822(now),
		date_updated: rfc2822(now),
		emergency_address_sid: null,
		emergency_address_status: 'unregistered',
		emergency_status: 'Active',
		friendly_name: friendlyName(phoneNumber),
		identity_sid: null,
		origin: 'twilio',
		phone_number: phoneNumber,
		sid,
		sms_application_sid: '',
		sms_fallback_method: 'POST',
		sms_fallback_url: '',
		sms_method: 'POST',
		sms_url: '',
		status: 'in-use',
		status_callback: '',
		status_callback_method: 'POST',
		subresource_uris: {
			assigned_add_ons: `${API}/Accounts/${accountSid}/IncomingPhoneNumbers/${sid}/AssignedAddOns.json`,
		},
		trunk_sid: null,
		type: 'local',
		uri,
		voice_application_sid: '',
		voice_caller_id_lookup: false,
		voice_fallback_method: 'POST',
		voice_fallback_url: '',
		voice_method: 'POST',
		voice_receive_mode: 'voice',
		voice_url: '',
	};
}

// Form parameter → resource field, for the fields an update may change.
const UPDATABLE: Array<[string, keyof PhoneNumberResource, 'text' | 'method']> = [
	['FriendlyName', 'friendly_name', 'text'],
	['SmsUrl', 'sms_url', 'text'],
	['SmsMethod', 'sms_method', 'method'],
	['SmsApplicationSid', 'sms_application_sid', 'text'],
	['SmsFallbackUrl', 'sms_fallback_url', 'text'],
	['SmsFallbackMethod', 'sms_fallback_method', 'method'],
	['StatusCallback', 'status_callback', 'text'],
	['StatusCallbackMethod', 'status_callback_method', 'method'],
	['VoiceUrl', 'voice_url', 'text'],
	['VoiceMethod', 'voice_method', 'method'],
];

function applyUpdate(pn: PhoneNumberResource, form: FormParams, now: Date): void {
	const fields = pn as unknown as Record<string, unknown>;
	for (const [param, field, kind] of UPDATABLE) {
		const value = first(form, param);
		if (value !== undefined) fields[field] = kind === 'method' ? value.toUpperCase() : value;
	}
	pn.date_updated = rfc2822(now);
}

/** `PhoneNumber` filter: Twilio matches partial numbers, `*` being a wildcard. */
function matchesNumber(pn: PhoneNumberResource, filter: string | undefined): boolean {
	if (filter === undefined) return true;
	const digits = filter.replace(/[*\s]/g, '');
	return pn.phone_number.includes(digits);
}

export function registerPhoneNumbers(router: Router, ctx: ResourceContext): void {
	const { state } = ctx;
	const find = (accountSid: string, sid: string, path: string) => {
		const pn = state.phoneNumbers.find(
			(item) => item.account_sid === accountSid && item.sid === sid,
		);
		if (!pn) throw errors.notFound(path);
		return pn;
	};

	router.add(
		'GET',
		`${API}/Accounts/:AccountSid/IncomingPhoneNumbers.json`,
		forAccount(state, ({ params, path, query }) => {
			const filters: FormParams = {};
			for (const key of ['PhoneNumber', 'FriendlyName']) {
				const value = first(query, key);
				if (value !== undefined) filters[key] = value;
			}
			const items = state.phoneNumbers.filter(
				(pn) =>
					pn.account_sid === params.AccountSid &&
					matchesNumber(pn, first(query, 'PhoneNumber')) &&
					(filters.FriendlyName === undefined || pn.friendly_name === filters.FriendlyName),
			);
			return {
				status: 200,
				body: legacyPage('incoming_phone_numbers', items, path, query, filters),
			};
		}),
	);
	router.add(
		'GET',
		`${API}/Accounts/:AccountSid/IncomingPhoneNumbers/:Sid.json`,
		forAccount(state, ({ params, path }) => ({
			status: 200,
			body: find(params.AccountSid, params.Sid, path),
		})),
	);
	router.add(
		'POST',
		`${API}/Accounts/:AccountSid/IncomingPhoneNumbers/:Sid.json`,
		forAccount(state, ({ params, path, form }) => {
			const pn = find(params.AccountSid, params.Sid, path);
			applyUpdate(pn, form, new Date());
			return { status: 200, body: pn };
		}),
	);
}
