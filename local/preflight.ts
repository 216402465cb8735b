import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { LocalConfig } from '../functions/config';

/** Checks `npm start` needs before starting anything; each problem is one line saying what and how to fix it. */
export async function preflight(config: LocalConfig): Promise<string[]> {
  const problems: string[] = [];
  if (!config.externalDynamo) {
    const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
    if (java.error || java.status !== 0) {
      problems.push(
        'Java introuvable : DynamoDB Local en a besoin. Installez Java 17 (apt-get install -y openjdk-17-jre-headless) ou pointez AWS_ENDPOINT_URL_DYNAMODB vers un DynamoDB existant.',
      );
    }
  }
  const ports: [string, number, boolean][] = [
    ['PORT', config.port, true],
    ['DYNAMODB_PORT', config.dynamoPort, !config.externalDynamo],
    ['SES_PORT', config.sesPort, !config.externalSes],
  ];
  for (const [name, port, needed] of ports) {
    if (needed && !(await isPortFree(port))) {
      problems.push(
        `Le port ${port} (${name}) est déjà pris : arrêtez ce qui l'occupe ou choisissez-en un autre, par exemple ${name}=${port + 10} npm start.`,
      );
    }
  }
  return problems;
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '0.0.0.0', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
