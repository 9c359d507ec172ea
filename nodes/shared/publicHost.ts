/**
 * Whether the host of a URL is one the internet can reach: what Twilio could call, and what a URL
 * someone outside supplies may make n8n fetch. Pure and without DNS: a name is judged by its form
 * only (a public-looking name may still resolve to a private address).
 *
 * Not public: IP literals in the special-purpose ranges IANA marks as not globally reachable (RFC
 * 6890 registries: private, loopback, link-local, shared, documentation, benchmarking, multicast,
 * reserved), IPv6 forms that embed such an IPv4 address, `localhost` and the special-use names
 * `.localhost`, `.local`, `.internal`, `.home.arpa`, and single-label names (`n8n` in a Docker
 * network), which public DNS never resolves.
 */

/** [first address, prefix length] */
type Ipv4Range = [string, number];

const NON_PUBLIC_IPV4: Ipv4Range[] = [
	['0.0.0.0', 8],
	['10.0.0.0', 8],
	['100.64.0.0', 10],
	['127.0.0.0', 8],
	['169.254.0.0', 16],
	['172.16.0.0', 12],
	['192.0.0.0', 24],
	['192.0.2.0', 24],
	['192.88.99.0', 24],
	['192.168.0.0', 16],
	['198.18.0.0', 15],
	['198.51.100.0', 24],
	['203.0.113.0', 24],
	['224.0.0.0', 4],
	['240.0.0.0', 4],
];

const SPECIAL_USE_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa'];

function ipv4ToNumber(text: string): number | undefined {
	const parts = text.split('.');
	if (parts.length !== 4) return undefined;
	let value = 0;
	for (const part of parts) {
		if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
		value = value * 256 + Number(part);
	}
	return value;
}

function ipv4IsPublic(value: number): boolean {
	return !NON_PUBLIC_IPV4.some(([first, bits]) => {
		const size = 2 ** (32 - bits);
		const start = ipv4ToNumber(first) as number;
		return value >= start && value < start + size;
	});
}

/** The eight 16-bit groups of an IPv6 address, or undefined when it is not one. */
function ipv6Groups(text: string): number[] | undefined {
	let address = text;
	const tail: number[] = [];
	const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
	if (dotted) {
		const v4 = ipv4ToNumber(dotted[1]);
		if (v4 === undefined) return undefined;
		tail.push(Math.floor(v4 / 65536), v4 % 65536);
		const before = address.slice(0, dotted.index + 1);
		address = before.endsWith('::') ? before : before.slice(0, -1);
	}
	const halves = address.split('::');
	if (halves.length > 2) return undefined;
	const parse = (half: string) => (half === '' ? [] : half.split(':'));
	const head = parse(halves[0]);
	const rest = halves.length === 2 ? parse(halves[1]) : [];
	if ([...head, ...rest].some((group) => !/^[0-9a-f]{1,4}$/i.test(group))) return undefined;
	const missing = 8 - tail.length - head.length - rest.length;
	if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
	return [
		...head.map((group) => parseInt(group, 16)),
		...Array<number>(halves.length === 2 ? missing : 0).fill(0),
		...rest.map((group) => parseInt(group, 16)),
		...tail,
	];
}

function ipv6IsPublic(groups: number[]): boolean {
	const [a, b, c] = groups;
	const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
	const lastV4 = groups[6] * 65536 + groups[7];
	if (zeros(0, 7) && groups[7] <= 1) return false; // :: and ::1
	if (zeros(0, 5) && groups[5] === 0xffff) return ipv4IsPublic(lastV4); // IPv4-mapped
	if (a === 0x64 && b === 0xff9b && zeros(2, 6)) return ipv4IsPublic(lastV4); // NAT64
	if (a === 0x2002) return ipv4IsPublic(b * 65536 + c); // 6to4
	if (a === 0x100 && zeros(1, 4)) return false; // discard-only
	if (a === 0x2001 && b === 0xdb8) return false; // documentation
	if ((a & 0xfe00) === 0xfc00) return false; // unique local
	if ((a & 0xffc0) === 0xfe80) return false; // link-local
	return (a & 0xff00) !== 0xff00; // multicast
}

/** `host` as URL.hostname gives it: a name, a dotted IPv4 address or a bracketed IPv6 address. */
export function isPublicHost(host: string): boolean {
	const name = host.toLowerCase().replace(/\.$/, '');
	if (name.startsWith('[') && name.endsWith(']')) {
		const groups = ipv6Groups(name.slice(1, -1).replace(/%.*$/, ''));
		return groups !== undefined && ipv6IsPublic(groups);
	}
	const v4 = ipv4ToNumber(name);
	if (v4 !== undefined) return ipv4IsPublic(v4);
	if (name === '' || name === 'localhost' || !name.includes('.')) return false;
	return !SPECIAL_USE_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/**
 * The host of an absolute http(s) URL, normalised by the WHATWG parser (so `http://2130706433/` is
 * 127.0.0.1).
 */
export function hostOf(url: string): string | undefined {
	try {
		const parsed = new URL(url);
		return parsed.protocol === 'http:' || parsed.protocol === 'https:'
			? parsed.hostname
			: undefined;
	} catch {
		return undefined;
	}
}
