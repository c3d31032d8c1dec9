export { exitOnSignal } from './exit-on-signal';
export { listenFailure, listeningUrl } from './listen';
export { preflight } from './preflight';
export { runMain, RunMainOptions } from './run-main';
