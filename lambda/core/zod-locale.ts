/**
 * zod/mini loads no locale, so its issues read only "Invalid input". The English one keeps messages such as
 * "expected string, received undefined" in 400s and start-up errors. Imported by name from `zod/locales`: the
 * namespace's `locales` object would bundle every locale (+260 KB). Imported for its effect.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());
