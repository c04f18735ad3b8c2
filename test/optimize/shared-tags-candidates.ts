// Rewrites of the tagged-posts fixture's `sharedTags`, each with a known fate under the real harness.

/** A Set for the featured list: faster than the original. */
export const featuredSet = `export function sharedTags(posts, featured) {
  const featuredSet = new Set(featured);
  const result = [];
  for (const post of posts) {
    for (const tag of post.tags) {
      if (featuredSet.has(tag) && !result.includes(tag)) result.push(tag);
    }
  }
  return result;
}`;

/** Sets for both lookups: faster still. */
export const bothSets = `export function sharedTags(posts, featured) {
  const featuredSet = new Set(featured);
  const seen = new Set();
  const result = [];
  for (const post of posts) {
    for (const tag of post.tags) {
      if (featuredSet.has(tag) && !seen.has(tag)) {
        seen.add(tag);
        result.push(tag);
      }
    }
  }
  return result;
}`;

/** Correct, but sorts a copy of the featured list for every tag: slower. */
export const slower = `export function sharedTags(posts, featured) {
  const result = [];
  for (const post of posts) {
    for (const tag of post.tags) {
      const sorted = [...featured].sort();
      if (sorted.includes(tag) && !result.includes(tag)) result.push(tag);
    }
  }
  return result;
}`;

/** Breaks first-seen order: the repository's tests fail. */
export const reversed = `export function sharedTags(posts, featured) {
  const result = [];
  for (const post of posts) {
    for (const tag of post.tags) {
      if (featured.includes(tag) && !result.includes(tag)) result.push(tag);
    }
  }
  return result.reverse();
}`;

/** Passes the tests but reorders large results: only the differential check catches it. */
export const reordersLarge = `export function sharedTags(posts, featured) {
  const featuredSet = new Set(featured);
  const seen = new Set();
  const result = [];
  for (const post of posts) {
    for (const tag of post.tags) {
      if (featuredSet.has(tag) && !seen.has(tag)) {
        seen.add(tag);
        result.push(tag);
      }
    }
  }
  return posts.length > 100 ? [result[0], ...result.slice(1).reverse()] : result;
}`;

/** Imports a package the fixture does not depend on. */
export const newDependency = `import uniq from 'lodash.uniq';

export function sharedTags(posts, featured) {
  return uniq(posts.flatMap((post) => post.tags).filter((tag) => featured.includes(tag)));
}`;

/** Sets for both lookups, with a Node built-in import (allowed). */
export const withBuiltinImport = `import { isDeepStrictEqual } from 'node:util';

export function sharedTags(posts, featured) {
  const featuredSet = new Set(featured);
  const seen = new Set();
  const result = [];
  for (const post of posts) {
    for (const tag of post.tags) {
      if (featuredSet.has(tag) && !seen.has(tag)) {
        seen.add(tag);
        result.push(tag);
      }
    }
  }
  return isDeepStrictEqual(result, []) ? [] : result;
}`;

export const js = (code: string) => `Here you go.\n\`\`\`javascript\n${code}\n\`\`\``;
