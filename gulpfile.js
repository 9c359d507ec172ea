const { src, dest } = require('gulp');

/**
 * Copies icons and codex files (*.node.json) next to the compiled JavaScript, as n8n's node starter
 * does.
 */
function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports['build:icons'] = copyIcons;
