/**
 * AWS APIs on loopback, on the wire: one HTTP server per service, found by
 * the SDK through `AWS_ENDPOINT_URL_<SERVICE>` ("Service-specific
 * endpoints", AWS SDKs and Tools reference guide,
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 * The variable's suffix is the client's serviceId, upper-cased, spaces to
 * underscores (@smithy/core, endpoints/middleware-endpoint/adaptors/
 * getEndpointUrlConfig.js): `CloudWatch Logs` -> AWS_ENDPOINT_URL_CLOUDWATCH_LOGS.
 *
 * A service is a table entry: its serviceId, its protocol (how an
 * operation is named on the wire and how errors look) and its operations,
 * each a function from the decoded request to a response body. Adding an
 * operation is one more entry in `operations`; adding a service is one
 * more WireService. A call to an operation without an entry is answered
 * with the protocol's UnknownOperationException and kept in `unhandled`,
 * so a test can fail on it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How a service puts an operation on the wire (Smithy AWS protocols,
 * https://smithy.io/2.0/aws/protocols/):
 * - awsJson1_0 / awsJson1_1: `POST /`, `X-Amz-Target: <target>.<Operation>`,
 *   a JSON body; errors carry `__type`.
 * - restJson1: the operation is the method and path (its @http trait);
 *   errors carry the `x-amzn-ErrorType` header.
 */
export type WireProtocol =
  | { kind: 'awsJson1_0' | 'awsJson1_1'; target: string }
  | {
      kind: 'restJson1';
      routes: { operation: string; method: string; path: RegExp }[];
    };

export type WireRequest = {
  operation: string;
  /** The JSON body, `{}` when there is none. */
  body: Record<string, unknown>;
  /** Named groups of the route's path pattern (restJson1). */
  pathParams: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
};

/**
 * An answer: a body (status 200 unless said), an error, or none at all:
 * `hang` keeps the accepted connection open and never answers, as a
 * stalled endpoint does, until the client gives up or the double closes.
 */
export type WireResponse =
  | { status?: number; body: unknown }
  | { error: { status: number; code: string; message: string } }
  | { hang: true };

export type WireOperation = (
  request: WireRequest,
) => WireResponse | Promise<WireResponse>;

export type WireService = {
  /** The SDK client's `serviceId`, e.g. `CloudWatch`, `CloudWatch Logs`. */
  serviceId: string;
  protocol: WireProtocol;
  operations: Record<string, WireOperation>;
};

export type WireCall = { serviceId: string; operation: string } & Pick<
  WireRequest,
  'body' | 'pathParams'
>;

export type AwsWire = {
  /** `AWS_ENDPOINT_URL_<SERVICE>` for every service. */
  env: Record<string, string>;
  /** Every call answered by an operation, in order. */
  calls: WireCall[];
  /** Calls no operation answered (a test should expect none). */
  unhandled: WireCall[];
  close(): Promise<void>;
};

/** The environment variable the SDK reads for a serviceId. */
export function endpointVariable(serviceId: string): string {
  return ['AWS_ENDPOINT_URL', ...serviceId.split(' ')]
    .map((part) => part.toUpperCase())
    .join('_');
}

/**
 * Turns an SDK-shaped value into its JSON wire form: Dates become epoch
 * seconds (the default timestamp format of the JSON protocols) and
 * `$metadata` is dropped.
 */
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, v]) => key !== '$metadata' && v !== undefined)
        .map(([key, v]) => [key, toWire(v)]),
    );
  }
  return value;
}

function operationOf(
  protocol: WireProtocol,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
): { operation: string; pathParams: Record<string, string> } {
  if (protocol.kind === 'restJson1') {
    for (const route of protocol.routes) {
      const match = method === route.method ? route.path.exec(path) : null;
      if (match) {
        const pathParams: Record<string, string> = {};
        for (const [k, v] of Object.entries(match.groups ?? {})) {
          pathParams[k] = decodeURIComponent(v);
        }
        return { operation: route.operation, pathParams };
      }
    }
    return { operation: `${method} ${path}`, pathParams: {} };
  }
  const target = String(headers['x-amz-target'] ?? '');
  const prefix = `${protocol.target}.`;
  return {
    operation: target.startsWith(prefix) ? target.slice(prefix.length) : target,
    pathParams: {},
  };
}

function contentType(protocol: WireProtocol): string {
  switch (protocol.kind) {
    case 'awsJson1_0':
      return 'application/x-amz-json-1.0';
    case 'awsJson1_1':
      return 'application/x-amz-json-1.1';
    default:
      return 'application/json';
  }
}

