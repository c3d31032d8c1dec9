import { CreateSchema1763900000000 } from './1763900000000-CreateSchema';

/** Every migration, oldest first. A new migration file is added here too. */
export const MIGRATIONS = [CreateSchema1763900000000];
