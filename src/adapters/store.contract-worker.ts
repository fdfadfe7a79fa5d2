/**
 * Child-process side of the store contract's multi-process tests: opens the store at argv[2]
 * through `openStore` (the same code a second `serve` process would run), appends argv[4]
 * records to tenant argv[3], and prints `{ "seqs": [...] }` on stdout. Test support only.
 */
import { openStore } from './open-store.js';

const [url, tenantId, countText, tag] = process.argv.slice(2);
if (!url || !tenantId || !countText || !tag) {
  process.stderr.write('usage: store.contract-worker URL TENANT_ID COUNT TAG\n');
  process.exit(2);
}
const store = await openStore(url, { poolMax: 4 });
try {
  const count = Number(countText);
  // Several in flight at once from this process too, so appends interleave inside and across processes.
  const seqs = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      store.appendAudit(tenantId, { kind: 'test.child', payload: { tag, i } }).then((r) => r.seq),
    ),
  );
  process.stdout.write(JSON.stringify({ seqs }) + '\n');
} finally {
  await store.close();
}
