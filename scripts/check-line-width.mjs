#!/usr/bin/env node
// Fails when a line of the TypeScript or JavaScript in nodes/, credentials/, test/, bench/,
// scripts/ or the project's root is wider than Prettier's print width (tabs count as tabWidth
// columns, as Prettier counts them). Prettier wraps code but not comments or strings: a line is
// allowed to be wider only through its string, template or regex literals, which cannot be split
// without changing what they say. Built output (bench/out) is not checked.
//   node scripts/check-line-width.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';

const ts = createRequire(import.meta.url)('typescript');
const prettier = createRequire(import.meta.url)('../.prettierrc.js');

const root = resolve(import.meta.dirname, '..');
const FOLDERS = ['nodes', 'credentials', 'test', 'bench', 'scripts'];
const LITERALS = new Set([
	ts.SyntaxKind.StringLiteral,
	ts.SyntaxKind.NoSubstitutionTemplateLiteral,
	ts.SyntaxKind.TemplateExpression,
	ts.SyntaxKind.RegularExpressionLiteral,
]);

const SOURCE = /\.(ts|js|mjs)$/;
const BUILT = /(^|\/)(node_modules|out|dist)(\/|$)/;

function sourceFiles(folder, recursive = true) {
	return readdirSync(join(root, folder), { recursive, withFileTypes: true })
		.filter((entry) => entry.isFile() && SOURCE.test(entry.name))
		.map((entry) => relative(root, join(entry.parentPath, entry.name)))
		.filter((file) => !BUILT.test(file));
}

/** For every character of the file, whether it belongs to a literal. */
function literalMask(file, text) {
	const mask = new Uint8Array(text.length);
	const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
	const visit = (node) => {
		if (LITERALS.has(node.kind)) mask.fill(1, node.getStart(source), node.end);
		else ts.forEachChild(node, visit);
	};
	visit(source);
	return mask;
}

function width(text, from, to, mask) {
	let columns = 0;
	for (let i = from; i < to; i++) {
		if (mask?.[i]) continue;
		columns += text[i] === '\t' ? prettier.tabWidth : 1;
	}
	return columns;
}

const problems = [];
const files = [...FOLDERS.flatMap((folder) => sourceFiles(folder)), ...sourceFiles('.', false)];
for (const file of files.sort()) {
	const text = readFileSync(join(root, file), 'utf8');
	let mask;
	let start = 0;
	text.split('\n').forEach((line, index) => {
		const end = start + line.length;
		if (width(text, start, end) > prettier.printWidth) {
			mask ??= literalMask(file, text);
			if (width(text, start, end, mask) > prettier.printWidth)
				problems.push(`${file}:${index + 1}: ${width(text, start, end)} columns`);
		}
		start = end + 1;
	});
}

if (problems.length > 0) {
	console.log(`line width: FAILED: ${problems.length} lines wider than ${prettier.printWidth}`);
	for (const problem of problems) console.log(`  ${problem}`);
	process.exit(1);
}
console.log(`line width: passed (${prettier.printWidth} columns, literals aside)`);
