import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as message from './message/Message.resource';
import type { MessageOperation, TwilioWhatsAppType } from './node.type';

type OperationExecute = (
	this: IExecuteFunctions,
	items: INodeExecutionData[],
) => Promise<INodeExecutionData[]>;

const messageOperations: Record<MessageOperation, OperationExecute> = {
	send: message.send.execute,
	sendAndWait: message.sendAndWait.execute,
	get: message.get.execute,
	getMany: message.getMany.execute,
	cancel: message.cancel.execute,
	delete: message.deleteMessage.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter<TwilioWhatsAppType>('resource', 0);
	const operation = this.getNodeParameter('operation', 0) as MessageOperation;

	const execute = resource === 'message' ? messageOperations[operation] : undefined;
	if (!execute)
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	return [await execute.call(this, items)];
}
