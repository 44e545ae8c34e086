#!/usr/bin/env node
// Runs binary-version-reader's HalModuleParser (Particle's module binary parser) on files,
// for harken's interop tests.
//
//   node driver.js FILE...
//
// Prints one JSON line per file, in order:
//   {"file": ..., "ok": true, "result": {"crc": ..., "prefixInfo": ..., "suffixInfo": ...}}
//   {"file": ..., "ok": false, "error": "..."}
// The file bytes themselves are left out. Exit status 0 when every file parsed.
'use strict';

const path = require('path');
const { HalModuleParser } = require(path.join(__dirname, 'node_modules', 'binary-version-reader'));

async function parse(file) {
	try {
		const info = await new HalModuleParser().parseFile(file);
		const { crc, prefixInfo, suffixInfo } = info;
		return { file, ok: true, result: { crc, prefixInfo, suffixInfo } };
	} catch (err) {
		return { file, ok: false, error: String(err && err.message ? err.message : err) };
	}
}

async function main(files) {
	if (files.length === 0) {
		process.stderr.write('usage: node driver.js FILE...\n');
		return 2;
	}
	let status = 0;
	for (const file of files) {
		const line = await parse(file);
		if (!line.ok) status = 1;
		process.stdout.write(JSON.stringify(line) + '\n');
	}
	return status;
}

main(process.argv.slice(2)).then((status) => { process.exitCode = status; });
