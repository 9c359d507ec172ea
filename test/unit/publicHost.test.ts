/**
 * Which hosts count as reachable from the internet (nodes/shared/publicHost.ts). Ranges from IANA's
 * IPv4 and IPv6 Special-Purpose Address Registries; host forms as the WHATWG URL parser gives them.
 */
import fc from 'fast-check';

import { hostOf, isPublicHost } from '../../nodes/shared/publicHost';

const host = (url: string) => hostOf(url) as string;

describe('public hosts', () => {
	it.each([
		'http://127.0.0.1:5678/',
		'http://127.1/',
		'http://2130706433/',
		'http://0x7f000001/',
		'http://0.0.0.0/',
		'http://10.1.2.3/',
		'http://100.64.0.1/',
		'http://169.254.169.254/latest/meta-data/',
		'http://172.16.0.1/',
		'http://172.31.255.255/',
		'http://192.168.1.20/',
		'http://198.18.0.1/',
		'http://192.0.2.1/',
		'http://224.0.0.1/',
		'http://255.255.255.255/',
		'http://[::1]/',
		'http://[::]/',
		'http://[::ffff:127.0.0.1]/',
		'http://[::ffff:169.254.169.254]/',
		'http://[64:ff9b::a9fe:a9fe]/',
		'http://[2002:c0a8:101::1]/',
		'http://[fd00::1]/',
		'http://[fe80::1]/',
		'http://[2001:db8::1]/',
		'http://[ff02::1]/',
		'http://localhost:5678/',
		'http://LOCALHOST./',
		'http://api.localhost/',
		'http://printer.local/',
		'http://metadata.google.internal/',
		'http://nas.home.arpa/',
		'http://n8n:5678/',
	])('%s is not public', (url) => {
		expect(isPublicHost(host(url))).toBe(false);
	});

	it.each([
		'https://n8n.example.com/',
		'https://api.twilio.com/',
		'http://8.8.8.8/',
		'http://100.128.0.1/',
		'http://172.32.0.1/',
		'http://192.169.0.1/',
		'http://[2606:4700:4700::1111]/',
		'http://[::ffff:8.8.8.8]/',
		'http://[64:ff9b::808:808]/',
	])('%s is public', (url) => {
		expect(isPublicHost(host(url))).toBe(true);
	});

	it('judges an address the same in every form it can be written in', () => {
		fc.assert(
			fc.property(fc.ipV4(), (v4) => {
				const mapped = host(`http://[::ffff:${v4}]/`);
				expect(isPublicHost(mapped)).toBe(isPublicHost(host(`http://${v4}/`)));
			}),
			{ numRuns: 2000 },
		);
		fc.assert(
			fc.property(fc.ipV6(), (v6) => {
				// Written any way IPv6 allows (zeros compressed or not, IPv4 tail), the same verdict.
				expect(isPublicHost(`[${v6}]`)).toBe(isPublicHost(host(`http://[${v6}]/`)));
			}),
			{ numRuns: 2000 },
		);
	});

	it('takes only absolute http(s) URLs', () => {
		expect(hostOf('ftp://example.com/')).toBeUndefined();
		expect(hostOf('/webhook/abc')).toBeUndefined();
	});
});
