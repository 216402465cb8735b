import { z } from 'zod';
import fr from 'zod/v4/locales/fr.js';

/**
 * zod's built-in messages in French, process-wide ("Trop petit : …" instead of "Too small: …").
 * Imported first by domain/text-fields.ts, which every schema of the domain uses, so any process
 * that parses (API, CLI, tests) has it before its first parse. Only the French locale is
 * imported (not z.locales), so the others stay out of the bundles.
 */
z.config(fr());
