const { src, dest } = require('gulp');

/** Copies node and credential icons next to the compiled JavaScript, as n8n's node starter does. */
function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist'));
}

exports['build:icons'] = copyIcons;
