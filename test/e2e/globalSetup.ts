import { N8nClient, shareN8n, startN8n } from './harness';

/** Starts the one n8n that all end-to-end tests share, and creates its owner. */
export default async function globalSetup(): Promise<void> {
	const n8n = await startN8n();
	try {
		const session = await new N8nClient({ baseUrl: n8n.baseUrl }).setupOwner();
		const { stop: _stop, ...info } = n8n;
		shareN8n({ n8n: info, session });
	} catch (error) {
		await n8n.stop();
		throw error;
	}
}
