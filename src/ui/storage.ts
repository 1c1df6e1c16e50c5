// What the page keeps in IndexedDB (idb-keyval): the last settings, downloaded built-in images,
// and the user's own image files. Storage is a convenience: when IndexedDB is unavailable
// (private windows, quota) every call degrades to "nothing stored" and the page still boots.
import { createStore, get, set, del, keys, type UseStore } from 'idb-keyval';

let store: UseStore | null | undefined;
function db(): UseStore | null {
  if (store === undefined) {
    try { store = typeof indexedDB === 'undefined' ? null : createStore('seoulweb', 'kv'); } catch { store = null; }
  }
  return store;
}

async function safe<T>(what: string, f: (s: UseStore) => Promise<T>, fallback: T): Promise<T> {
  const s = db();
  if (!s) return fallback;
  try { return await f(s); } catch (e) {
    console.warn(`seoulweb: storage (${what}) failed:`, e);
    return fallback;
  }
}

export interface CachedImage {
  bytes: Uint8Array;
  /** Validators from the response, to revalidate images whose URL has no content hash. */
  etag?: string;
  lastModified?: string;
  size: number;
}

export interface UserImage {
  name: string;
  bytes: Uint8Array;
  added: number;
}

export const loadValue = <T>(key: string): Promise<T | undefined> => safe(`get ${key}`, (s) => get<T>(key, s), undefined);
export const saveValue = (key: string, v: unknown): Promise<void> => safe(`set ${key}`, (s) => set(key, v, s), undefined);

export const cachedImage = (url: string) => loadValue<CachedImage>(`image:${url}`);
export const cacheImage = (url: string, img: CachedImage) => saveValue(`image:${url}`, img);

export const userImage = (name: string) => loadValue<UserImage>(`user:${name}`);
export const saveUserImage = (img: UserImage) => saveValue(`user:${img.name}`, img);
export const deleteUserImage = (name: string) => safe(`del ${name}`, (s) => del(`user:${name}`, s), undefined);

/** Names of the user's stored images, sorted. */
export async function userImageNames(): Promise<string[]> {
  const all = await safe('keys', (s) => keys(s), [] as IDBValidKey[]);
  return all.filter((k): k is string => typeof k === 'string' && k.startsWith('user:')).map((k) => k.slice(5)).sort();
}
