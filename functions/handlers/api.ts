import type { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { mjmlRenderer } from '../render/compile-release';
import { buildAwsHttpApp } from '../wiring';

// Built once per Lambda instance (config checked, secrets read) and reused across invocations.
// It is the API app itself, or that app behind the origin guard when CloudFront is in front; the
// adapter only calls its fetch, so the union of their route types is narrowed to a plain Hono.
const app = (await buildAwsHttpApp(mjmlRenderer)) as unknown as Hono;

export const handler = handle(app);
