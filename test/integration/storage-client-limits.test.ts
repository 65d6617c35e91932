/**
 * The document client every function stores through (lambda/adapters/dynamo-client.ts), as DynamoDB sees it:
 * connections kept open across calls, a small retry budget and a bounded wait, so a storage outage becomes a 503
 * quickly; and items with an optional attribute left undefined stored without it. DynamoDB Local serves the normal
 * calls; the faults it cannot produce (a 500 on every call, a hanging answer) come from a small local HTTP server,
 * and a connection that never completes from a listener that accepts nothing (python3, test/helpers/python.ts says
 * how to install it).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { createTestTable, dynamoEndpoint } from '../helpers/aws-local';

const urlOf = (server: Server | TcpServer) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const listening = async <S extends Server | TcpServer>(server: S) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
};
const closed = (server: Server | TcpServer) => new Promise<void>((resolve) => server.close(() => resolve()));

let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

it('keeps one connection open for successive calls', async () => {
  // A TCP relay in front of DynamoDB Local, counting the connections the client opens.
  const target = new URL(dynamoEndpoint());
  const sockets: Socket[] = [];
  let connections = 0;
  const relay = await listening(
    createTcpServer((inbound) => {
      connections += 1;
      sockets.push(inbound);
      const outbound = connect(Number(target.port), target.hostname);
      sockets.push(outbound);
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    }),
  );
  const client = makeDocumentClient({ endpoint: urlOf(relay) });
  try {
    for (let i = 0; i < 3; i++) {
      await client.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'job#x', sk: `k${i}` } }));
    }
    expect(connections).toBe(1);
  } finally {
    client.destroy();
    for (const socket of sockets) socket.destroy();
    await closed(relay);
  }
});

it('stores an item with optional values left undefined, without them, at any depth', async () => {
  const client = makeDocumentClient({ endpoint: dynamoEndpoint() });
  const key = { pk: 'job#undefined-attribute', sk: 'state' };
  const Item = { ...key, status: 'failed', errorMessage: undefined, excerpts: { locale: 'fr', message: undefined } };
  await client.send(new PutCommand({ TableName: table.tableName, Item }));
  const stored = await client.send(new GetCommand({ TableName: table.tableName, Key: key }));
  expect(stored.Item).toEqual({ ...key, status: 'failed', excerpts: { locale: 'fr' } });
  client.destroy();
});

describe('against a failing DynamoDB', () => {
  let requests = 0;
  let holdMs = 0;
  const held = new Set<NodeJS.Timeout>();
  let server: Server;
  beforeAll(async () => {
    server = await listening(
      createServer((req, res) => {
        requests += 1;
        req.resume();
        const answer = () => {
          res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'InternalServerError' });
          res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'internal server error' }));
        };
        if (holdMs === 0) return void req.on('end', answer);
        const timer = setTimeout(() => {
          held.delete(timer);
          if (!res.destroyed) answer();
        }, holdMs);
        held.add(timer);
      }),
    );
  });
  beforeEach(() => {
    requests = 0;
    holdMs = 0;
  });
  afterAll(async () => {
    for (const timer of held) clearTimeout(timer);
    server.closeAllConnections();
    await closed(server);
  });

  it('tries three times by default, then gives up', async () => {
    const client = makeDocumentClient({ endpoint: urlOf(server) });
    await expect(client.send(new GetCommand({ TableName: 'jobs', Key: { pk: 'a', sk: 'b' } }))).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(requests).toBe(3);
    client.destroy();
  });

  it('tries only as often as it is told to', async () => {
    const client = makeDocumentClient({ endpoint: urlOf(server), maxAttempts: 1 });
    await expect(client.send(new GetCommand({ TableName: 'jobs', Key: { pk: 'a', sk: 'b' } }))).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(requests).toBe(1);
    client.destroy();
  });

  it('stops waiting for an answer after the request timeout', async () => {
    holdMs = 2500;
    const client = makeDocumentClient({ endpoint: urlOf(server), maxAttempts: 1, requestTimeoutMs: 100 });
    // The answer (a 500 after 2.5 s) never arrives in time: the client reports its own timeout instead.
    await expect(client.send(new GetCommand({ TableName: 'jobs', Key: { pk: 'a', sk: 'b' } }))).rejects.toMatchObject({ name: 'TimeoutError' });
    client.destroy();
  });
});

it('gives up on a connection that DynamoDB never completes, after the connection timeout', async () => {
  // A listener whose queue holds one connection and which never accepts: once that place is taken, a connect hangs.
  const listener = [
    'import socket, time',
    's = socket.socket()',
    's.bind(("127.0.0.1", 0))',
    's.listen(0)',
    'print(s.getsockname()[1], flush=True)',
    'time.sleep(60)',
  ];
  const python = spawn('python3', ['-c', listener.join('\n')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(python.stdout, 'data')) as [Buffer];
  const port = Number(String(line).trim());
  const queued = connect(port, '127.0.0.1');
  await once(queued, 'connect');
  const client = makeDocumentClient({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
  try {
    // The default connection timeout (1 s) ends it, well before the request timeout (3 s) would.
    await expect(client.send(new GetCommand({ TableName: 'jobs', Key: { pk: 'a', sk: 'b' } }))).rejects.toMatchObject({
      name: 'TimeoutError',
      message: expect.stringMatching(/did not establish a connection/),
    });
  } finally {
    client.destroy();
    queued.destroy();
    python.kill();
  }
});
