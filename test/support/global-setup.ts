import type { TestProject } from 'vitest/node';
import { startDynamoLocal, startSesEmulator } from '../../local/emulators';
import { freePort } from './free-port';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sesEndpoint: string;
  }
}

/** Real emulators for the integration and end-to-end tests: DynamoDB Local (in memory) and the SES emulator. */
export default async function setup(project: TestProject) {
  const [dynamoPort, sesPort] = [await freePort(), await freePort()];
  const [dynamo, ses] = await Promise.all([startDynamoLocal({ port: dynamoPort, timeoutMs: 60_000 }), startSesEmulator({ port: sesPort })]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sesEndpoint', ses.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), ses.stop()]);
  };
}
