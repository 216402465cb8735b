import { ConfigError, loadLocalConfig } from '../functions/config';
import { EmulatorStartError } from './emulators';
import { preflight } from './preflight';
import { startRuntime } from './runtime';

/** `npm start`: the whole product on this machine. Stops cleanly on Ctrl-C, Java child included. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadLocalConfig>;
  try {
    config = loadLocalConfig(process.env);
  } catch (e: unknown) {
    if (e instanceof ConfigError) fail(e.problems.join('\n'));
    throw e;
  }
  const problems = await preflight(config);
  if (problems.length > 0) fail(problems.join('\n'));

  const started = Date.now();
  let runtime: Awaited<ReturnType<typeof startRuntime>>;
  try {
    runtime = await startRuntime(config, (line) => console.log(`  ${line}`));
  } catch (e: unknown) {
    if (e instanceof EmulatorStartError) fail(e.message);
    throw e;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`
Communiqué tourne en local (prêt en ${seconds} s)
  application        ${runtime.appUrl}   (santé : ${runtime.appUrl}/healthz)
  API + OpenAPI      ${runtime.appUrl}/api/openapi.json
  salle de presse    ${runtime.appUrl}/newsroom   (Atom : ${runtime.appUrl}/newsroom/feed.xml ; inscription : ${runtime.appUrl}/subscribe)
  boîte d'envoi SES  ${runtime.outboxUrl}   (JSON : ${runtime.outboxUrl}/store)
  DynamoDB Local     ${config.dynamoEndpoint}   (données dans ${config.dataDir}/)
  jeton admin        ${runtime.adminToken}   (fichier ${runtime.adminTokenFile})
${signInLines(runtime)}
  données de démo    ${runtime.demoLoaded ? 'chargées' : 'déjà présentes'}${runtime.resumedCampaigns ? `\n  campagnes reprises ${runtime.resumedCampaigns}` : ''}
Ctrl-C pour arrêter.`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} reçu : arrêt…`);
    await runtime.stop();
    console.log('arrêté.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** How to sign in to the workspace: the first admin's address and password, or where they are kept. */
function signInLines(runtime: Awaited<ReturnType<typeof startRuntime>>): string {
  const { created, file, credentials } = runtime.firstAdmin;
  const where = `  espace de travail  ${runtime.appUrl}/connexion`;
  if (!credentials) return `${where}   (comptes déjà créés ; identifiants du premier admin absents de ${file})`;
  return [
    `${where}${created ? '   (premier compte admin créé)' : ''}`,
    `    e-mail           ${credentials.email}`,
    `    mot de passe     ${credentials.password}   (fichier ${file}, lisible par vous seul)`,
  ].join('\n');
}

function fail(message: string): never {
  console.error(`communique: ${message}`);
  process.exit(1);
}

main().catch((e: unknown) => {
  console.error('communique: échec du démarrage :', e);
  process.exit(1);
});
