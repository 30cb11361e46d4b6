/** Bumped whenever the compiler's output for the same rule changes (shown when a bundle is refused). */
export const COMPILER_VERSION = '1.1.0';
