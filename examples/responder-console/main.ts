// `npm run console`: starts the responder console on a local Vite dev server and prints its
// URL. Everything runs in the browser; incidents are kept in the browser's localStorage.
import { createServer } from 'vite';
import { consoleConfig } from './config.js';

const portArgument = process.argv.indexOf('--port');
const port = portArgument === -1 ? undefined : Number(process.argv[portArgument + 1]);
const server = await createServer(consoleConfig(port === undefined ? {} : { port }));
await server.listen();
const url = server.resolvedUrls?.local[0] ?? `http://localhost:${server.config.server.port}/`;
console.log(`The responder console runs at ${url}\nWith the XState inspector: ${url}?inspect (allow the pop-up). Stop with Ctrl-C.`);
