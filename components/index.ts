// The library's public surface. Types come first so the schema analyzer reads their documentation before it finds
// the components (it stops following files once every component is found).
export * from "./types";
export { BackgroundWorker } from "./resources/backgroundWorker";
export { WorkerCluster } from "./resources/cluster";
// A plain function, not a component: a stack-wide dashboard with one row per worker, for TypeScript programs.
export { createOverviewDashboard } from "./resources/dashboard";
