#!/usr/bin/env node
// The `communique` CLI: TypeScript sources run through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
await import('../cli.ts');
