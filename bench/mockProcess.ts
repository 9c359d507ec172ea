/**
 * The Twilio mock in a child process, so that the benchmark's Send node and the mock do not share
 * one thread's CPU (Twilio's side is not what is measured). The parent switches faults and reads
 * the mock's record over IPC.
 */
import { fork, type ChildProcess } from 'child_process';

import type { FaultSpec, MockMessage } from '../test/mock-twilio';
import { startMockTwilio } from '../test/mock-twilio';

/** What the parent needs of a created message: its sid and form parameters. */
export type CreatedMessage = Pick<MockMessage, 'sid' | 'params'>;

type Command =
	| { kind: 'setFault'; spec: FaultSpec }
	| { kind: 'clearFaults' }
	| { kind: 'counts' }
	| { kind: 'messages'; from: number }
	| { kind: 'createStatuses'; from: number }
	| { kind: 'holdRequests'; path: string; ms: number }
	| { kind: 'addInboundMessages'; sids: string[] };

export interface MockCounts {
	messages: number;
	requests: number;
	/** Typing indicators Twilio accepted. */
	typingIndicators: number;
}

export interface MockProcess {
	url: string;
	setFault(spec: FaultSpec): Promise<void>;
	clearFaults(): Promise<void>;
	/** How many messages were created and requests received so far (indexes for the two below). */
	counts(): Promise<MockCounts>;
	/** Messages created from index `from` on. */
	messages(from: number): Promise<CreatedMessage[]>;
	/** HTTP statuses answered to message creates among the requests from index `from` on. */
	createStatuses(from: number): Promise<Array<number | null>>;
	/** Answers each request to `path` only after `ms` (MockTwilio.holdRequests). */
	holdRequests(path: string, ms: number): Promise<void>;
	/**
	 * Inbound messages Twilio knows without having delivered them (MockTwilio.addInboundMessages).
	 */
	addInboundMessages(sids: string[]): Promise<void>;
	close(): Promise<void>;
}

export async function startMockProcess(latencyMs: number): Promise<MockProcess> {
	const child = fork(__filename, ['--mock-child', String(latencyMs)], {
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const url = await new Promise<string>((done, fail) => {
		child.once('message', (message) => done((message as { url: string }).url));
		child.once('exit', (code) =>
			fail(new Error(`the mock process exited with ${code} before it listened`)),
		);
	});
	let nextId = 0;
	const pending = new Map<number, (value: unknown) => void>();
	child.on('message', (message) => {
		const { id, value } = message as { id: number; value: unknown };
		pending.get(id)?.(value);
		pending.delete(id);
	});
	const ask = <T>(command: Command) =>
		new Promise<T>((done) => {
			const id = nextId++;
			pending.set(id, done as (value: unknown) => void);
			child.send({ ...command, id });
		});
	return {
		url,
		setFault: (spec) => ask({ kind: 'setFault', spec }),
		clearFaults: () => ask({ kind: 'clearFaults' }),
		counts: () => ask({ kind: 'counts' }),
		messages: (from) => ask({ kind: 'messages', from }),
		createStatuses: (from) => ask({ kind: 'createStatuses', from }),
		holdRequests: (path, ms) => ask({ kind: 'holdRequests', path, ms }),
		addInboundMessages: (sids) => ask({ kind: 'addInboundMessages', sids }),
		close: () => stop(child),
	};
}

function stop(child: ChildProcess): Promise<void> {
	return new Promise((done) => {
		child.once('exit', () => done());
		child.kill('SIGTERM');
	});
}

async function runChild(latencyMs: number): Promise<void> {
	const mock = await startMockTwilio({ latencyMs });
	process.on('SIGTERM', () => void mock.close().then(() => process.exit(0)));
	process.on('message', (raw) => {
		const command = raw as Command & { id: number };
		const reply = (value: unknown) => process.send!({ id: command.id, value });
		if (command.kind === 'setFault') reply(void mock.setFault(command.spec));
		else if (command.kind === 'clearFaults') reply(mock.clearFaults());
		else if (command.kind === 'counts')
			reply({
				messages: mock.messages.length,
				requests: mock.requests.length,
				typingIndicators: mock.typingIndicators.length,
			});
		else if (command.kind === 'holdRequests')
			reply(void mock.holdRequests(command.path, command.ms));
		else if (command.kind === 'addInboundMessages') reply(mock.addInboundMessages(command.sids));
		else if (command.kind === 'messages')
			reply(mock.messages.slice(command.from).map(({ sid, params }) => ({ sid, params })));
		else
			reply(
				mock.requests
					.slice(command.from)
					.filter((r) => r.method === 'POST' && /\/Messages\.json$/.test(r.path))
					.map((r) => r.status),
			);
	});
	process.send!({ url: mock.url });
}

if (process.argv[2] === '--mock-child') {
	runChild(Number(process.argv[3])).catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
