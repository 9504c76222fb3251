/** The element's version, sent in the `x-liveness-capture` report (a test keeps it equal to package.json's). */
export const VERSION = '0.1.0';
