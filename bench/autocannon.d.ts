// The part of autocannon 8's programmatic API the benchmarks use (the package ships no types).
declare module 'autocannon' {
	namespace autocannon {
		interface Request {
			method?: string;
			path?: string;
			headers?: Record<string, string>;
			body?: string | Buffer;
			setupRequest?: (request: Request, context: Record<string, unknown>) => Request | undefined;
		}
		interface Histogram {
			average: number;
			p50: number;
			p99: number;
			max: number;
		}
		interface Options {
			url: string;
			connections?: number;
			duration?: number;
			amount?: number;
			timeout?: number;
			requests?: Request[];
		}
		interface Result {
			start: Date;
			finish: Date;
			duration: number;
			latency: Histogram;
			requests: Histogram & { total: number };
			errors: number;
			timeouts: number;
			non2xx: number;
			'2xx': number;
			statusCodeStats: Record<string, { count: number }>;
		}
	}
	function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
	export = autocannon;
}
