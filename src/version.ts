/** Kept in step with package.json by the test suite (test/unit/misc.test.ts). */
export const VERSION = "0.1.0";

/** Where berth's bugs are reported: package.json's `bugs.url`, kept in step the same way. */
export const ISSUES_URL = "https://github.com/berth-dev/berth/issues";
