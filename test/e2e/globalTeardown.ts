import { sharedN8n, stopN8n } from './harness';

export default async function globalTeardown(): Promise<void> {
	if (!process.env.E2E_N8N_STATE) return; // globalSetup failed and has already stopped its n8n
	await stopN8n(sharedN8n().n8n);
}
