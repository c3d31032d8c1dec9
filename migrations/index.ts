import { CreateSchema1763900000000 } from './1763900000000-CreateSchema';
import { TrackStartedAttempts1795441573589 } from './1795441573589-TrackStartedAttempts';
import { AddOperationalEventTypes1795443321304 } from './1795443321304-AddOperationalEventTypes';
import { BindCiphertextsToRows1796613422255 } from './1796613422255-BindCiphertextsToRows';

/** Every migration, oldest first. A new migration file is added here too. */
export const MIGRATIONS = [
  CreateSchema1763900000000,
  TrackStartedAttempts1795441573589,
  AddOperationalEventTypes1795443321304,
  BindCiphertextsToRows1796613422255,
];
