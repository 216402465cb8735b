import { handle } from 'hono/aws-lambda';
import { mjmlRenderer } from '../render/compile-release';
import { buildAwsHttpApp } from '../wiring';

// Built once per Lambda instance (config checked, secrets read) and reused across invocations.
const app = await buildAwsHttpApp(mjmlRenderer);

export const handler = handle(app);
