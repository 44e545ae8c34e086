#!/usr/bin/env node
// Drives @particle/softap-setup (Particle's SoftAP client) against a device, for harken's
// interop tests and benchmarks.
//
//   node driver.js --host H --port P --protocol tcp|http [--timeout MS] [STEPS]
//
// STEPS is a JSON list (argument, or stdin when absent). Each step is a name or an object:
//   "version" | "deviceInfo" | "publicKey" | "scan" | "connect"
//   {"step": "setClaimCode", "code": "..."}
//   {"step": "configure", "ssid": "...", "security": "wpa2_aes", "channel": 6,
//    "password": "..."}          (security: a library name or a WICED number)
// and may carry "repeat": N. One client object runs all steps in order (so configure can
// use the key from publicKey). For every run of a step one JSON line is printed:
//   {"step": ..., "ok": true|false, "ms": <wall time>, "result": ..., "error": "..."}
// Passwords and claim codes are never printed. Exit status 0 when every step succeeded.
'use strict';

process.noDeprecation = true;  // the library uses new Buffer()

const path = require('path');
const SoftAPSetup = require(path.join(__dirname, 'node_modules', '@particle', 'softap-setup'));

function parseArgs(argv) {
	const opts = { host: '127.0.0.1', port: undefined, protocol: 'tcp', timeout: 8000 };
	const rest = [];
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--host') opts.host = argv[++i];
		else if (a === '--port') opts.port = parseInt(argv[++i], 10);
		else if (a === '--protocol') opts.protocol = argv[++i];
		else if (a === '--timeout') opts.timeout = parseInt(argv[++i], 10);
		else rest.push(a);
	}
	if (!['tcp', 'http'].includes(opts.protocol)) {
		throw new Error('--protocol must be tcp or http');
	}
	return { opts, stepsText: rest[0] };
}

function readStdin() {
	return new Promise((resolve, reject) => {
		let text = '';
		process.stdin.setEncoding('utf8');
		process.stdin.on('data', (chunk) => { text += chunk; });
		process.stdin.on('end', () => resolve(text));
		process.stdin.on('error', reject);
	});
}

// The library may call a callback twice (checkResponse does not return after an error) and
// may throw from inside socket events; a step settles once, on whichever comes first.
let failCurrent = null;
process.on('uncaughtException', (err) => {
	if (failCurrent) failCurrent(err);
	else throw err;
});

function call(invoke) {
	return new Promise((resolve, reject) => {
		let settled = false;
		const done = (err, value) => {
			if (settled) return;
			settled = true;
			failCurrent = null;
			if (err) reject(err); else resolve(value);
		};
		failCurrent = (err) => done(err);
		try {
			invoke(done);
		} catch (err) {
			done(err);
		}
	});
}

function runStep(sap, step) {
	switch (step.step) {
		case 'version':
			return call((cb) => sap.version(cb)).then((reply) => ({ ok: true, result: reply }));
		case 'deviceInfo':
			return call((cb) => sap.deviceInfo(cb)).then((info) => ({ ok: true, result: info }));
		case 'publicKey':
			return call((cb) => sap.publicKey(cb)).then((pem) => ({ ok: true, result: pem }));
		case 'scan':
			return call((cb) => sap.scan(cb)).then((scans) => ({ ok: Array.isArray(scans), result: scans }));
		case 'setClaimCode':
			return call((cb) => sap.setClaimCode(step.code, cb)).then(() => ({ ok: true, result: null }));
		case 'connect':
			return call((cb) => sap.connect(cb)).then(() => ({ ok: true, result: null }));
		case 'configure': {
			const config = { ssid: step.ssid, security: step.security, channel: step.channel };
			if (step.password !== undefined && step.password !== null) config.password = step.password;
			return call((cb) => sap.configure(config, cb)).then((reply) => ({
				ok: Boolean(reply) && reply.r === 0,
				result: reply === undefined ? null : reply,
			}));
		}
		default:
			return Promise.reject(new Error(`unknown step ${JSON.stringify(step.step)}`));
	}
}

async function main() {
	const { opts, stepsText } = parseArgs(process.argv.slice(2));
	const steps = JSON.parse(stepsText !== undefined ? stepsText : await readStdin())
		.map((s) => (typeof s === 'string' ? { step: s } : s));
	const sap = new SoftAPSetup({
		host: opts.host, port: opts.port, protocol: opts.protocol, timeout: opts.timeout,
	});
	let allOk = true;
	for (const step of steps) {
		for (let i = 0; i < (step.repeat || 1); i++) {
			const start = process.hrtime.bigint();
			let line;
			try {
				const { ok, result } = await runStep(sap, step);
				line = { step: step.step, ok, result };
			} catch (err) {
				line = { step: step.step, ok: false, error: String(err && err.message || err) };
			}
			line.ms = Number(process.hrtime.bigint() - start) / 1e6;
			allOk = allOk && line.ok;
			process.stdout.write(JSON.stringify(line) + '\n');
		}
	}
	return allOk ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (err) => {
	process.stderr.write(`driver.js: ${err && err.message || err}\n`);
	process.exitCode = 2;
});
