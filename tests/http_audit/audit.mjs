// The graphql-http audit suite (serverAudits) against a running server.
// Usage: node audit.mjs URL [TOKEN]   (TOKEN: sent as `Authorization: Bearer TOKEN` on every
// request, so that the audits exercise GraphQL itself rather than the authentication gate.)
// Prints one JSON line per audit, then the plain closing line "N passed, N failed"; exits 1
// if any audit is not ok (errors, warnings and notices alike).
import { serverAudits } from 'graphql-http';

const [url, token] = process.argv.slice(2);
if (!url) {
  console.error('usage: node audit.mjs URL [TOKEN]');
  process.exit(2);
}

function fetchWithToken(input, init = {}) {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
}

let passed = 0;
let failed = 0;
for (const audit of serverAudits({ url, fetchFn: fetchWithToken })) {
  const result = await audit.fn();
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status === 'ok') {
    passed += 1;
  } else {
    failed += 1;
    line.reason = result.reason;
    line.httpStatus = result.response.status;
    line.body = await result.response.text().catch(() => '(body already read)');
  }
  console.log(JSON.stringify(line));
}
console.log(`audit: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
