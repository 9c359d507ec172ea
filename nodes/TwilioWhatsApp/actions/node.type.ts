import type { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

export type MessageOperation =
	| 'send'
	| typeof SEND_AND_WAIT_OPERATION
	| 'sendInteractive'
	| 'get'
	| 'getMany'
	| 'cancel'
	| 'delete'
	| 'showTypingIndicator';

export type ContentTemplateOperation =
	| 'create'
	| 'get'
	| 'getMany'
	| 'delete'
	| 'submitForApproval'
	| 'getApprovalStatus';

export type WhatsAppSenderOperation = 'get' | 'getMany';

export type TwilioWhatsAppType =
	| { resource: 'message'; operation: MessageOperation }
	| { resource: 'contentTemplate'; operation: ContentTemplateOperation }
	| { resource: 'whatsAppSender'; operation: WhatsAppSenderOperation };
