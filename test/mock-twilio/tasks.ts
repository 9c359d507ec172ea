/**
 * Background work (status callbacks, timers) that `settled()` can wait for and `close()` can abort.
 */
export class Tasks {
	private readonly pending = new Set<Promise<unknown>>();
	private readonly controller = new AbortController();

	get signal(): AbortSignal {
		return this.controller.signal;
	}

	run(task: () => Promise<unknown>): void {
		const promise = task().catch(() => undefined);
		this.pending.add(promise);
		void promise.finally(() => this.pending.delete(promise));
	}

	/** Resolves once nothing is pending, including work started by work that was pending. */
	async settled(): Promise<void> {
		while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
	}

	abort(): void {
		this.controller.abort();
	}

	/** Waits `ms`; false when the mock closed meanwhile. */
	sleep(ms: number): Promise<boolean> {
		const signal = this.controller.signal;
		if (signal.aborted) return Promise.resolve(false);
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				signal.removeEventListener('abort', onAbort);
				resolve(true);
			}, ms);
			const onAbort = () => {
				clearTimeout(timer);
				resolve(false);
			};
			signal.addEventListener('abort', onAbort, { once: true });
		});
	}
}
