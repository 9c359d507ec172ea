import type { FormParams } from '../types';
import { errors } from '../errors';

export interface Principal {
	accountSid: string;
	/** The Basic-auth user: the Account SID or an API key SID. */
	user: string;
	keyType: 'account' | 'standard' | 'main';
}

export interface ApiRequest {
	method: string;
	path: string;
	query: FormParams;
	form: FormParams;
	/**
	 * The parsed body of an `application/json` request (the Content API takes JSON); undefined
	 * otherwise.
	 */
	json: unknown;
	principal: Principal;
	/** Path captures, by the names in the route pattern. */
	params: Record<string, string>;
}

export interface ApiResponse {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

export type Handler = (request: ApiRequest) => ApiResponse;

interface Route {
	method: string;
	regex: RegExp;
	names: string[];
	handler: Handler;
}

/**
 * Matches `METHOD /path/:Name.json` patterns; captures never cross a slash or the `.json` suffix.
 */
export class Router {
	private readonly routes: Route[] = [];

	add(method: string, pattern: string, handler: Handler): this {
		const names: string[] = [];
		const source = pattern
			.split(/(:[A-Za-z]+)/)
			.map((part) => {
				if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
				names.push(part.slice(1));
				return '([^/]+?)';
			})
			.join('');
		this.routes.push({ method, regex: new RegExp(`^${source}$`), names, handler });
		return this;
	}

	/** The handler and path captures, or the Twilio error for an unknown path or method. */
	resolve(method: string, path: string): { handler: Handler; params: Record<string, string> } {
		let pathKnown = false;
		for (const route of this.routes) {
			const match = route.regex.exec(path);
			if (!match) continue;
			pathKnown = true;
			if (route.method !== method) continue;
			const params: Record<string, string> = {};
			route.names.forEach((name, index) => (params[name] = decodePathPart(match[index + 1])));
			return { handler: route.handler, params };
		}
		throw pathKnown ? errors.methodNotAllowed() : errors.notFound(path);
	}
}

function decodePathPart(part: string): string {
	try {
		return decodeURIComponent(part);
	} catch {
		return part;
	}
}
