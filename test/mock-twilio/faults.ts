import type { FaultRule, FaultSpec } from './types';

/**
 * The fault switches. Rules are tried in the order they were set; the first one that fires wins.
 * A rule with a ratio fires deterministically on an even spread of the requests it sees, so a
 * test or benchmark gets the same sequence on every run.
 */
export class Faults {
	readonly rules: FaultRule[] = [];

	set(spec: FaultSpec): FaultRule {
		if (spec.ratio !== undefined && !(spec.ratio > 0 && spec.ratio <= 1)) {
			throw new RangeError(`Fault ratio must be in (0, 1], got ${spec.ratio}`);
		}
		const rule: FaultRule = { ...spec, seen: 0, hits: 0 };
		this.rules.push(rule);
		return rule;
	}

	clear(): void {
		this.rules.length = 0;
	}

	/** The rule to apply before handling a request, if any. */
	beforeHandling(isCreate: boolean, path: string, method: string): FaultRule | undefined {
		return this.pick(
			(rule) =>
				!rule.afterCreate &&
				(rule.on !== 'create' || isCreate) &&
				(rule.path === undefined || rule.path === path) &&
				(rule.method === undefined || rule.method === method),
		);
	}

	/** The rule to apply to a message that was just created, if any. */
	afterCreate(): FaultRule | undefined {
		return this.pick((rule) => rule.afterCreate === true);
	}

	private pick(applies: (rule: FaultRule) => boolean): FaultRule | undefined {
		for (const rule of this.rules) {
			if (!applies(rule)) continue;
			if (rule.count !== undefined && rule.hits >= rule.count) continue;
			rule.seen += 1;
			if (rule.ratio !== undefined && !crossesStep(rule.seen, rule.ratio)) continue;
			rule.hits += 1;
			return rule;
		}
		return undefined;
	}
}

/**
 * True when the n-th request starts a new 1/ratio step; the epsilon absorbs float error (0.2 * 15).
 */
function crossesStep(n: number, ratio: number): boolean {
	const epsilon = 1e-9;
	return Math.floor(n * ratio + epsilon) > Math.floor((n - 1) * ratio + epsilon);
}
