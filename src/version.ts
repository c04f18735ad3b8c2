/** Kept equal to package.json's version (a test checks). */
export const version = '0.1.0';
