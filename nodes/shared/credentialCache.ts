import type { ICredentialDataDecryptedObject, ICredentialsDecrypted, INode } from 'n8n-workflow';

/**
 * Decrypted credentials kept for a short while in this process, for the triggers' per-request work:
 * every `getCredentials()` makes n8n resolve the credential through its expression engine
 * (docs/n8n-behaviour.md, "A trigger's webhook description"). An edited credential is picked up
 * within `maxAgeMs`; a request that fails its check with a cached secret re-reads the credential at
 * once (at most every `refreshAfterFailureMs`, so forged requests cannot each cost a read), so a
 * new secret works at once and the replaced one stays accepted for at most `maxAgeMs`. Per
 * credential id and process; secrets never leave this map.
 */

export interface CacheTiming {
	maxAgeMs: number;
	refreshAfterFailureMs: number;
}

export const DEFAULT_CACHE_TIMING: CacheTiming = {
	maxAgeMs: 60_000,
	refreshAfterFailureMs: 10_000,
};

const MAX_ENTRIES = 200;

interface Entry {
	credentials: ICredentialsDecrypted;
	fetchedAt: number;
}

const cache = new Map<string, Entry>();

/** What the cache needs of a node's context: a webhook's, or an execution's. */
export interface CredentialReader {
	getNode(): INode;
	getCredentials(type: string): Promise<ICredentialDataDecryptedObject>;
}

export interface CachedCredentials {
	credentials: ICredentialsDecrypted;
	data: ICredentialDataDecryptedObject;
	/**
	 * Re-reads the credential if the cached copy is old enough to be worth re-checking; undefined
	 * when not.
	 */
	refreshed(): Promise<CachedCredentials | undefined>;
}

function keyOf(ctx: CredentialReader, type: string): string | undefined {
	const id = ctx.getNode().credentials?.[type]?.id;
	return id ? `${type}:${id}` : undefined;
}

async function fetchInto(
	ctx: CredentialReader,
	type: string,
	key: string | undefined,
	now: number,
): Promise<Entry> {
	const data = await ctx.getCredentials(type);
	const selected = ctx.getNode().credentials?.[type];
	const entry: Entry = {
		credentials: { id: selected?.id ?? '', name: selected?.name ?? '', type, data },
		fetchedAt: now,
	};
	if (key) {
		cache.delete(key);
		cache.set(key, entry);
		if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
	}
	return entry;
}

function wrap(
	ctx: CredentialReader,
	type: string,
	key: string | undefined,
	entry: Entry,
	timing: CacheTiming,
): CachedCredentials {
	return {
		credentials: entry.credentials,
		data: entry.credentials.data ?? {},
		async refreshed() {
			const now = Date.now();
			if (now - entry.fetchedAt < timing.refreshAfterFailureMs) return undefined;
			return wrap(ctx, type, key, await fetchInto(ctx, type, key, now), timing);
		},
	};
}

/**
 * The node's credential of this type, from the cache when fresh enough. Throws as getCredentials
 * does.
 */
export async function cachedCredentials(
	ctx: CredentialReader,
	type: string,
	timing: CacheTiming = DEFAULT_CACHE_TIMING,
): Promise<CachedCredentials> {
	const key = keyOf(ctx, type);
	const now = Date.now();
	const hit = key ? cache.get(key) : undefined;
	const entry =
		hit && now - hit.fetchedAt < timing.maxAgeMs && now >= hit.fetchedAt
			? hit
			: await fetchInto(ctx, type, key, now);
	return wrap(ctx, type, key, entry, timing);
}

/**
 * Runs `attempt` with the cached credential and, when `refused` says its result shows the secret
 * was refused (a just-changed secret), once more with a freshly read one. Returns the last result.
 */
export async function withFreshCredentialsIfRefused<T>(
	cached: CachedCredentials,
	attempt: (credentials: CachedCredentials) => T | Promise<T>,
	refused: (result: T) => boolean,
): Promise<T> {
	const result = await attempt(cached);
	if (!refused(result)) return result;
	const refreshed = await cached.refreshed();
	return refreshed === undefined ? result : await attempt(refreshed);
}

/** Whether `check` passes with the cached credential, or else with a freshly read one. */
export async function passesWithFreshCredentials(
	cached: CachedCredentials,
	check: (credentials: CachedCredentials) => boolean | Promise<boolean>,
): Promise<boolean> {
	return await withFreshCredentialsIfRefused(cached, check, (passed) => !passed);
}
