// Keys kept in IndexedDB, so that the next proof of the same model (same options, same SRS)
// skips calibration and setup. Keyed by SHA-256 of the model, the options and the SRS.
const DB = 'zkonnx-keys';
const STORE = 'keys';

function db() {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function hex(bytes) {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(h, (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function cacheKey(onnx, options, srs) {
  const parts = [await hex(onnx), JSON.stringify(options), await hex(srs)];
  return hex(new TextEncoder().encode(parts.join('|')));
}

export async function getKeys(key) {
  const d = await db();
  return new Promise((resolve) => {
    const r = d.transaction(STORE).objectStore(STORE).get(key);
    r.onsuccess = () => resolve(r.result ?? null);
    r.onerror = () => resolve(null);
  });
}

export async function putKeys(key, value) {
  const d = await db();
  return new Promise((resolve) => {
    const t = d.transaction(STORE, 'readwrite');
    t.objectStore(STORE).put(value, key);
    t.oncomplete = () => resolve(true);
    t.onerror = () => resolve(false); // e.g. over quota: proving still worked
  });
}
