// Loaded by mocha after ts-node. The Pulumi SDK records `new Error().stack` for every promise it creates (to report
// leaked promises), and ts-node's source-map support maps each of those stacks back to TypeScript: about a third of
// the unit tests' CPU went there. Those errors have no message and are never shown, so they skip the mapping; every
// error with a message keeps its full, source-mapped stack.
"use strict";
const mapStack = Error.prepareStackTrace;
if (typeof mapStack === "function") {
    Error.prepareStackTrace = (error, callSites) =>
        error instanceof Error && error.message === "" && error.constructor === Error ? "" : mapStack(error, callSites);
}