function startService(
  service: WireService,
  calls: WireCall[],
  unhandled: WireCall[],
): Promise<{ server: Server; url: string }> {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const { operation, pathParams } = operationOf(
      service.protocol,
      request.method ?? 'GET',
      url.pathname,
      request.headers,
    );
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const call = { serviceId: service.serviceId, operation, body, pathParams };
    const handler = service.operations[operation];
    let answer: WireResponse;
    if (handler) {
      calls.push(call);
      try {
        answer = await handler({
          operation,
          body,
          pathParams,
          query: url.searchParams,
          headers: request.headers,
        });
      } catch (error) {
        answer = {
          error: {
            status: 500,
            code: 'InternalFailure',
            message: (error as Error).message,
          },
        };
      }
    } else {
      unhandled.push(call);
      answer = {
        error: {
          status: 400,
          code: 'UnknownOperationException',
          message: `no double for ${service.serviceId} ${operation}`,
        },
      };
    }
    const headers: Record<string, string> = {
      'content-type': contentType(service.protocol),
      'x-amzn-requestid': crypto.randomUUID(),
    };
    if ('hang' in answer) {
      return;
    }
    if ('error' in answer) {
      const { status, code, message } = answer.error;
      if (service.protocol.kind === 'restJson1') {
        headers['x-amzn-errortype'] = code;
        response.writeHead(status, headers);
        response.end(JSON.stringify({ ErrorCode: code, Message: message }));
      } else {
        response.writeHead(status, headers);
        response.end(JSON.stringify({ __type: code, message }));
      }
      return;
    }
    response.writeHead(answer.status ?? 200, headers);
    response.end(JSON.stringify(answer.body ?? {}));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

/** Starts every service on its own loopback port. */
export async function startAwsWire(services: WireService[]): Promise<AwsWire> {
  const calls: WireCall[] = [];
  const unhandled: WireCall[] = [];
  const started = await Promise.all(
    services.map((s) => startService(s, calls, unhandled)),
  );
  const env: Record<string, string> = {};
  services.forEach((service, i) => {
    env[endpointVariable(service.serviceId)] = started[i]?.url ?? '';
  });
  return {
    env,
    calls,
    unhandled,
    async close() {
      await Promise.all(
        started.map(
          ({ server }) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}

/**
 * The services burstguard calls, with their protocols as the installed
 * SDK clients speak them (each client's protocol and protocolSettings in
 * its dist-cjs/index.js); operations are supplied per test.
 */
export const WIRE_PROTOCOLS = {
  /**
   * @aws-sdk/client-cloudwatch 3.1164 speaks awsJson1_0 with the awsQuery
   * compatible error codes, target GraniteServiceVersion20100801.
   */
  CloudWatch: { kind: 'awsJson1_0', target: 'GraniteServiceVersion20100801' },
  /** CloudWatch Logs: awsJson1_1, target Logs_20140328. */
  'CloudWatch Logs': { kind: 'awsJson1_1', target: 'Logs_20140328' },
  /** Step Functions: awsJson1_0, target AWSStepFunctions. */
  SFN: { kind: 'awsJson1_0', target: 'AWSStepFunctions' },
  /** DynamoDB: awsJson1_0, target DynamoDB_20120810. */
  DynamoDB: { kind: 'awsJson1_0', target: 'DynamoDB_20120810' },
  /**
   * EFS: restJson1, the paths of the EFS API reference
   * (DescribeFileSystems, UpdateFileSystem).
   */
  EFS: {
    kind: 'restJson1',
    routes: [
      {
        operation: 'DescribeFileSystems',
        method: 'GET',
        path: /^\/2015-02-01\/file-systems$/,
      },
      {
        operation: 'UpdateFileSystem',
        method: 'PUT',
        path: /^\/2015-02-01\/file-systems\/(?<FileSystemId>[^/]+)$/,
      },
    ],
  },
} as const satisfies Record<string, WireProtocol>;

/**
 * Points the SDK at the doubles: sets AWS_ENDPOINT_URL_<SERVICE> for each
 * (`wire.env`); the function returned puts the environment back.
 */
export function pointSdkAt(wire: AwsWire): () => void {
  const saved: Record<string, string | undefined> = {};
  for (const [name, url] of Object.entries(wire.env)) {
    saved[name] = process.env[name];
    process.env[name] = url;
  }
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** A double of one of the services in WIRE_PROTOCOLS, in its protocol. */
export function wireService(
  serviceId: keyof typeof WIRE_PROTOCOLS,
  operations: Record<string, WireOperation>,
): WireService {
  return { serviceId, protocol: WIRE_PROTOCOLS[serviceId], operations };
}
