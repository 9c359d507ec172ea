import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as contentTemplate from './contentTemplate/ContentTemplate.resource';
import * as message from './message/Message.resource';
import type { TwilioWhatsAppType } from './node.type';
import * as whatsAppSender from './whatsAppSender/WhatsAppSender.resource';

type OperationExecute = (
	this: IExecuteFunctions,
	items: INodeExecutionData[],
) => Promise<INodeExecutionData[]>;

type Operations = {
	[R in TwilioWhatsAppType['resource']]: Record<
		Extract<TwilioWhatsAppType, { resource: R }>['operation'],
		OperationExecute
	>;
};

const operations: Operations = {
	message: {
		send: message.send.execute,
		sendAndWait: message.sendAndWait.execute,
		sendInteractive: message.sendInteractive.execute,
		get: message.get.execute,
		getMany: message.getMany.execute,
		cancel: message.cancel.execute,
		delete: message.deleteMessage.execute,
		showTypingIndicator: message.showTypingIndicator.execute,
	},
	contentTemplate: {
		create: contentTemplate.create.execute,
		get: contentTemplate.get.execute,
		getMany: contentTemplate.getMany.execute,
		delete: contentTemplate.deleteContent.execute,
		submitForApproval: contentTemplate.submitForApproval.execute,
		getApprovalStatus: contentTemplate.getApprovalStatus.execute,
	},
	whatsAppSender: {
		get: whatsAppSender.get.execute,
		getMany: whatsAppSender.getMany.execute,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as TwilioWhatsAppType['resource'];
	const operation = this.getNodeParameter('operation', 0) as string;

	const execute = (operations[resource] as Record<string, OperationExecute> | undefined)?.[
		operation
	];
	if (!execute)
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	return [await execute.call(this, items)];
}
