import type { IDataObject, IExecuteFunctions, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FormFields, RetryPolicy } from '../../shared/transport';
import { twilioApiRequest, twilioErrorDetailsOf } from '../../shared/transport';
import { MESSAGES_PATH } from '../actions/message/messageParameters';
import type { MessageOutput } from './messageOutput';
import { messageOutput } from './messageOutput';
import type { SentMessages } from './sentMessages';
import { formsFingerprint } from './sentMessages';

/**
 * A part as the item lists it: the message's fields without Twilio's resource, which the item has
 * once.
 */
export function partSummary(part: IDataObject): IDataObject {
	const fields = { ...part };
	delete fields.raw;
	return fields;
}

function partsSentText(sent: IDataObject[], total: number): string {
	const sids = sent.map((part) => part.messageSid).join(', ');
	return `${sent.length} of ${total} parts were sent (${sids}), in order from the first; the others were not.`;
}

/**
 * Creates the messages of one item in order, one after another, and returns their outputs. Parts an
 * earlier try of this run sent (Retry On Fail) are returned as they were and not sent again; a part
 * whose request may have reached Twilio without an answer is never sent again either. A failure
 * after some parts went out says which ones did (`sentParts` on the error).
 */
export async function sendParts(
	ctx: IExecuteFunctions,
	sent: SentMessages,
	itemIndex: number,
	forms: FormFields[],
	retry: RetryPolicy,
): Promise<MessageOutput[]> {
	const fingerprint = formsFingerprint(forms);
	const outputs = sent.sentParts(itemIndex, fingerprint) as MessageOutput[];
	const uncertain = sent.uncertainPart(itemIndex, fingerprint);
	if (uncertain !== undefined) {
		const which = forms.length > 1 ? `Part ${uncertain + 1} of the message` : 'The message';
		throw new NodeOperationError(
			ctx.getNode(),
			`${which} of item ${itemIndex} may have been sent by an earlier try, so it is not sent again`,
			{
				itemIndex,
				description:
					"The earlier try's request reached Twilio but no answer came back. Look the message up in the Twilio Console (Monitor → Messaging logs) or with the Get Many operation.",
			},
		);
	}
	for (let part = outputs.length; part < forms.length; part++) {
		try {
			outputs.push(
				messageOutput(
					await twilioApiRequest.call(ctx, {
						method: 'POST',
						path: MESSAGES_PATH,
						form: forms[part],
						retry,
						itemIndex,
					}),
				),
			);
		} catch (error) {
			// twilioApiRequest throws only these two.
			const failure = error as NodeApiError | NodeOperationError;
			if (twilioErrorDetailsOf(failure).maybeProcessed)
				sent.recordUncertain(itemIndex, fingerprint, part);
			if (outputs.length > 0) addSentParts(failure, outputs, forms.length);
			throw failure;
		}
		sent.recordSent(itemIndex, fingerprint, outputs);
	}
	return outputs;
}

/** Adds the parts that went out to a Twilio error, for the editor and for the error item. */
function addSentParts(
	error: NodeApiError | NodeOperationError,
	outputs: IDataObject[],
	total: number,
): void {
	error.context.sentParts = outputs.map(partSummary);
	error.description = [partsSentText(outputs, total), error.description].filter(Boolean).join(' ');
}

/**
 * The item of a sent text: the (first) message's fields, plus every part when the text may be
 * split.
 */
export function sentItem(outputs: MessageOutput[], listParts: boolean): IDataObject {
	return listParts ? { ...outputs[0], parts: outputs.map(partSummary) } : outputs[0];
}
