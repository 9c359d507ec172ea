import type { MockState } from '../state';
import type { ApiRequest, Handler } from '../http/router';
import { errors } from '../errors';

/** What resource handlers share. */
export interface ResourceContext {
	state: MockState;
	/** Base URL for absolute links (v1 paging). */
	publicUrl(): string;
}

/**
 * Guards `/Accounts/{AccountSid}/…`: an unknown account is 404, another known account is 401,
 * so one account's credentials never reach another's data.
 */
export function forAccount(state: MockState, handler: Handler): Handler {
	return (request: ApiRequest) => {
		const accountSid = request.params.AccountSid;
		if (accountSid !== request.principal.accountSid) {
			if (state.account(accountSid)) throw errors.authenticate();
			throw errors.notFound(request.path);
		}
		return handler(request);
	};
}

/** `'true'`/`'false'` form values of Twilio booleans; anything else keeps the current value. */
export function formBoolean(value: string | undefined, current: boolean): boolean {
	if (value === undefined) return current;
	if (/^true$/i.test(value)) return true;
	if (/^false$/i.test(value)) return false;
	return current;
}
