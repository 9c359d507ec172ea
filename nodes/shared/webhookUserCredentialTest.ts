import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { basicAuthUserProblems } from './basicAuth';

/**
 * The credential test of the Webhook User credential, offered by every node that can require it
 * (under the name `twilioWebhookUserApiTest`). Nothing remote knows the user, so it checks that the
 * values can work as HTTP Basic auth.
 */
export async function testWebhookUserCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const problems = basicAuthUserProblems({
		user: String(data.user ?? ''),
		password: String(data.password ?? ''),
	});
	if (problems.length > 0) return { status: 'Error', message: problems.join(' ') };
	return { status: 'OK', message: 'The webhook user and password can be used for HTTP Basic auth' };
}
