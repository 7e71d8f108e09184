// Every migration the app knows, in order. The last version here is the schema this build expects.
import type { Migration } from '../migrate';
import { migration001 } from './001-initial';
import { migration002 } from './002-calibrations';
import { migration003 } from './003-source-images';
import { migration004 } from './004-addons';
import { migration005 } from './005-hires';
import { migration006 } from './006-calibration-plain';

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
