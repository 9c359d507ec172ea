#!/usr/bin/env node
// Runs n8n's community-package verification offline, as `npx @n8n/scan-community-package` does for
// a published package: its ESLint rules on the source (package.json, nodes/, credentials/) and on
// the JavaScript inside the tarball `npm pack` makes. Also checks what the tarball holds and that
// the package has no runtime dependencies.
//   node scripts/scan-package.mjs           both legs (needs a build: dist/)
//   node scripts/scan-package.mjs --source  the source leg only
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = resolve(import.meta.dirname, '..');
const sourceOnly = process.argv.includes('--source');
const problems = [];

function report(leg, result) {
	if (result.passed) {
		console.log(`scan (${leg}): passed${result.message ? ` (${result.message})` : ''}`);
		return;
	}
	problems.push(leg);
	console.log(`scan (${leg}): FAILED: ${result.message}`);
	if (result.details) console.log(result.details);
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (Object.keys(pkg.dependencies ?? {}).length > 0) {
	problems.push('dependencies');
	console.log(
		`scan: FAILED: runtime dependencies are not allowed: ${Object.keys(pkg.dependencies).join(', ')}`,
	);
}

report('source', await analyzePackage(root, SOURCE_FILE_PATTERNS));

if (!sourceOnly) {
	const work = mkdtempSync(join(tmpdir(), 'scan-'));
	try {
		const packed = JSON.parse(
			execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
				cwd: root,
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'ignore'],
			}),
		);
		const files = packed[0].files.map((f) => f.path);
		const allowed =
			/^(dist\/.+\.(js|svg|png|json)|package\.json|README\.md|LICENSE(\.md)?|CHANGELOG\.md)$/;
		const unexpected = files.filter((f) => !allowed.test(f) || f.endsWith('.map'));
		for (const required of pkg.n8n.nodes.concat(pkg.n8n.credentials)) {
			if (!files.includes(required)) unexpected.push(`missing: ${required}`);
		}
		if (unexpected.length) {
			problems.push('tarball contents');
			console.log(`scan (tarball contents): FAILED:\n  ${unexpected.join('\n  ')}`);
		} else {
			console.log(`scan (tarball contents): passed (${files.length} files)`);
		}
		const unpacked = join(work, 'package');
		execFileSync('tar', ['-xzf', join(work, packed[0].filename), '-C', work]);
		report('tarball', await analyzePackage(unpacked, ['**/*.js', 'package.json']));
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

if (problems.length) {
	console.log(`scan: failed (${problems.join(', ')})`);
	process.exit(1);
}
