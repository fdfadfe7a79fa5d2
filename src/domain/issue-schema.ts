import { z } from 'zod';
import { ISSUE_CATALOG, type IssueCode } from './issues.js';

/** zod schema for issue codes, derived from the catalog so the two cannot drift. */
export const IssueCodeSchema = z.enum(Object.keys(ISSUE_CATALOG) as [IssueCode, ...IssueCode[]]);
