import { createHash } from 'node:crypto';

const marker = /<!-- afterburner:fp=([^\s>]+) -->/;

/** Identity of one posted suggestion: which function it targets and a hash of what it proposes. */
export interface Fingerprint {
  target: string;
  hash: string;
}

/** A short content hash; equal inputs give equal hashes across runs and machines. */
export function contentHash(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part}`);
  return hash.digest('hex').slice(0, 16);
}

/** The hidden marker placed in every comment body; HTML comments do not render on GitHub. */
export function fingerprintMarker(fp: Fingerprint): string {
  return `<!-- afterburner:fp=${encodeURIComponent(fp.target)}~${fp.hash} -->`;
}

export function parseFingerprint(body: string | null | undefined): Fingerprint | undefined {
  const match = body?.match(marker);
  if (!match?.[1]) return undefined;
  const separator = match[1].lastIndexOf('~');
  if (separator < 0) return undefined;
  return {
    target: decodeURIComponent(match[1].slice(0, separator)),
    hash: match[1].slice(separator + 1),
  };
}

/** Marks a comment we retired (outdated by a push); such comments are left alone afterwards. */
export const outdatedMarker = '<!-- afterburner:outdated -->';
/** Marks the one sticky summary comment per pull request. */
export const summaryMarker = '<!-- afterburner:summary -->';
