import { version } from '../../../package.json';

/** Hookline's version, sent in `user-agent: Hookline/<version>`. */
export const APP_VERSION: string = version;
