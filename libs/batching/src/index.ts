export { FlushResult, GroupCommit } from './group-commit';
