import { handle } from 'hono/aws-lambda';
import { compileRelease } from '../render/compile-release';
import { buildAwsHttpApp } from '../wiring';

// Built once per Lambda instance (config checked, secrets read) and reused across invocations.
const app = await buildAwsHttpApp(compileRelease);

export const handler = handle(app);
