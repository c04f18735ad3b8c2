'use strict';
// Loaded by `jasmine --reporter=…` (jasmine ≥ 3): per-spec results as JSON beside this file, and a short summary on
// stdout because `--reporter` replaces jasmine's console reporter.
const fs = require('node:fs');
const path = require('node:path');

const resultsFile = path.join(__dirname, 'test-results.json');

function messageOf(expectations) {
  return (expectations || []).map((e) => e.message || String(e.stack || '')).join('\n');
}

class AfterburnerJasmineReporter {
  constructor() {
    this.passed = 0;
    this.failures = [];
    this.pending = 0;
  }

  specDone(result) {
    if (result.status === 'passed') this.passed++;
    else if (result.status === 'failed') {
      this.failures.push({ name: result.fullName, message: messageOf(result.failedExpectations) });
    } else this.pending++;
  }

  // An afterAll that throws fails its suite, not a spec.
  suiteDone(result) {
    if (result.failedExpectations && result.failedExpectations.length > 0) {
      this.failures.push({ name: result.fullName, message: messageOf(result.failedExpectations) });
    }
  }

  jasmineDone(result) {
    if (result.failedExpectations && result.failedExpectations.length > 0) {
      this.failures.push({ name: '(top level)', message: messageOf(result.failedExpectations) });
    }
    if (result.overallStatus === 'incomplete' && this.failures.length === 0) {
      this.failures.push({
        name: '(incomplete)',
        message: result.incompleteReason || 'jasmine did not finish',
      });
    }
    const summary = { passed: this.passed, failed: this.failures.length, failures: this.failures };
    fs.writeFileSync(resultsFile, JSON.stringify(summary));
    for (const f of this.failures) process.stdout.write(`FAILED ${f.name}\n  ${f.message.split('\n')[0]}\n`);
    process.stdout.write(
      `${this.passed} passed, ${this.failures.length} failed, ${this.pending} pending (${result.overallStatus})\n`,
    );
  }
}

module.exports = AfterburnerJasmineReporter;
