import type { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import type { Renderer } from '../app/deps';
import { buildAwsHttpApp } from '../wiring';

// MJML is loaded on the first render, not at init: evaluating it took most of the api's cold
// start (issue 13, bench/bundle-size.ts), and most requests (pages, JSON, sign-in) render no mail.
const renderer = () => import('../render/compile-release').then((m) => m.mjmlRenderer);
const lazyMjmlRenderer: Renderer = {
  compileRelease: async (input) => (await renderer()).compileRelease(input),
  renderWebPage: async (input) => (await renderer()).renderWebPage(input),
};

// Built once per Lambda instance (config checked, secrets read) and reused across invocations.
// It is the API app itself, or that app behind the origin guard when CloudFront is in front; the
// adapter only calls its fetch, so the union of their route types is narrowed to a plain Hono.
const app = (await buildAwsHttpApp(lazyMjmlRenderer)) as unknown as Hono;

export const handler = handle(app);
