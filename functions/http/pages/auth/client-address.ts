import { getConnInfo as nodeConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { getConnInfo as lambdaConnInfo } from 'hono/aws-lambda';

/**
 * Who is asking, for the sign-in limits: taken from the connection as the runtime saw it, never
 * from a header the client writes (X-Forwarded-For can say anything). Injectable so that route
 * tests can play several clients.
 */
export type ClientAddress = (c: Context) => string;

const unknownClient = 'inconnu';

/** `npm start`: the socket's remote address. */
export const socketClientAddress: ClientAddress = (c) => {
  try {
    return nodeConnInfo(c).remote.address ?? unknownClient;
  } catch {
    return unknownClient;
  }
};

/** Lambda behind API Gateway: the source address API Gateway recorded for the connection. */
export const lambdaClientAddress: ClientAddress = (c) => {
  try {
    return lambdaConnInfo(c).remote.address ?? unknownClient;
  } catch {
    return unknownClient;
  }
};
